/** Lambda of the iam-user-one-active-key rule: every user from one credential report. */
import { lazyHandler } from "../../shared/lazy";
import {
  CREDENTIAL_REPORT_RULE_PERMISSIONS,
  credentialReportRuleFactory,
} from "../../shared/credential-report-rule";
import { evaluateOneActiveKey } from "./evaluate";
import { ONE_ACTIVE_KEY_PARAMETERS, OneActiveKeyRuleParameters } from "./parameters";

export const PERMISSIONS = CREDENTIAL_REPORT_RULE_PERMISSIONS;

export const createHandler = credentialReportRuleFactory<OneActiveKeyRuleParameters>({
  name: "iam-user-one-active-key",
  parameters: ONE_ACTIVE_KEY_PARAMETERS,
  evaluate: evaluateOneActiveKey,
});

/** The Lambda entry point when this module is deployed as is. */
export const handler = lazyHandler(() => createHandler());
