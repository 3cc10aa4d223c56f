/**
 * What the MFA remediation does for one user: nothing when exempt or already covered (the
 * rule's own evaluator decides), else add the user to the MFA group or attach the policy.
 */
import { GroupPolicies, UserPolicies, evaluateMfaPolicy } from "../../rules/mfa-policy-attached/evaluate";

export type MfaEnforcementMode = "group" | "attach";

export type MfaAction =
  | { action: "none"; reason: string }
  | { action: "add-to-group"; userName: string; groupName: string }
  | { action: "attach-policy"; userName: string; policyArn: string };

export function planMfaRemediation(
  user: UserPolicies,
  groupPolicies: GroupPolicies,
  settings: {
    policyArn: string;
    groupName: string;
    enforcement: MfaEnforcementMode;
    exemptUsers: readonly string[];
  },
): MfaAction {
  const verdict = evaluateMfaPolicy(user, groupPolicies, settings);
  if (verdict.compliance === "COMPLIANT") return { action: "none", reason: verdict.annotation };
  return settings.enforcement === "group"
    ? { action: "add-to-group", userName: user.userName, groupName: settings.groupName }
    : { action: "attach-policy", userName: user.userName, policyArn: settings.policyArn };
}
