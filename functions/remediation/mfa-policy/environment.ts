/** The environment of remediate-mfa-policy: mode, enforcement, policy, group, exempt users. */
import { boundaryCodec, jsonListField, textField } from "../../shared/boundary";
import {
  USER_NAME_FORM,
  iamGroupName,
  iamUserNames,
  managedPolicyArn,
  oneOf,
} from "../../shared/checks";
import { MFA_ENFORCEMENTS, MFA_MODES, MfaMode, MfaRemediationSettings } from "./plan";

export interface MfaEnvironment extends MfaRemediationSettings {
  mode: MfaMode;
}

export const MFA_ENVIRONMENT = boundaryCodec<MfaEnvironment>("environment", {
  mode: { name: "MODE", codec: textField(oneOf(MFA_MODES)) },
  enforcement: { name: "ENFORCEMENT", codec: textField(oneOf(MFA_ENFORCEMENTS)) },
  policyArn: { name: "POLICY_ARN", codec: textField(managedPolicyArn) },
  groupName: { name: "GROUP_NAME", codec: textField(iamGroupName) },
  exemptUsers: { name: "EXEMPT_USERS", codec: jsonListField(iamUserNames, USER_NAME_FORM) },
});
