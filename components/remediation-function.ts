import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { fittingEnvironment } from "../functions/shared/boundary";
import { nonCompliantPattern } from "../functions/shared/compliance-change";
import type { Settings } from "../config";
import { longestFacts } from "../functions/catalog";
import type { LambdaRemediationDefinition, StackFacts } from "../functions/shared/definitions";
import { apiCallPattern } from "../functions/shared/api-call";
import { GuardrailsFunction } from "./guardrails-function";
import { serviceTrustPolicy } from "./trust-policy";

export interface RemediationFunctionArgs<Environment extends { mode: string }> {
  /** The remediation: its rule, handler, permissions per mode, schedule, timeout and memory. */
  definition: LambdaRemediationDefinition<Environment>;
  /** The stack settings the remediation reads (its mode among them). */
  settings: Settings;
  /** Facts of the deployment its environment needs (the MFA policy's ARN). */
  facts: pulumi.Input<StackFacts>;
  /**
   * Put each invocation's result (what was done, or would be in report mode) on this event bus,
   * from where the notifications' remediation-reports route takes those about a resource to the
   * topic (a destination straight to the topic would tell of every event ignored too).
   */
  reportBusArn?: pulumi.Input<string>;
  /**
   * Real-time repair, where the remediation watches API calls: the stack's region, where the
   * function is (IAM's calls reach EventBridge in us-east-1 only, and are forwarded from there).
   */
  realtime?: { region: string };
  tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * A remediation Lambda triggered by EventBridge: AWS Config's "Config Rules Compliance Change"
 * events of one rule turning NON_COMPLIANT, exactly as AWS emits them, and, optionally, a
 * schedule. Only those EventBridge rules may invoke it.
 */
export class RemediationFunction<Environment extends { mode: string }>
  extends pulumi.ComponentResource
{
  public readonly functionArn: pulumi.Output<string>;
  public readonly eventRuleArn: pulumi.Output<string>;

  constructor(
    name: string,
    args: RemediationFunctionArgs<Environment>,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("guardrails:index:RemediationFunction", name, {}, opts);
    const { definition } = args;
    const parent = { parent: this };
    // The role and the schedule follow from the settings alone (mode, enforcement), so they are
    // known now; the facts (outputs of other resources) go only into the variables.
    const planned = definition.fromSettings(args.settings, longestFacts(args.settings));
    const variables = pulumi
      .output(args.facts)
      .apply((facts) =>
        encodedEnvironment(definition, definition.fromSettings(args.settings, facts as StackFacts)),
      );
    const lambda = new GuardrailsFunction(
      name,
      {
        description: definition.description,
        callbackFactory: definition.createHandler,
        permissions: definition.permissions(planned),
        environment: variables,
        logRetentionDays: args.settings.logRetentionDays,
        memorySize: definition.memoryMb,
        timeout: definition.timeoutSeconds,
        tags: args.tags,
      },
      parent,
    );
    const trigger = (suffix: string, rule: aws.cloudwatch.EventRuleArgs) =>
      invokedByEventRule(
        `${name}-${suffix}`,
        { ...rule, tags: args.tags },
        lambda.function,
        parent,
      );
    const onChange = trigger("on-noncompliant", {
      description: `${definition.rule} turned a resource NON_COMPLIANT: ${definition.description}`,
      eventPattern: JSON.stringify(nonCompliantPattern(definition.rule, definition.resourceTypes)),
    });
    const schedule = definition.schedule?.(planned);
    if (schedule) {
      trigger("schedule", {
        description: `Scheduled run: ${definition.description}`,
        scheduleExpression: schedule,
      });
    }
    if (args.reportBusArn) {
      // Lambda delivers the result of each asynchronous (EventBridge) invocation with the
      // function's own role: it may put events on that bus and nothing else.
      const put = new aws.iam.RolePolicy(
        `${name}-report`,
        {
          role: lambda.roleName,
          policy: pulumi.jsonStringify({
            Version: "2012-10-17",
            Statement: [
              {
                Sid: "ReportDestination",
                Effect: "Allow",
                Action: "events:PutEvents",
                Resource: args.reportBusArn,
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
          destinationConfig: { onSuccess: { destination: args.reportBusArn } },
        },
        { parent: this, dependsOn: [put] },
      );
    }
    if (args.realtime && definition.apiCalls) {
      const triggers = variables.apply((encoded) =>
        (definition.apiCalls?.(definition.environment.decode(encoded)) ?? []).map(apiCallPattern),
      );
      const services = definition.apiCalls(planned).map((trigger) => trigger.service);
      services.forEach((service, index) => {
        const eventPattern = triggers.apply((patterns) => JSON.stringify(patterns[index]));
        const description = `${definition.rule}: ${definition.description} On the API call (CloudTrail).`;
        trigger(`api-call-${index}`, { description, eventPattern });
        if (service === "iam" && args.realtime?.region !== GLOBAL_EVENTS_REGION) {
          this.forwardGlobalEvents(
            `${name}-api-call-${index}`,
            eventPattern,
            args.realtime?.region ?? "",
            args.tags,
          );
        }
      });
    }
    this.functionArn = lambda.function.arn;
    this.eventRuleArn = onChange.arn;
    this.registerOutputs({ functionArn: this.functionArn, eventRuleArn: this.eventRuleArn });
  }

  /**
   * IAM's calls reach EventBridge in us-east-1 only: a rule there sends them to the default bus
   * of the function's region, where the function's own rule (same pattern) takes them. Its role
   * may put events on that bus and nothing else.
   */
  private forwardGlobalEvents(
    name: string,
    eventPattern: pulumi.Input<string>,
    region: string,
    tags: RemediationFunctionArgs<{ mode: string }>["tags"],
  ): void {
    const parent = { parent: this };
    const identity = aws.getCallerIdentityOutput({}, parent);
    const partition = aws.getPartitionOutput({}, parent).partition;
    const bus = pulumi.interpolate`arn:${partition}:events:${region}:${identity.accountId}:event-bus/default`;
    const role = new aws.iam.Role(
      `${name}-forwarding-role`,
      {
        description: `EventBridge: IAM's API calls, from ${GLOBAL_EVENTS_REGION} to ${region}.`,
        // This account's EventBridge only.
        assumeRolePolicy: serviceTrustPolicy("events.amazonaws.com", identity.accountId),
        tags,
      },
      parent,
    );
    new aws.iam.RolePolicy(
      `${name}-forwarding-policy`,
      {
        role: role.id,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Action: "events:PutEvents", Resource: bus }],
        }),
      },
      parent,
    );
    const rule = new aws.cloudwatch.EventRule(
      `${name}-forwarding`,
      {
        description: `IAM's API calls this remediation watches, to ${region}.`,
        eventPattern,
        region: GLOBAL_EVENTS_REGION,
        tags,
      },
      parent,
    );
    new aws.cloudwatch.EventTarget(
      `${name}-forwarding-target`,
      { rule: rule.name, arn: bus, roleArn: role.arn, region: GLOBAL_EVENTS_REGION },
      parent,
    );
  }
}

/**
 * An EventBridge rule (on its bus, in its region) whose one target is the function, and the
 * permission that lets that rule, and no other, invoke it.
 */
export function invokedByEventRule(
  name: string,
  rule: aws.cloudwatch.EventRuleArgs,
  target: aws.lambda.Function,
  opts: pulumi.CustomResourceOptions,
): aws.cloudwatch.EventRule {
  const { eventBusName, region } = rule;
  const eventRule = new aws.cloudwatch.EventRule(name, rule, opts);
  new aws.cloudwatch.EventTarget(
    `${name}-target`,
    { rule: eventRule.name, eventBusName, arn: target.arn, region },
    opts,
  );
  new aws.lambda.Permission(
    `${name}-invoke`,
    {
      action: "lambda:InvokeFunction",
      function: target.name,
      principal: "events.amazonaws.com",
      sourceArn: eventRule.arn,
      region,
    },
    opts,
  );
  return eventRule;
}

/** Where IAM, a global service, delivers its CloudTrail events to EventBridge. */
export const GLOBAL_EVENTS_REGION = "us-east-1";

/** The function's environment variables, refused beyond Lambda's 4 KB. */
export function encodedEnvironment<Environment extends { mode: string }>(
  definition: LambdaRemediationDefinition<Environment>,
  environment: Environment,
): Record<string, string> {
  return fittingEnvironment(definition.name, definition.environment.encode(environment));
}
