import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { MAX_INPUT_PARAMETERS_LENGTH, inputParametersText } from "../functions/shared/boundary";
import type { Settings } from "../config";
import { longestFacts } from "../functions/catalog";
import type { CustomRuleDefinition, RuleBase, StackFacts } from "../functions/shared/definitions";
import { ruleDescription } from "../functions/shared/definitions";
import { GuardrailsFunction } from "./guardrails-function";

export interface CustomConfigRuleArgs<Parameters> {
  /** The rule: name, scope, triggers, handler, permissions, timeout and memory. */
  definition: CustomRuleDefinition<Parameters>;
  /** The stack settings its parameters come from. */
  settings: Settings;
  /** Facts of the deployment its parameters need (the MFA policy's ARN). */
  facts: pulumi.Input<StackFacts>;
  /** The recorder being on: a rule created before it evaluates nothing. */
  dependsOn?: pulumi.Input<pulumi.Resource>[];
  tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * A custom AWS Config rule backed by a TypeScript callback serialized into a Lambda, built from
 * the rule's definition: the function with its own least-privilege role, X-Ray tracing and log
 * group, the permission for Config to invoke it (from this account only), and the rule itself.
 */
export class CustomConfigRule<Parameters> extends pulumi.ComponentResource {
  public readonly ruleName: pulumi.Output<string>;
  public readonly ruleArn: pulumi.Output<string>;
  public readonly functionArn: pulumi.Output<string>;
  public readonly roleName: pulumi.Output<string>;

  constructor(
    name: string,
    args: CustomConfigRuleArgs<Parameters>,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("guardrails:index:CustomConfigRule", name, {}, opts);
    const { definition } = args;
    const parent = { parent: this };
    const account = aws.getCallerIdentityOutput({}, parent);
    const { description, inputParameters } = plannedRule(definition, args.settings, args.facts);
    const lambda = new GuardrailsFunction(
      name,
      {
        description,
        callbackFactory: definition.createHandler,
        permissions: definition.permissions,
        logRetentionDays: args.settings.logRetentionDays,
        memorySize: definition.memoryMb,
        timeout: definition.timeoutSeconds,
        tags: args.tags,
      },
      parent,
    );
    const fn = lambda.function;

    const permission = new aws.lambda.Permission(
      `${name}-invoke`,
      {
        action: "lambda:InvokeFunction",
        function: fn.name,
        principal: "config.amazonaws.com",
        sourceAccount: account.accountId,
      },
      parent,
    );

    const sourceDetails: aws.types.input.cfg.RuleSourceSourceDetail[] = [
      { eventSource: "aws.config", messageType: "ConfigurationItemChangeNotification" },
      { eventSource: "aws.config", messageType: "OversizedConfigurationItemChangeNotification" },
      ...(definition.periodic
        ? [
            {
              eventSource: "aws.config",
              messageType: "ScheduledNotification",
              maximumExecutionFrequency: definition.periodic,
            },
          ]
        : []),
    ];
    const rule = new aws.cfg.Rule(
      `${name}-rule`,
      {
        name: definition.name,
        description,
        source: { owner: "CUSTOM_LAMBDA", sourceIdentifier: fn.arn, sourceDetails },
        scope: { complianceResourceTypes: [...definition.resourceTypes] },
        inputParameters,
        maximumExecutionFrequency: definition.periodic,
        tags: args.tags,
      },
      { parent: this, dependsOn: [permission, ...(args.dependsOn ?? [])] },
    );

    this.ruleName = rule.name;
    this.ruleArn = rule.arn;
    this.functionArn = fn.arn;
    this.roleName = lambda.roleName;
    this.registerOutputs({
      ruleName: this.ruleName,
      ruleArn: this.ruleArn,
      functionArn: this.functionArn,
    });
  }
}

/**
 * What AWS Config is told of a rule: its description, which follows from the settings alone,
 * and its InputParameters, which also name facts of the deployment (undefined for a rule
 * without parameters).
 */
export function plannedRule<Parameters>(
  definition: RuleBase<Parameters>,
  settings: Settings,
  facts: pulumi.Input<StackFacts>,
): { description: string; inputParameters: pulumi.Output<string | undefined> } {
  return {
    description: ruleDescription(
      definition,
      definition.fromSettings(settings, longestFacts(settings)),
    ),
    inputParameters: pulumi.output(facts).apply((resolved) => {
      const parameters = definition.fromSettings(settings, resolved);
      return Object.keys(definition.parameters.encode(parameters)).length > 0
        ? encodedInputParameters(definition, parameters)
        : undefined;
    }),
  };
}

/**
 * The rule's InputParameters. The settings check measures them with the longest facts before
 * anything is deployed; this check is for a caller that skipped it.
 */
export function encodedInputParameters<Parameters>(
  definition: { name: string; parameters: { encode(value: Parameters): Record<string, string> } },
  parameters: Parameters,
): string {
  const text = inputParametersText(definition.parameters.encode(parameters));
  if (text.length > MAX_INPUT_PARAMETERS_LENGTH) {
    throw new Error(
      `The InputParameters of ${definition.name} are ${text.length} characters; AWS Config accepts at most ${MAX_INPUT_PARAMETERS_LENGTH}.`,
    );
  }
  return text;
}
