import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { RuleHandler } from "../functions/shared/rule-handler";
import { withDefaults } from "./defaults";

/** How often a periodic rule runs (AWS Config's MaximumExecutionFrequency). */
export type ExecutionFrequency =
  "One_Hour" | "Three_Hours" | "Six_Hours" | "Twelve_Hours" | "TwentyFour_Hours";

export interface CustomConfigRuleArgs {
  /** The rule's name in AWS Config, also its EventBridge and report name. */
  ruleName: string;
  description: string;
  /**
   * Makes the Lambda's handler; Pulumi serializes it with everything it references. It runs
   * once per cold start, so SDK clients belong inside it (a client made at deployment time
   * captures native crypto and does not serialize).
   */
  callbackFactory: () => RuleHandler;
  /** Resource types that trigger the rule on change (its scope). */
  resourceTypes: string[];
  /** Periodic rules also run on this schedule and list their resources themselves. */
  periodic?: ExecutionFrequency;
  /** The rule's `ruleParameters`, all text (as the Config console shows them). */
  inputParameters: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Exactly the API actions the handler calls; its role grants these and no others. */
  permissions: readonly string[];
  /** CloudWatch Logs retention of the function's log group. Default: 90. */
  logRetentionDays?: number;
  /** Default: 256 MB (the handlers peak well below; CPU scales with memory). */
  memorySize?: number;
  /** Seconds. Default: 60. */
  timeout?: number;
  /** The recorder being on: a rule created before it evaluates nothing. */
  dependsOn?: pulumi.Input<pulumi.Resource>[];
  tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

const DEFAULTS = {
  logRetentionDays: 90,
  memorySize: 256,
  timeout: 60,
};

/**
 * Packages left out of every Lambda zip: the Node.js 22 runtime ships the AWS SDK v3, and
 * `CallbackFunction` would otherwise zip each client with its whole dependency tree (client-ec2
 * alone is 28 MB) whatever the function uses. See the README's "Lambda packages".
 */
export const RUNTIME_PROVIDED_PACKAGES = [
  "@aws-sdk/client-config-service",
  "@aws-sdk/client-ec2",
  "@aws-sdk/client-iam",
];

export const LAMBDA_RUNTIME = aws.lambda.Runtime.NodeJS22dX;

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
    const settings = withDefaults(DEFAULTS, args);
    const parent = { parent: this };
    const account = aws.getCallerIdentityOutput({}, parent);

    const logGroup = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      {
        name: `/aws/lambda/guardrails/${args.ruleName}`,
        retentionInDays: settings.logRetentionDays,
        tags: args.tags,
      },
      parent,
    );
    const role = new aws.iam.Role(
      `${name}-role`,
      {
        description: `Runs the ${args.ruleName} Config rule: exactly the calls its handler makes.`,
        assumeRolePolicy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Principal: { Service: "lambda.amazonaws.com" },
              Action: "sts:AssumeRole",
            },
          ],
        }),
        tags: args.tags,
      },
      parent,
    );
    const rolePolicy = new aws.iam.RolePolicy(
      `${name}-policy`,
      { role: role.id, policy: handlerPolicy(args.permissions, logGroup.arn) },
      parent,
    );

    const fn = new aws.lambda.CallbackFunction(
      `${name}-function`,
      {
        description: args.description,
        callbackFactory: args.callbackFactory,
        runtime: LAMBDA_RUNTIME,
        role,
        memorySize: settings.memorySize,
        timeout: settings.timeout,
        tracingConfig: { mode: "Active" },
        loggingConfig: { logFormat: "Text", logGroup: logGroup.name },
        codePathOptions: { extraExcludePackages: RUNTIME_PROVIDED_PACKAGES },
        tags: args.tags,
      },
      { parent: this, dependsOn: [rolePolicy] },
    );
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
    this.roleName = role.name;
    this.registerOutputs({
      ruleName: this.ruleName,
      ruleArn: this.ruleArn,
      functionArn: this.functionArn,
    });
  }
}

/** The handler's calls, plus writing to its own log group and X-Ray. */
export function handlerPolicy(
  permissions: readonly string[],
  logGroupArn: pulumi.Input<string>,
): pulumi.Output<string> {
  return pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      // These read and evaluation calls support no resource-level scoping.
      { Sid: "HandlerCalls", Effect: "Allow", Action: [...permissions].sort(), Resource: "*" },
      {
        Sid: "OwnLogGroup",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: pulumi.interpolate`${logGroupArn}:*`,
      },
      {
        Sid: "Tracing",
        Effect: "Allow",
        Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
        Resource: "*",
      },
    ],
  });
}
