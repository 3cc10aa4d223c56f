import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Settings } from "../config";
import type { ManagedRuleDefinition, StackFacts } from "../functions/shared/definitions";
import { plannedRule } from "./custom-config-rule";

export interface ManagedRulesArgs {
  rules: readonly ManagedRuleDefinition<unknown>[];
  /** The stack settings their parameters and tag scopes come from. */
  settings: Settings;
  /** Facts of the deployment some parameters name (the partition of AWS's policies). */
  facts: pulumi.Input<StackFacts>;
  /** The recorder being on. */
  dependsOn?: pulumi.Input<pulumi.Resource>[];
  tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * The AWS managed rules (owner AWS): no Lambda of ours, AWS's own evaluation, each with AWS's
 * identifier and parameter names from its definition, and named as AWS names it, which is also
 * how remediations and notifications refer to it.
 */
export class ManagedRules extends pulumi.ComponentResource {
  /** The created rules by name. */
  public readonly rules: Readonly<Record<string, aws.cfg.Rule>>;

  constructor(name: string, args: ManagedRulesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("guardrails:index:ManagedRules", name, {}, opts);
    const rules: Record<string, aws.cfg.Rule> = {};
    for (const definition of args.rules) {
      const { description, inputParameters } = plannedRule(definition, args.settings, args.facts);
      const scopeTag = definition.scopeTag?.(args.settings);
      const scope = definition.onChange
        ? {
            complianceResourceTypes: [...definition.resourceTypes],
            ...(scopeTag ? { tagKey: scopeTag.key, tagValue: scopeTag.value } : {}),
          }
        : undefined;
      rules[definition.name] = new aws.cfg.Rule(
        `${name}-${definition.name}`,
        {
          name: definition.name,
          description,
          source: { owner: "AWS", sourceIdentifier: definition.identifier },
          scope,
          inputParameters,
          maximumExecutionFrequency: definition.periodic,
          tags: args.tags,
        },
        { parent: this, dependsOn: args.dependsOn },
      );
    }
    this.rules = rules;
    this.registerOutputs({ rules: Object.keys(this.rules) });
  }
}
