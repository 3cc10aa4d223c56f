/**
 * iam-user-one-active-key: users with both access keys active, read for all users at once from
 * the IAM credential report. Creating or activating a key changes no configuration item of the
 * user, so the daily run is what finds them; a user change judges that user at once.
 */
import { RESOURCE_TYPES } from "../verdict";
import { ALL_USERS_MEMORY_MB, type CustomRuleDefinition } from "../../shared/definitions";
import { evaluateOneActiveKey } from "./evaluate";
import { PERMISSIONS, createHandler } from "./handler";
import { ONE_ACTIVE_KEY_PARAMETERS, OneActiveKeyRuleParameters } from "./parameters";

export const iamUserOneActiveKey: CustomRuleDefinition<OneActiveKeyRuleParameters> = {
  owner: "CUSTOM_LAMBDA",
  name: "iam-user-one-active-key",
  ruleSets: ["cis-foundations"],
  cis: ["1.13"],
  description: () => "IAM users must have at most one active access key.",
  resourceTypes: [RESOURCE_TYPES.iamUser],
  onChange: true,
  periodic: "TwentyFour_Hours",
  global: true,
  parameters: ONE_ACTIVE_KEY_PARAMETERS,
  fromSettings: (settings) => ({
    exemptUsers: settings.exemptUsers,
    refreshDays: settings.evaluationRefreshDays,
  }),
  mirror: (account, parameters) =>
    evaluateOneActiveKey(account.users.values(), account.credentialReport, parameters).verdicts,
  createHandler,
  permissions: PERMISSIONS,
  // Generating the credential report can take minutes when IAM throttles it.
  timeoutSeconds: 300,
  memoryMb: ALL_USERS_MEMORY_MB,
};
