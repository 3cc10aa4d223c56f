/** Lambda of the mfa-policy-attached rule: the MFA policy on each user or one of its groups. */
import { ConfigServiceClient } from "@aws-sdk/client-config-service";
import {
  IAMClient,
  paginateGetAccountAuthorizationDetails,
  paginateListAttachedGroupPolicies,
} from "@aws-sdk/client-iam";
import {
  evaluateMfaPolicies,
  evaluateMfaPolicy,
  fromAuthorizationDetails,
  userFromConfiguration,
} from "./evaluate";
import { RESOURCE_TYPES } from "../verdict";
import { lazyHandler } from "../../shared/lazy";
import { STORED_RESULTS_PERMISSION } from "../../shared/stored-results";
import { collectPages } from "../../shared/paginate";
import {
  RULE_HANDLER_PERMISSIONS,
  RuleHandler,
  RuleHandlerDependencies,
  createRuleHandler,
} from "../../shared/rule-handler";
import { MFA_POLICY_PARAMETERS } from "./parameters";

export const PERMISSIONS = [
  ...RULE_HANDLER_PERMISSIONS,
  STORED_RESULTS_PERMISSION,
  "iam:GetAccountAuthorizationDetails",
  "iam:ListAttachedGroupPolicies",
];

export interface MfaPolicyDependencies extends RuleHandlerDependencies {
  iam: IAMClient;
}

export function createHandler(
  dependencies: MfaPolicyDependencies = {
    config: new ConfigServiceClient({}),
    iam: new IAMClient({}),
  },
): RuleHandler {
  const { iam } = dependencies;
  return createRuleHandler(
    {
      name: "mfa-policy-attached",
      resourceTypes: [RESOURCE_TYPES.iamUser],
      parameters: MFA_POLICY_PARAMETERS,
      refreshDays: (parameters) => parameters.refreshDays,
      async evaluateItem(item, parameters) {
        const user = userFromConfiguration(item.resourceId, item.configuration);
        const groupPolicies = new Map(
          await Promise.all(
            user.groupNames.map(
              async (group) => [group, await attachedGroupPolicies(iam, group)] as const,
            ),
          ),
        );
        return [evaluateMfaPolicy(user, groupPolicies, parameters)];
      },
      async evaluateAll(parameters) {
        // One listing for all users and groups: N/1000 calls instead of several per user.
        const pages = await collectPages(
          paginateGetAccountAuthorizationDetails(
            { client: iam, pageSize: 1000 },
            { Filter: ["User", "Group"] },
          ),
          (page) => [page],
        );
        const { users, groupPolicies } = fromAuthorizationDetails({
          UserDetailList: pages.flatMap((page) => page.UserDetailList ?? []),
          GroupDetailList: pages.flatMap((page) => page.GroupDetailList ?? []),
        });
        return evaluateMfaPolicies(users, groupPolicies, parameters);
      },
    },
    dependencies,
  );
}

async function attachedGroupPolicies(iam: IAMClient, groupName: string): Promise<string[]> {
  const policies = await collectPages(
    paginateListAttachedGroupPolicies({ client: iam }, { GroupName: groupName }),
    (page) => page.AttachedPolicies,
  );
  return policies.flatMap((policy) => policy.PolicyArn ?? []);
}

/** The Lambda entry point when this module is deployed as is. */
export const handler = lazyHandler(() => createHandler());
