import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ManagedRuleName } from "../functions/rules/catalog";
import { RESOURCE_TYPES } from "../functions/rules/verdict";

export interface ManagedRulesArgs {
  /** Which of the managed rules to create. */
  rules: readonly ManagedRuleName[];
  /** vpc-sg-open-only-to-authorized-ports: e.g. "443,1020-1025". */
  authorizedTcpPorts: string;
  /** vpc-sg-open-only-to-authorized-ports; unset: no UDP port may be open. */
  authorizedUdpPorts?: string;
  /** access-keys-rotated: days. */
  maxAccessKeyAge: number;
  /** restricted-ssh: only security groups with this tag (seed 004), else all of them. */
  restrictedSshTag?: { key: string; value?: string };
  /** The recorder being on. */
  dependsOn?: pulumi.Input<pulumi.Resource>[];
  tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** A managed rule: its AWS identifier, scope and parameters, exactly as AWS documents them. */
interface ManagedRuleDefinition {
  identifier: string;
  description: string;
  scope?: aws.types.input.cfg.RuleScope;
  parameters?: Record<string, string>;
  /** Periodic managed rules take a frequency instead of a scope. */
  frequency?: string;
}

function definitions(args: ManagedRulesArgs): Record<ManagedRuleName, ManagedRuleDefinition> {
  const securityGroups = { complianceResourceTypes: [RESOURCE_TYPES.securityGroup] };
  return {
    "vpc-default-security-group-closed": {
      identifier: "VPC_DEFAULT_SECURITY_GROUP_CLOSED",
      description:
        "The default security group of every VPC allows no inbound and no outbound traffic (CIS 4.3).",
      scope: securityGroups,
    },
    "vpc-sg-open-only-to-authorized-ports": {
      identifier: "VPC_SG_OPEN_ONLY_TO_AUTHORIZED_PORTS",
      description:
        "Security groups open to 0.0.0.0/0 or ::/0 open only the authorized TCP and UDP ports.",
      scope: securityGroups,
      parameters: {
        authorizedTcpPorts: args.authorizedTcpPorts,
        ...(args.authorizedUdpPorts ? { authorizedUdpPorts: args.authorizedUdpPorts } : {}),
      },
    },
    "access-keys-rotated": {
      identifier: "ACCESS_KEYS_ROTATED",
      description: `Active access keys are rotated within ${args.maxAccessKeyAge} days of their creation (CIS 1.4).`,
      parameters: { maxAccessKeyAge: String(args.maxAccessKeyAge) },
      frequency: "TwentyFour_Hours",
    },
    "restricted-ssh": {
      identifier: "INCOMING_SSH_DISABLED",
      description: "No security group allows SSH (22/tcp) from 0.0.0.0/0 or ::/0 (CIS 4.1).",
      scope: {
        ...securityGroups,
        ...(args.restrictedSshTag
          ? { tagKey: args.restrictedSshTag.key, tagValue: args.restrictedSshTag.value }
          : {}),
      },
    },
  };
}

/**
 * The AWS managed rules (owner AWS): no Lambda of ours, AWS's own evaluation. Each is named as
 * AWS names it, which is also how remediations and notifications refer to it.
 */
export class ManagedRules extends pulumi.ComponentResource {
  /** The created rules by name. */
  public readonly rules: Partial<Record<ManagedRuleName, aws.cfg.Rule>>;

  constructor(name: string, args: ManagedRulesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("guardrails:index:ManagedRules", name, {}, opts);
    const all = definitions(args);
    this.rules = {};
    for (const ruleName of args.rules) {
      const definition = all[ruleName];
      this.rules[ruleName] = new aws.cfg.Rule(
        `${name}-${ruleName}`,
        {
          name: ruleName,
          description: definition.description,
          source: { owner: "AWS", sourceIdentifier: definition.identifier },
          scope: definition.scope,
          inputParameters: definition.parameters
            ? JSON.stringify(definition.parameters)
            : undefined,
          maximumExecutionFrequency: definition.frequency,
          tags: args.tags,
        },
        { parent: this, dependsOn: args.dependsOn },
      );
    }
    this.registerOutputs({ rules: Object.keys(this.rules) });
  }
}
