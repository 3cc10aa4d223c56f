/**
 * iam-inactive-users: an IAM user whose credentials have not been used for `maxInactiveDays`.
 *
 * Scenarios (each is a test case):
 * - the most recent use of the console password or either access key is within the limit:
 *   COMPLIANT; older: NON_COMPLIANT, naming the credential and the date;
 * - a user who never used any credential is judged from its creation date, so a user created
 *   yesterday is never flagged, one created long ago and never used is;
 * - "N/A" and "no_information" count as no use;
 * - the annotation names dates, not ages: it stays the same from one daily run to the next
 *   until the verdict changes, so a periodic run need not send it again (each sent evaluation is
 *   billed);
 * - an exempt user is COMPLIANT, the annotation says so; exemptions match names as IAM does,
 *   regardless of case;
 * - a user missing from the report and created after it was generated is COMPLIANT: it is new;
 *   one missing from a report generated after its creation cannot be judged from it: no verdict
 *   (the handler regenerates the report once), never COMPLIANT by default.
 */
import {
  CredentialReport,
  CredentialReportRow,
  ReportUser,
  ReportVerdicts,
  judgeReportUsers,
  reportDay,
} from "../credential-report";
import { RESOURCE_TYPES, Verdict, verdictFor } from "../verdict";

export interface InactiveUsersParameters {
  maxInactiveDays: number;
  exemptUsers: readonly string[];
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** The latest use; of uses at the same time, the first in the report's order. */
function lastUse(row: CredentialReportRow): { credential: string; at: Date } | undefined {
  let last: { credential: string; at: Date } | undefined;
  const consider = (credential: string, at: Date | undefined) => {
    if (at && (!last || at.getTime() > last.at.getTime())) last = { credential, at };
  };
  consider("console password", row.passwordLastUsed);
  consider("access key 1", row.accessKey1LastUsed);
  consider("access key 2", row.accessKey2LastUsed);
  return last;
}

/**
 * A user's verdict (exemptions are the caller's), or undefined when the report holds no row for
 * a user it should hold: the report cannot say whether that user is active.
 */
export function evaluateUserActivity(
  user: Omit<ReportUser, "arn">,
  row: CredentialReportRow | undefined,
  parameters: InactiveUsersParameters,
  now: Date,
  reportGeneratedAt: Date | undefined,
): Verdict | undefined {
  const verdict = verdictFor(RESOURCE_TYPES.iamUser, user.userId);
  if (!row) {
    const newer =
      user.createDate !== undefined &&
      reportGeneratedAt !== undefined &&
      user.createDate.getTime() > reportGeneratedAt.getTime();
    return newer
      ? verdict(
          "COMPLIANT",
          `${user.userName} was created on ${user.createDate?.toISOString()}, after the credential report of ${reportGeneratedAt?.toISOString()}.`,
        )
      : undefined;
  }
  const used = lastUse(row);
  const since = used?.at ?? row.userCreationTime;
  const idleDays = Math.floor((now.getTime() - since.getTime()) / DAY_MS);
  const limit = `limit ${parameters.maxInactiveDays} days`;
  const what = used
    ? `${user.userName} last used its ${used.credential} on ${reportDay(used.at)}`
    : `${user.userName} never used a password or access key since its creation on ${reportDay(since)}`;
  return idleDays > parameters.maxInactiveDays
    ? verdict("NON_COMPLIANT", `${what} (${limit}).`)
    : verdict("COMPLIANT", `${what} (${limit}).`);
}

/** Every user of the account; `unjudged` are the users the report should hold and does not. */
export function evaluateInactiveUsers(
  users: Iterable<ReportUser>,
  report: CredentialReport,
  parameters: InactiveUsersParameters,
  now: Date,
): ReportVerdicts {
  return judgeReportUsers(users, report, parameters.exemptUsers, (user, row) =>
    evaluateUserActivity(user, row, parameters, now, report.generatedTime),
  );
}
