/** The environment of remediate-access-keys: mode, age limit, grace period, exempt users. */
import { EXEMPT_USERS_CODEC, boundaryCodec, integerField, textField } from "../../shared/boundary";
import { days, oneOf } from "../../shared/checks";
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
  exemptUsers: { name: "EXEMPT_USERS", codec: EXEMPT_USERS_CODEC },
});
