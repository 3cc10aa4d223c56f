/**
 * iam-inactive-users: users whose password and access keys have gone unused for
 * `maxInactiveDays`, read for all users at once from the IAM credential report. Daily, since
 * inactivity is counted in days, and on every user change.
 */
import { RESOURCE_TYPES } from "../verdict";
import { ALL_USERS_MEMORY_MB, type CustomRuleDefinition } from "../../shared/definitions";
import { evaluateInactiveUsers } from "./evaluate";
import { PERMISSIONS, createHandler } from "./handler";
import { INACTIVE_USERS_PARAMETERS, InactiveUsersRuleParameters } from "./parameters";

export const iamInactiveUsers: CustomRuleDefinition<InactiveUsersRuleParameters> = {
  owner: "CUSTOM_LAMBDA",
  name: "iam-inactive-users",
  ruleSets: ["guardrails", "cis-foundations"],
  // CIS asks for 45 days; the stack's maxInactiveDays decides.
  cis: ["1.12"],
  description: ({ maxInactiveDays }) =>
    `IAM users must have used a password or access key within ${maxInactiveDays} days.`,
  resourceTypes: [RESOURCE_TYPES.iamUser],
  onChange: true,
  periodic: "TwentyFour_Hours",
  global: true,
  parameters: INACTIVE_USERS_PARAMETERS,
  fromSettings: (settings) => ({
    maxInactiveDays: settings.maxInactiveDays,
    exemptUsers: settings.exemptUsers,
    refreshDays: settings.evaluationRefreshDays,
  }),
  mirror: (account, parameters) =>
    evaluateInactiveUsers(account.users.values(), account.credentialReport, parameters, account.now)
      .verdicts,
  createHandler,
  permissions: PERMISSIONS,
  // Generating the credential report can take minutes when IAM throttles it.
  timeoutSeconds: 300,
  memoryMb: ALL_USERS_MEMORY_MB,
};
