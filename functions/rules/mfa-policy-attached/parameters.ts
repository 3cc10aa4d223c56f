/** mfa-policy-attached's InputParameters: the MFA policy's ARN and the exempt users. */
import { boundaryCodec, jsonListField, textField } from "../../shared/boundary";
import { USER_NAME_FORM, iamUserNames, managedPolicyArn } from "../../shared/checks";
import type { MfaPolicyParameters } from "./evaluate";

export const MFA_POLICY_PARAMETERS = boundaryCodec<MfaPolicyParameters>("ruleParameters", {
  policyArn: { name: "policyArn", codec: textField(managedPolicyArn) },
  exemptUsers: { name: "exemptUsers", codec: jsonListField(iamUserNames, USER_NAME_FORM) },
});
