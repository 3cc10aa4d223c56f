/** The environment of remediate-access-keys: mode, age limit, grace period, exempt users. */
import { boundaryCodec, integerField, jsonListField, textField } from "../../shared/boundary";
import { USER_NAME_FORM, days, iamUserNames, oneOf } from "../../shared/checks";
import { ACCESS_KEY_MODES, AccessKeyMode } from "./plan";

export interface AccessKeyEnvironment {
  mode: AccessKeyMode;
  maxAccessKeyAge: number;
  keyDeleteGraceDays: number;
  exemptUsers: string[];
}

export const ACCESS_KEY_ENVIRONMENT = boundaryCodec<AccessKeyEnvironment>("environment", {
  mode: { name: "MODE", codec: textField(oneOf(ACCESS_KEY_MODES)) },
  maxAccessKeyAge: { name: "MAX_ACCESS_KEY_AGE", codec: integerField(days) },
  keyDeleteGraceDays: { name: "KEY_DELETE_GRACE_DAYS", codec: integerField(days) },
  exemptUsers: { name: "EXEMPT_USERS", codec: jsonListField(iamUserNames, USER_NAME_FORM) },
});
