import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { nonCompliantPattern } from "../functions/shared/compliance-change";
import { GuardrailsFunction, GuardrailsFunctionArgs } from "./guardrails-function";

export interface RemediationFunctionArgs extends Pick<
  GuardrailsFunctionArgs,
  | "description"
  | "callbackFactory"
  | "permissions"
  | "environment"
  | "logRetentionDays"
  | "timeout"
  | "tags"
> {
  /** The Config rule whose NON_COMPLIANT results trigger the remediation. */
  ruleName: string;
  /** Resource types of that rule the remediation repairs. */
  resourceTypes: string[];
  /** Also run on this EventBridge schedule (e.g. "rate(1 day)"), for work no change announces. */
  schedule?: string;
  /** Send each invocation's result (what was done, or would be in report mode) to this topic. */
  reportTopicArn?: pulumi.Input<string>;
}

/**
 * A remediation Lambda triggered by EventBridge: AWS Config's "Config Rules Compliance Change"
 * events of one rule turning NON_COMPLIANT, exactly as AWS emits them, and, optionally, a
 * schedule. Only those EventBridge rules may invoke it.
 */
export class RemediationFunction extends pulumi.ComponentResource {
  public readonly functionArn: pulumi.Output<string>;
  public readonly eventRuleArn: pulumi.Output<string>;

  constructor(name: string, args: RemediationFunctionArgs, opts?: pulumi.ComponentResourceOptions) {
    super("guardrails:index:RemediationFunction", name, {}, opts);
    const parent = { parent: this };
    const lambda = new GuardrailsFunction(
      name,
      {
        description: args.description,
        callbackFactory: args.callbackFactory,
        permissions: args.permissions,
        environment: args.environment,
        logRetentionDays: args.logRetentionDays,
        timeout: args.timeout,
        tags: args.tags,
      },
      parent,
    );
    const trigger = (suffix: string, rule: aws.cloudwatch.EventRuleArgs) => {
      const eventRule = new aws.cloudwatch.EventRule(
        `${name}-${suffix}`,
        { ...rule, tags: args.tags },
        parent,
      );
      new aws.cloudwatch.EventTarget(
        `${name}-${suffix}-target`,
        { rule: eventRule.name, arn: lambda.function.arn },
        parent,
      );
      new aws.lambda.Permission(
        `${name}-${suffix}-invoke`,
        {
          action: "lambda:InvokeFunction",
          function: lambda.function.name,
          principal: "events.amazonaws.com",
          sourceArn: eventRule.arn,
        },
        parent,
      );
      return eventRule;
    };
    const onChange = trigger("on-noncompliant", {
      description: `${args.ruleName} turned a resource NON_COMPLIANT: ${args.description}`,
      eventPattern: JSON.stringify(nonCompliantPattern(args.ruleName, args.resourceTypes)),
    });
    if (args.schedule) {
      trigger("schedule", {
        description: `Scheduled run: ${args.description}`,
        scheduleExpression: args.schedule,
      });
    }
    if (args.reportTopicArn) {
      // Lambda delivers the result of each asynchronous (EventBridge) invocation with the
      // function's own role: it may publish to that topic and nothing else.
      const publish = new aws.iam.RolePolicy(
        `${name}-report`,
        {
          role: lambda.roleName,
          policy: pulumi.jsonStringify({
            Version: "2012-10-17",
            Statement: [
              {
                Sid: "ReportDestination",
                Effect: "Allow",
                Action: "sns:Publish",
                Resource: args.reportTopicArn,
              },
            ],
          }),
        },
        parent,
      );
      new aws.lambda.FunctionEventInvokeConfig(
        `${name}-report-destination`,
        {
          functionName: lambda.function.name,
          destinationConfig: { onSuccess: { destination: args.reportTopicArn } },
        },
        { parent: this, dependsOn: [publish] },
      );
    }
    this.functionArn = lambda.function.arn;
    this.eventRuleArn = onChange.arn;
    this.registerOutputs({ functionArn: this.functionArn, eventRuleArn: this.eventRuleArn });
  }
}
