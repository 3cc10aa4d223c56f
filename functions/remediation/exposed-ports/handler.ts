/** Lambda that revokes the ingress rules opening forbidden ports, on exposed-ports NON_COMPLIANT. */
import {
  DescribeInstancesCommand,
  EC2Client,
  RevokeSecurityGroupIngressCommand,
  paginateDescribeSecurityGroupRules,
} from "@aws-sdk/client-ec2";
import { RESOURCE_TYPES } from "../../rules/verdict";
import { lazyHandler } from "../../shared/lazy";
import { collectPages } from "../../shared/paginate";
import {
  ActionSpecs,
  RemediationDependencies,
  RemediationHandler,
  createRemediationHandler,
  isAlreadyGone,
  remediationPermissions,
} from "../../shared/remediation-handler";
import { ApiCall, textAt } from "../../shared/api-call";
import { EXPOSED_PORTS_ENVIRONMENT } from "./environment";
import { ExposedPortsMode, Revocation, planRevocations } from "./plan";

interface Clients {
  ec2: EC2Client;
}

const READS = ["ec2:DescribeInstances", "ec2:DescribeSecurityGroupRules"];

const ACTIONS: ActionSpecs<Revocation, Clients> = {
  "revoke-ingress-rule": {
    permissions: ["ec2:RevokeSecurityGroupIngress"],
    // One rule per call: a rule revoked meanwhile must not stop the others.
    async run(step, { ec2 }) {
      await ec2.send(
        new RevokeSecurityGroupIngressCommand({
          GroupId: step.groupId,
          SecurityGroupRuleIds: [step.ruleId],
        }),
      );
      return "done";
    },
  },
};

/** Exactly the calls this remediation makes in each mode. */
export function permissions(mode: ExposedPortsMode): string[] {
  return remediationPermissions(READS, ACTIONS, ["revoke-ingress-rule"], mode);
}

export interface RemediateExposedPortsDependencies extends RemediationDependencies {
  ec2: EC2Client;
}

export function createHandler(
  dependencies: RemediateExposedPortsDependencies = { ec2: new EC2Client({}), env: process.env },
): RemediationHandler {
  const { ec2 } = dependencies;
  return createRemediationHandler(
    {
      name: "remediate-exposed-ports",
      ruleName: "exposed-ports",
      resourceTypes: [RESOURCE_TYPES.securityGroup, RESOURCE_TYPES.instance],
      environment: EXPOSED_PORTS_ENVIRONMENT,
      actions: ACTIONS,
      async plan(change, { forbiddenPorts }) {
        const groupIds =
          change.resourceType === RESOURCE_TYPES.instance
            ? await instanceGroups(ec2, change.resourceId)
            : [change.resourceId];
        if (groupIds.length === 0) return [];
        const rules = await collectPages(
          paginateDescribeSecurityGroupRules(
            { client: ec2 },
            { Filters: [{ Name: "group-id", Values: groupIds }] },
          ),
          (page) => page.SecurityGroupRules,
        );
        return planRevocations(rules, forbiddenPorts);
      },
      fromApiCall(call) {
        const groupId = changedGroup(call);
        return Promise.resolve(
          groupId
            ? [
                {
                  ruleName: "exposed-ports",
                  resourceType: RESOURCE_TYPES.securityGroup,
                  resourceId: groupId,
                  compliance: "NON_COMPLIANT",
                },
              ]
            : [],
        );
      },
    },
    { ec2 },
    dependencies,
  );
}

/** The calls that can open a group's ingress, which real-time repair watches. */
export const INGRESS_CALLS = ["AuthorizeSecurityGroupIngress", "ModifySecurityGroupRules"];

/**
 * The group an ingress call changed: CloudTrail records AuthorizeSecurityGroupIngress's group
 * in its request (by id, or by name in a default VPC, hence also its response's rules) and
 * ModifySecurityGroupRules's in a request of its own.
 */
export function changedGroup(call: ApiCall): string | undefined {
  const ruleSet = call.responseElements.securityGroupRuleSet as
    { items?: Array<{ groupId?: unknown }> } | undefined;
  const fromResponse = ruleSet?.items?.find((item) => typeof item.groupId === "string")?.groupId;
  return (
    textAt(call.requestParameters, "groupId") ??
    (typeof fromResponse === "string" ? fromResponse : undefined) ??
    textAt(call.requestParameters, "ModifySecurityGroupRulesRequest", "GroupId")
  );
}

/** The groups of every network interface of the instance; none once it is gone. */
async function instanceGroups(ec2: EC2Client, instanceId: string): Promise<string[]> {
  try {
    const described = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }));
    const instances = (described.Reservations ?? []).flatMap(
      (reservation) => reservation.Instances ?? [],
    );
    const ids = instances.flatMap((instance) => [
      ...(instance.SecurityGroups ?? []).map((group) => group.GroupId ?? ""),
      ...(instance.NetworkInterfaces ?? []).flatMap((eni) =>
        (eni.Groups ?? []).map((group) => group.GroupId ?? ""),
      ),
    ]);
    return [...new Set(ids.filter((id) => id !== ""))];
  } catch (error) {
    if (isAlreadyGone(error)) return [];
    throw error;
  }
}

/** The Lambda entry point when this module is deployed as is. */
export const handler = lazyHandler(() => createHandler());
