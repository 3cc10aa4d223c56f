/** iam-user-one-active-key's InputParameters: the exempt users. */
import {
  EXEMPT_USERS_CODEC,
  PeriodicParameters,
  REFRESH_DAYS_FIELD,
  boundaryCodec,
} from "../../shared/boundary";
import type { OneActiveKeyParameters } from "./evaluate";

export type OneActiveKeyRuleParameters = OneActiveKeyParameters & PeriodicParameters;

export const ONE_ACTIVE_KEY_PARAMETERS = boundaryCodec<OneActiveKeyRuleParameters>(
  "ruleParameters",
  {
    exemptUsers: { name: "exemptUsers", codec: EXEMPT_USERS_CODEC },
    refreshDays: REFRESH_DAYS_FIELD,
  },
);
