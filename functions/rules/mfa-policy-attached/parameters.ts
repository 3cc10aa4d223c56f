/** mfa-policy-attached's InputParameters: the MFA policy's ARN and the exempt users. */
import {
  EXEMPT_USERS_CODEC,
  PeriodicParameters,
  REFRESH_DAYS_FIELD,
  boundaryCodec,
  textField,
} from "../../shared/boundary";
import { managedPolicyArn } from "../../shared/checks";
import type { MfaPolicyParameters } from "./evaluate";

export type MfaPolicyRuleParameters = MfaPolicyParameters & PeriodicParameters;

export const MFA_POLICY_PARAMETERS = boundaryCodec<MfaPolicyRuleParameters>("ruleParameters", {
  policyArn: { name: "policyArn", codec: textField(managedPolicyArn) },
  exemptUsers: { name: "exemptUsers", codec: EXEMPT_USERS_CODEC },
  refreshDays: REFRESH_DAYS_FIELD,
});
