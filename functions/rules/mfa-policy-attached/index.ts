/**
 * mfa-policy-attached: every user but the exempt ones carries the MFA policy, directly or
 * through a group. Hourly as well as on user change: joining or leaving a group, or a group's
 * policy change, produces no configuration item of the user.
 */
import { RESOURCE_TYPES } from "../verdict";
import { ALL_USERS_MEMORY_MB, type CustomRuleDefinition } from "../../shared/definitions";
import { requiredFact } from "../../shared/definitions";
import { evaluateMfaPolicies } from "./evaluate";
import { PERMISSIONS, createHandler } from "./handler";
import { MFA_POLICY_PARAMETERS, MfaPolicyRuleParameters } from "./parameters";

export const mfaPolicyAttached: CustomRuleDefinition<MfaPolicyRuleParameters> = {
  owner: "CUSTOM_LAMBDA",
  name: "mfa-policy-attached",
  ruleSets: ["guardrails"],
  description: () =>
    "Every IAM user but the exempt ones must have the MFA policy, directly or through a group.",
  resourceTypes: [RESOURCE_TYPES.iamUser],
  onChange: true,
  periodic: "One_Hour",
  global: true,
  parameters: MFA_POLICY_PARAMETERS,
  fromSettings: (settings, facts) => ({
    policyArn: requiredFact(facts.mfaPolicyArn, "the MFA policy's ARN"),
    exemptUsers: settings.exemptUsers,
    refreshDays: settings.evaluationRefreshDays,
  }),
  mirror: (account, parameters) =>
    evaluateMfaPolicies([...account.users.values()], account.groupPolicies, parameters),
  createHandler,
  permissions: PERMISSIONS,
  timeoutSeconds: 120,
  memoryMb: ALL_USERS_MEMORY_MB,
};
