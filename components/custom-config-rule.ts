import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { RuleHandler } from "../functions/shared/rule-handler";
import { GuardrailsFunction } from "./guardrails-function";

/** How often a periodic rule runs (AWS Config's MaximumExecutionFrequency). */
export type ExecutionFrequency =
  "One_Hour" | "Three_Hours" | "Six_Hours" | "Twelve_Hours" | "TwentyFour_Hours";

export interface CustomConfigRuleArgs {
  /** The rule's name in AWS Config, also its EventBridge and report name. */
  ruleName: string;
  description: string;
  /** Makes the Lambda's handler (see GuardrailsFunctionArgs.callbackFactory). */
  callbackFactory: () => RuleHandler;
  /** Resource types that trigger the rule on change (its scope). */
  resourceTypes: string[];
  /** Periodic rules also run on this schedule and list their resources themselves. */
  periodic?: ExecutionFrequency;
  /** The rule's `ruleParameters`, all text (as the Config console shows them). */
  inputParameters: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Exactly the API actions the handler calls; its role grants these and no others. */
  permissions: readonly string[];
  logRetentionDays?: number;
  memorySize?: number;
  timeout?: number;
  /** The recorder being on: a rule created before it evaluates nothing. */
  dependsOn?: pulumi.Input<pulumi.Resource>[];
  tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * A custom AWS Config rule backed by a TypeScript callback serialized into a Lambda: the
 * function with its own least-privilege role, X-Ray tracing and log group, the permission for
 * Config to invoke it (from this account only), and the rule itself.
 */
export class CustomConfigRule extends pulumi.ComponentResource {
  public readonly ruleName: pulumi.Output<string>;
  public readonly ruleArn: pulumi.Output<string>;
  public readonly functionArn: pulumi.Output<string>;
  public readonly roleName: pulumi.Output<string>;

  constructor(name: string, args: CustomConfigRuleArgs, opts?: pulumi.ComponentResourceOptions) {
    super("guardrails:index:CustomConfigRule", name, {}, opts);
    const parent = { parent: this };
    const account = aws.getCallerIdentityOutput({}, parent);
    const lambda = new GuardrailsFunction(
      name,
      {
        description: args.description,
        callbackFactory: args.callbackFactory,
        permissions: args.permissions,
        logRetentionDays: args.logRetentionDays,
        memorySize: args.memorySize,
        timeout: args.timeout,
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
      ...(args.periodic
        ? [
            {
              eventSource: "aws.config",
              messageType: "ScheduledNotification",
              maximumExecutionFrequency: args.periodic,
            },
          ]
        : []),
    ];
    const rule = new aws.cfg.Rule(
      `${name}-rule`,
      {
        name: args.ruleName,
        description: args.description,
        source: { owner: "CUSTOM_LAMBDA", sourceIdentifier: fn.arn, sourceDetails },
        scope: { complianceResourceTypes: args.resourceTypes },
        inputParameters: pulumi.jsonStringify(args.inputParameters),
        maximumExecutionFrequency: args.periodic,
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
