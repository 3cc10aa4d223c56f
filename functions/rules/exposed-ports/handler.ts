/** Lambda of the exposed-ports rule: the item's security group, or an instance's groups. */
import { ConfigServiceClient } from "@aws-sdk/client-config-service";
import { EC2Client, paginateDescribeSecurityGroups } from "@aws-sdk/client-ec2";
import {
  SecurityGroupIngress,
  evaluateInstance,
  evaluateSecurityGroup,
  instanceFromConfiguration,
  securityGroupFromApi,
  securityGroupFromConfiguration,
} from "./evaluate";
import { RESOURCE_TYPES } from "../verdict";
import { lazyHandler } from "../../shared/lazy";
import { collectPages } from "../../shared/paginate";
import {
  RULE_HANDLER_PERMISSIONS,
  RuleHandler,
  RuleHandlerDependencies,
  createRuleHandler,
} from "../../shared/rule-handler";
import { EXPOSED_PORTS_PARAMETERS } from "./parameters";

/** Exactly the calls this handler makes; its role grants these and nothing else. */
export const PERMISSIONS = [...RULE_HANDLER_PERMISSIONS, "ec2:DescribeSecurityGroups"];

export interface ExposedPortsDependencies extends RuleHandlerDependencies {
  ec2: EC2Client;
}

export function createHandler(
  dependencies: ExposedPortsDependencies = {
    config: new ConfigServiceClient({}),
    ec2: new EC2Client({}),
  },
): RuleHandler {
  return createRuleHandler(
    {
      name: "exposed-ports",
      resourceTypes: [RESOURCE_TYPES.securityGroup, RESOURCE_TYPES.instance],
      parameters: EXPOSED_PORTS_PARAMETERS,
      async evaluateItem(item, { forbiddenPorts }) {
        if (item.resourceType === RESOURCE_TYPES.securityGroup) {
          return [
            evaluateSecurityGroup(
              securityGroupFromConfiguration(item.resourceId, item.configuration),
              forbiddenPorts,
            ),
          ];
        }
        const instance = instanceFromConfiguration(item.resourceId, item.configuration);
        return [
          evaluateInstance(
            instance,
            await describeGroups(dependencies.ec2, instance.securityGroupIds),
            forbiddenPorts,
          ),
        ];
      },
    },
    dependencies,
  );
}

/**
 * The instance's groups in one call. A group-id filter, not GroupIds: a group deleted meanwhile
 * is simply absent instead of failing the whole call with InvalidGroup.NotFound.
 */
async function describeGroups(
  ec2: EC2Client,
  groupIds: readonly string[],
): Promise<Map<string, SecurityGroupIngress>> {
  if (groupIds.length === 0) return new Map();
  const groups = await collectPages(
    paginateDescribeSecurityGroups(
      { client: ec2 },
      { Filters: [{ Name: "group-id", Values: [...groupIds] }] },
    ),
    (page) => page.SecurityGroups,
  );
  return new Map(groups.map((group) => [group.GroupId ?? "", securityGroupFromApi(group)]));
}

/** The Lambda entry point when this module is deployed as is. */
export const handler = lazyHandler(() => createHandler());
