/** The environment of remediate-mfa-policy: mode, enforcement, policy, group, exempt users. */
import { EXEMPT_USERS_CODEC, boundaryCodec, textField } from "../../shared/boundary";
import { iamGroupName, managedPolicyArn, oneOf } from "../../shared/checks";
import { MFA_ENFORCEMENTS, MFA_MODES, MfaMode, MfaRemediationSettings } from "./plan";

export interface MfaEnvironment extends MfaRemediationSettings {
  mode: MfaMode;
}

export const MFA_ENVIRONMENT = boundaryCodec<MfaEnvironment>("environment", {
  mode: { name: "MODE", codec: textField(oneOf(MFA_MODES)) },
  enforcement: { name: "ENFORCEMENT", codec: textField(oneOf(MFA_ENFORCEMENTS)) },
  policyArn: { name: "POLICY_ARN", codec: textField(managedPolicyArn) },
  groupName: { name: "GROUP_NAME", codec: textField(iamGroupName) },
  exemptUsers: { name: "EXEMPT_USERS", codec: EXEMPT_USERS_CODEC },
});
