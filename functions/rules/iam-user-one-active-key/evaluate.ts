/**
 * iam-user-one-active-key: an IAM user with both of its access keys active (IAM allows two).
 * Two active keys are how a rotation is left half done: the old key keeps working after the new
 * one is handed out. No AWS managed rule checks it; the credential report says it for every user.
 *
 * Scenarios (each is a test case):
 * - none or one active key: COMPLIANT; both active: NON_COMPLIANT, naming when each was created
 *   or last rotated (dates, not ages, so the annotation stays the same from run to run);
 * - an inactive key does not count, however recent;
 * - an exempt user is COMPLIANT, the annotation says so;
 * - a user missing from the report gets no verdict, even if created after the report: a new
 *   user may hold two keys already, and the report cannot say (the handler regenerates it once).
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

export interface OneActiveKeyParameters {
  exemptUsers: readonly string[];
}

/** The user's verdict from its row (exemptions are the caller's); undefined without a row. */
export function evaluateActiveKeyCount(
  user: Pick<ReportUser, "userId" | "userName">,
  row: CredentialReportRow | undefined,
): Verdict | undefined {
  if (!row) return undefined;
  const verdict = verdictFor(RESOURCE_TYPES.iamUser, user.userId);
  const active = [
    { key: "access key 1", active: row.accessKey1Active, rotated: row.accessKey1LastRotated },
    { key: "access key 2", active: row.accessKey2Active, rotated: row.accessKey2LastRotated },
  ].filter((key) => key.active);
  if (active.length < 2) {
    return verdict(
      "COMPLIANT",
      `${user.userName} has ${active.length === 0 ? "no active access key" : `one active access key (${active[0]?.key})`}.`,
    );
  }
  const since = active.map(
    ({ key, rotated }) =>
      `${key} ${rotated ? `created or rotated on ${reportDay(rotated)}` : "of unknown age"}`,
  );
  return verdict(
    "NON_COMPLIANT",
    `${user.userName} has two active access keys (${since.join(", ")}); deactivate the one no longer used.`,
  );
}

/** Every user of the account; `unjudged` are the users the report should hold and does not. */
export function evaluateOneActiveKey(
  users: Iterable<ReportUser>,
  report: CredentialReport,
  parameters: OneActiveKeyParameters,
): ReportVerdicts {
  return judgeReportUsers(users, report, parameters.exemptUsers, evaluateActiveKeyCount);
}
