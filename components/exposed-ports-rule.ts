import * as pulumi from "@pulumi/pulumi";
import { PERMISSIONS, createHandler } from "../functions/rules/exposed-ports/handler";
import { PortRange, formatPortRange } from "../functions/rules/ports";
import { RESOURCE_TYPES } from "../functions/rules/verdict";
import { CustomConfigRule } from "./custom-config-rule";

export interface ExposedPortsRuleArgs {
  /** Ports and ranges that must not be open to 0.0.0.0/0 or ::/0. */
  forbiddenPorts: readonly PortRange[];
  logRetentionDays?: number;
  dependsOn?: pulumi.Input<pulumi.Resource>[];
  tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * exposed-ports: security groups, and instances through their groups, that open a forbidden
 * port to the internet. Triggered by changes of both types, so a group's change is not left
 * judged by an instance's stale result.
 */
export class ExposedPortsRule extends pulumi.ComponentResource {
  public readonly rule: CustomConfigRule;

  constructor(name: string, args: ExposedPortsRuleArgs, opts?: pulumi.ComponentResourceOptions) {
    super("guardrails:index:ExposedPortsRule", name, {}, opts);
    this.rule = new CustomConfigRule(
      name,
      {
        ruleName: "exposed-ports",
        description:
          "Security groups and instances must not open forbidden ports to 0.0.0.0/0 or ::/0.",
        callbackFactory: () => createHandler(),
        resourceTypes: [RESOURCE_TYPES.securityGroup, RESOURCE_TYPES.instance],
        inputParameters: { forbiddenPorts: args.forbiddenPorts.map(formatPortRange).join(",") },
        permissions: PERMISSIONS,
        // One item and at most one DescribeSecurityGroups call per invocation.
        timeout: 30,
        logRetentionDays: args.logRetentionDays,
        dependsOn: args.dependsOn,
        tags: args.tags,
      },
      { parent: this },
    );
    this.registerOutputs({ ruleName: this.rule.ruleName });
  }
}
