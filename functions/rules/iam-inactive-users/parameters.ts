/** iam-inactive-users' InputParameters: the inactivity limit and the exempt users. */
import {
  EXEMPT_USERS_CODEC,
  PeriodicParameters,
  REFRESH_DAYS_FIELD,
  boundaryCodec,
  integerField,
} from "../../shared/boundary";
import { days } from "../../shared/checks";
import type { InactiveUsersParameters } from "./evaluate";

export type InactiveUsersRuleParameters = InactiveUsersParameters & PeriodicParameters;

export const INACTIVE_USERS_PARAMETERS = boundaryCodec<InactiveUsersRuleParameters>(
  "ruleParameters",
  {
    maxInactiveDays: { name: "maxInactiveDays", codec: integerField(days) },
    exemptUsers: { name: "exemptUsers", codec: EXEMPT_USERS_CODEC },
    refreshDays: REFRESH_DAYS_FIELD,
  },
);
