/**
 * iam-inactive-users: an IAM user whose credentials have not been used for `maxInactiveDays`.
 *
 * Scenarios (each is a test case):
 * - the most recent use of the console password or either access key is within the limit:
 *   COMPLIANT; older: NON_COMPLIANT, naming the credential and the date;
 * - a user who never used any credential is judged from its creation date, so a user created
 *   yesterday is never flagged, one created long ago and never used is;
 * - "N/A" and "no_information" count as no use;
 * - an exempt user is COMPLIANT, the annotation says so; exemptions match names as IAM does,
 *   regardless of case;
 * - a user missing from the report (created after it was generated) is COMPLIANT: it is new.
 */
import { CredentialReportRow } from "../credential-report";
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

function daysAgo(days: number): string {
  return days === 1 ? "1 day ago" : `${days} days ago`;
}

function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function evaluateUserActivity(
  user: IamUserIdentity,
  row: CredentialReportRow | undefined,
  parameters: InactiveUsersParameters,
  now: Date,
  isExempt = exemptionsOf(parameters.exemptUsers),
): Verdict {
  const verdict = verdictFor(RESOURCE_TYPES.iamUser, user.userId);
  if (isExempt(user.userName)) {
    return verdict("COMPLIANT", `${user.userName} is exempt (exemptUsers).`);
  }
  if (!row) {
    return verdict("COMPLIANT", `${user.userName} is newer than the credential report.`);
  }
  const used = lastUse(row);
  const since = used?.at ?? row.userCreationTime;
  const idleDays = Math.floor((now.getTime() - since.getTime()) / DAY_MS);
  const limit = `limit ${parameters.maxInactiveDays} days`;
  const what = used
    ? `${user.userName} last used its ${used.credential} on ${day(used.at)}, ${daysAgo(idleDays)}`
    : `${user.userName} never used a password or access key since its creation on ${day(since)}, ${daysAgo(idleDays)}`;
  return idleDays > parameters.maxInactiveDays
    ? verdict("NON_COMPLIANT", `${what} (${limit}).`)
    : verdict("COMPLIANT", `${what} (${limit}).`);
}

/** Every user of the account, matched to its report row by ARN (names can be reused). */
export function evaluateInactiveUsers(
  users: readonly (IamUserIdentity & { arn: string })[],
  report: readonly CredentialReportRow[],
  parameters: InactiveUsersParameters,
  now: Date,
): Verdict[] {
  const rows = new Map(report.map((row) => [row.arn, row]));
  const isExempt = exemptionsOf(parameters.exemptUsers);
  return users.map((user) =>
    evaluateUserActivity(user, rows.get(user.arn), parameters, now, isExempt),
  );
}
