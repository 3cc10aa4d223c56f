/**
 * exposed-ports: security groups, and instances through their groups, that open a forbidden
 * port to the internet. Triggered by changes of both types, so a group's change is not left
 * judged by an instance's stale result.
 */
import { RESOURCE_TYPES, Verdict } from "../verdict";
import type { CustomRuleDefinition } from "../../shared/definitions";
import {
  SecurityGroupIngress,
  evaluateInstance,
  evaluateSecurityGroup,
  exposuresOnce,
} from "./evaluate";
import { PERMISSIONS, createHandler } from "./handler";
import { EXPOSED_PORTS_PARAMETERS, ExposedPortsParameters } from "./parameters";

export const exposedPorts: CustomRuleDefinition<ExposedPortsParameters> = {
  owner: "CUSTOM_LAMBDA",
  name: "exposed-ports",
  ruleSets: ["guardrails", "cis-foundations"],
  // With the default forbidden ports, which hold 22 and 3389.
  cis: ["5.2", "5.3"],
  description: () =>
    "Security groups and instances must not open forbidden ports to 0.0.0.0/0 or ::/0.",
  resourceTypes: [RESOURCE_TYPES.securityGroup, RESOURCE_TYPES.instance],
  onChange: true,
  global: false,
  parameters: EXPOSED_PORTS_PARAMETERS,
  fromSettings: (settings) => ({ forbiddenPorts: settings.forbiddenPorts }),
  mirror(account, { forbiddenPorts }) {
    // Map.forEach rather than spreads of [id, group] pairs: no pair made and taken apart per
    // resource by code that runs once per snapshot.
    const groups = new Map<string, SecurityGroupIngress>();
    const once = exposuresOnce();
    const verdicts: Verdict[] = [];
    account.securityGroups.forEach((group, id) => {
      groups.set(id, group.ingress);
      verdicts.push(evaluateSecurityGroup(group.ingress, forbiddenPorts, once));
    });
    account.instances.forEach((instance) => {
      verdicts.push(evaluateInstance(instance, groups, forbiddenPorts, once));
    });
    return verdicts;
  },
  createHandler,
  permissions: PERMISSIONS,
  // One item and at most one DescribeSecurityGroups call per invocation.
  timeoutSeconds: 30,
  memoryMb: 256,
};
