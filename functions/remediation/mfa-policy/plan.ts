/**
 * What the MFA remediation does for one user: nothing when exempt or already covered (the
 * rule's own evaluator decides), else add the user to the MFA group or attach the policy.
 */
import {
  GroupPolicies,
  MfaPolicyParameters,
  UserPolicies,
  evaluateMfaPolicy,
} from "../../rules/mfa-policy-attached/evaluate";

/** What the remediation does about a user without the policy: say so, or enforce it. */
export const MFA_MODES = ["report", "enforce"] as const;
export type MfaMode = (typeof MFA_MODES)[number];

/** How it is enforced: through the group that holds the policy, or attached to the user. */
export const MFA_ENFORCEMENTS = ["group", "attach"] as const;
export type MfaEnforcement = (typeof MFA_ENFORCEMENTS)[number];

export type MfaAction =
  | { action: "none"; reason: string; userName: string }
  | { action: "add-to-group"; userName: string; groupName: string }
  | { action: "attach-policy"; userName: string; policyArn: string };

export interface MfaRemediationSettings extends MfaPolicyParameters {
  groupName: string;
  enforcement: MfaEnforcement;
}

export function planMfaRemediation(
  user: UserPolicies,
  groupPolicies: GroupPolicies,
  settings: MfaRemediationSettings,
): MfaAction {
  const verdict = evaluateMfaPolicy(user, groupPolicies, settings);
  if (verdict.compliance === "COMPLIANT") {
    return { action: "none", reason: verdict.annotation, userName: user.userName };
  }
  return settings.enforcement === "group"
    ? { action: "add-to-group", userName: user.userName, groupName: settings.groupName }
    : { action: "attach-policy", userName: user.userName, policyArn: settings.policyArn };
}
