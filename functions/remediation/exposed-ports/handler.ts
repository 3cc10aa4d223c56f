/** Lambda that revokes the ingress rules opening forbidden ports, on exposed-ports NON_COMPLIANT. */
import {
  DescribeInstancesCommand,
  EC2Client,
  RevokeSecurityGroupIngressCommand,
  paginateDescribeSecurityGroupRules,
} from "@aws-sdk/client-ec2";
import { planRevocations } from "./plan";
import { RESOURCE_TYPES } from "../../rules/verdict";
import { collectPages } from "../../shared/paginate";
import {
  RemediationAction,
  RemediationDependencies,
  RemediationHandler,
  createRemediationHandler,
  isAlreadyGone,
} from "../../shared/remediation-handler";
import { environmentParameters, portsParameter } from "../../shared/rule-parameters";
import { lazyHandler } from "../../shared/lazy";
import { DEFAULT_FORBIDDEN_PORTS } from "../../rules/exposed-ports/handler";

export type ExposedPortsMode = "report" | "revoke";

/** Exactly the calls this remediation makes in each mode. */
export function permissions(mode: ExposedPortsMode): string[] {
  const reads = ["ec2:DescribeInstances", "ec2:DescribeSecurityGroupRules"];
  return mode === "revoke" ? [...reads, "ec2:RevokeSecurityGroupIngress"] : reads;
}

export interface RemediateExposedPortsDependencies extends RemediationDependencies {
  ec2: EC2Client;
  /** MODE (report | revoke) and FORBIDDEN_PORTS ("22,3389,9200-9300"). */
  env: Readonly<Record<string, string | undefined>>;
}

export function createHandler(
  dependencies: RemediateExposedPortsDependencies = { ec2: new EC2Client({}), env: process.env },
): RemediationHandler {
  const { ec2, env } = dependencies;
  const mode: ExposedPortsMode = env.MODE === "revoke" ? "revoke" : "report";
  const forbidden = portsParameter(
    environmentParameters(env),
    "FORBIDDEN_PORTS",
    DEFAULT_FORBIDDEN_PORTS,
    "environment",
  );
  return createRemediationHandler(
    {
      name: "remediate-exposed-ports",
      ruleName: "exposed-ports",
      resourceTypes: [RESOURCE_TYPES.securityGroup, RESOURCE_TYPES.instance],
      mode,
      async remediate(change) {
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
        const actions: RemediationAction[] = [];
        for (const revocation of planRevocations(rules, forbidden)) {
          const action = { action: "revoke-ingress-rule", ...revocation };
          if (mode === "report") {
            actions.push({ ...action, outcome: "reported" });
            continue;
          }
          try {
            // One rule per call: a rule revoked meanwhile must not stop the others.
            await ec2.send(
              new RevokeSecurityGroupIngressCommand({
                GroupId: revocation.groupId,
                SecurityGroupRuleIds: [revocation.ruleId],
              }),
            );
            actions.push({ ...action, outcome: "done" });
          } catch (error) {
            if (!isAlreadyGone(error)) throw error;
            actions.push({ ...action, outcome: "already-done" });
          }
        }
        return actions;
      },
    },
    dependencies,
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
