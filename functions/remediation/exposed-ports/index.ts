/** remediate-exposed-ports: revokes exactly the ingress rules that break exposed-ports. */
import type { LambdaRemediationDefinition } from "../../shared/definitions";
import { inMode } from "../../shared/definitions";
import { RESOURCE_TYPES } from "../../rules/verdict";
import { EXPOSED_PORTS_ENVIRONMENT, ExposedPortsEnvironment } from "./environment";
import { INGRESS_CALLS, createHandler, permissions } from "./handler";
import { Revocation, planRevocations } from "./plan";

export const remediateExposedPorts: LambdaRemediationDefinition<ExposedPortsEnvironment> = {
  kind: "lambda",
  name: "remediate-exposed-ports",
  rule: "exposed-ports",
  description: "Revokes ingress rules that open forbidden ports to the internet.",
  resourceTypes: [RESOURCE_TYPES.securityGroup, RESOURCE_TYPES.instance],
  mode: (settings) => settings.exposedPortsRemediation,
  environment: EXPOSED_PORTS_ENVIRONMENT,
  fromSettings(settings) {
    const mode = settings.exposedPortsRemediation;
    if (mode === "off") throw new Error("remediate-exposed-ports is off");
    return { mode, forbiddenPorts: settings.forbiddenPorts };
  },
  permissions: ({ mode }) => permissions(mode),
  createHandler,
  apiCalls: () => [{ service: "ec2", eventNames: INGRESS_CALLS }],
  timeoutSeconds: 60,
  memoryMb: 256,
  describer(account, { mode, forbiddenPorts }) {
    // An instance's plan is its groups' plans: each group is planned once per snapshot.
    const planned = new Map<string, Revocation[]>();
    const planOf = (groupId: string) => {
      let revocations = planned.get(groupId);
      if (!revocations) {
        revocations = planRevocations(
          account.securityGroups.get(groupId)?.rules ?? [],
          forbiddenPorts,
        );
        planned.set(groupId, revocations);
      }
      return revocations;
    };
    return (verdict) => {
      const instance = account.instances.get(verdict.resourceId);
      const groupIds = instance ? [...new Set(instance.securityGroupIds)] : [verdict.resourceId];
      const revocations: Revocation[] = [];
      for (const groupId of groupIds) revocations.push(...planOf(groupId));
      if (revocations.length === 0) return undefined;
      return inMode(
        mode,
        `revoke ${revocations.map((r) => `${r.groupId}: ${r.exposure}`).join("; ")}`,
      );
    };
  },
};
