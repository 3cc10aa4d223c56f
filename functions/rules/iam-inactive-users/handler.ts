/** Lambda of the iam-inactive-users rule: every user from one credential report. */
import { lazyHandler } from "../../shared/lazy";
import {
  CREDENTIAL_REPORT_RULE_PERMISSIONS,
  credentialReportRuleFactory,
} from "../../shared/credential-report-rule";
import { evaluateInactiveUsers } from "./evaluate";
import { INACTIVE_USERS_PARAMETERS, InactiveUsersRuleParameters } from "./parameters";

export const PERMISSIONS = CREDENTIAL_REPORT_RULE_PERMISSIONS;

export const createHandler = credentialReportRuleFactory<InactiveUsersRuleParameters>({
  name: "iam-inactive-users",
  parameters: INACTIVE_USERS_PARAMETERS,
  evaluate: evaluateInactiveUsers,
});

/** The Lambda entry point when this module is deployed as is. */
export const handler = lazyHandler(() => createHandler());
