/** remediate-exposed-ports: revokes exactly the ingress rules that break exposed-ports. */
import type { LambdaRemediationDefinition } from "../../shared/definitions";
import { inMode } from "../../shared/definitions";
import { RESOURCE_TYPES } from "../../rules/verdict";
import { EXPOSED_PORTS_ENVIRONMENT, ExposedPortsEnvironment } from "./environment";
import { INGRESS_CALLS, createHandler, permissions } from "./handler";
import { planRevocations } from "./plan";

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
    // An instance's plan is its groups' plans: each group is planned, and said, once per snapshot
    // ("" for nothing to revoke).
    const said = new Map<string, string>();
    const sayPlanOf = (groupId: string) => {
      let text = said.get(groupId);
      if (text === undefined) {
        text = planRevocations(account.securityGroups.get(groupId)?.rules() ?? [], forbiddenPorts)
          .map((revocation) => `${revocation.groupId}: ${revocation.exposure}`)
          .join("; ");
        said.set(groupId, text);
      }
      return text;
    };
    return (verdict) => {
      const instance =
        verdict.resourceType === RESOURCE_TYPES.instance
          ? account.instances.get(verdict.resourceId)
          : undefined;
      const groupIds = instance ? instance.securityGroupIds : [verdict.resourceId];
      const plans: string[] = [];
      groupIds.forEach((groupId, index) => {
        // A group listed twice is planned, and said, once.
        if (groupIds.indexOf(groupId) !== index) return;
        const text = sayPlanOf(groupId);
        if (text !== "") plans.push(text);
      });
      if (plans.length === 0) return undefined;
      return inMode(mode, `revoke ${plans.join("; ")}`);
    };
  },
};
