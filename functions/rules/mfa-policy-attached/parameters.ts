/** mfa-policy-attached's InputParameters: the MFA policy's ARN and the exempt users. */
import {
  PeriodicParameters,
  REFRESH_DAYS_FIELD,
  boundaryCodec,
  jsonListField,
  textField,
} from "../../shared/boundary";
import { USER_NAME_FORM, iamUserNames, managedPolicyArn } from "../../shared/checks";
import type { MfaPolicyParameters } from "./evaluate";

export type MfaPolicyRuleParameters = MfaPolicyParameters & PeriodicParameters;

export const MFA_POLICY_PARAMETERS = boundaryCodec<MfaPolicyRuleParameters>("ruleParameters", {
  policyArn: { name: "policyArn", codec: textField(managedPolicyArn) },
  exemptUsers: { name: "exemptUsers", codec: jsonListField(iamUserNames, USER_NAME_FORM) },
  refreshDays: REFRESH_DAYS_FIELD,
});
