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
import { CredentialReport, CredentialReportRow } from "../credential-report";
import { exemptionsOf } from "../iam-names";
import { RESOURCE_TYPES, Verdict, verdictFor } from "../verdict";

export interface InactiveUsersParameters {
  maxInactiveDays: number;
  exemptUsers: readonly string[];
}

/** The user as AWS Config knows it: the id is the resource id, the name is what people read. */
export interface IamUserIdentity {
  userId: string;
  userName: string;
  /** When IAM created the user; what tells a new user from one the report left out. */
  createDate?: Date;
}

const DAY_MS = 24 * 60 * 60 * 1000;

function lastUse(row: CredentialReportRow): { credential: string; at: Date } | undefined {
  const uses = [
    { credential: "console password", at: row.passwordLastUsed },
    { credential: "access key 1", at: row.accessKey1LastUsed },
    { credential: "access key 2", at: row.accessKey2LastUsed },
  ].filter((use): use is { credential: string; at: Date } => use.at !== undefined);
  return uses.sort((a, b) => b.at.getTime() - a.at.getTime())[0];
}

function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/**
 * The user's verdict, or undefined when the report holds no row for a user it should hold: the
 * report cannot say whether that user is active.
 */
export function evaluateUserActivity(
  user: IamUserIdentity,
  row: CredentialReportRow | undefined,
  parameters: InactiveUsersParameters,
  now: Date,
  reportGeneratedAt: Date | undefined,
  isExempt = exemptionsOf(parameters.exemptUsers),
): Verdict | undefined {
  const verdict = verdictFor(RESOURCE_TYPES.iamUser, user.userId);
  if (isExempt(user.userName)) {
    return verdict("COMPLIANT", `${user.userName} is exempt (exemptUsers).`);
  }
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
    ? `${user.userName} last used its ${used.credential} on ${day(used.at)}`
    : `${user.userName} never used a password or access key since its creation on ${day(since)}`;
  return idleDays > parameters.maxInactiveDays
    ? verdict("NON_COMPLIANT", `${what} (${limit}).`)
    : verdict("COMPLIANT", `${what} (${limit}).`);
}

/**
 * Every user of the account, matched to its report row by ARN (names can be reused); `unjudged`
 * are the users the report should hold and does not.
 */
export function evaluateInactiveUsers(
  users: readonly (IamUserIdentity & { arn: string })[],
  report: CredentialReport,
  parameters: InactiveUsersParameters,
  now: Date,
): { verdicts: Verdict[]; unjudged: IamUserIdentity[] } {
  const isExempt = exemptionsOf(parameters.exemptUsers);
  const verdicts: Verdict[] = [];
  const unjudged: IamUserIdentity[] = [];
  for (const user of users) {
    const verdict = evaluateUserActivity(
      user,
      report.byArn.get(user.arn),
      parameters,
      now,
      report.generatedTime,
      isExempt,
    );
    if (verdict) verdicts.push(verdict);
    else unjudged.push(user);
  }
  return { verdicts, unjudged };
}
