/** iam-inactive-users' InputParameters: the inactivity limit and the exempt users. */
import {
  PeriodicParameters,
  REFRESH_DAYS_FIELD,
  boundaryCodec,
  integerField,
  jsonListField,
} from "../../shared/boundary";
import { USER_NAME_FORM, days, iamUserNames } from "../../shared/checks";
import type { InactiveUsersParameters } from "./evaluate";

export type InactiveUsersRuleParameters = InactiveUsersParameters & PeriodicParameters;

export const INACTIVE_USERS_PARAMETERS = boundaryCodec<InactiveUsersRuleParameters>(
  "ruleParameters",
  {
    maxInactiveDays: { name: "maxInactiveDays", codec: integerField(days) },
    exemptUsers: { name: "exemptUsers", codec: jsonListField(iamUserNames, USER_NAME_FORM) },
    refreshDays: REFRESH_DAYS_FIELD,
  },
);
