import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { complianceChangesPattern } from "../functions/shared/compliance-change";

/** Events of one kind the topic receives: an EventBridge rule and how its events read. */
export interface NotificationRoute {
  /** The rule's resource name suffix. */
  name: string;
  description: string;
  eventPattern: pulumi.Input<string>;
  inputTransformer?: aws.types.input.cloudwatch.EventTargetInputTransformer;
}

export interface NotificationsArgs {
  /** What the topic receives. */
  routes: readonly NotificationRoute[];
  /** E-mail subscriptions (each must confirm the e-mail AWS sends). */
  emails: readonly string[];
  /** The bus the routes' rules watch; the account's default bus when absent. */
  eventBusName?: pulumi.Input<string>;
  /** The region of the topic and the rules; the provider's when absent. */
  region?: string;
  tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** A single account's route: the compliance changes of this program's rules, by name, as text. */
export function complianceChangesRoute(ruleNames: readonly string[]): NotificationRoute {
  return {
    name: "compliance-changes",
    description:
      "AWS Config compliance changes of the guardrails rules, to the notification topic.",
    eventPattern: JSON.stringify(complianceChangesPattern(ruleNames)),
    inputTransformer: COMPLIANCE_MESSAGE,
  };
}

/** The detail type of a Lambda destination's record of a successful asynchronous invocation. */
export const INVOCATION_SUCCESS = "Lambda Function Invocation Result - Success";

/**
 * What the remediations in report mode would have done: the records Lambda puts on the bus for
 * successful invocations of these functions, from this account only (source "lambda" is not
 * reserved to AWS), naming the function's ARN alone or with a version; and only those that
 * looked at a resource (not an event ignored, nor an account whose override turns the
 * remediation off), so that the topic tells of repairs, not of routing.
 */
export function remediationReportsRoute(
  functionArns: readonly pulumi.Input<string>[],
  account: pulumi.Input<string>,
  description: string,
): NotificationRoute {
  return {
    name: "remediation-reports",
    description,
    eventPattern: pulumi.jsonStringify({
      source: ["lambda"],
      account: [account],
      "detail-type": [INVOCATION_SUCCESS],
      resources: functionArns.flatMap((arn) => [arn, { prefix: pulumi.interpolate`${arn}:` }]),
      detail: { responsePayload: { skipped: [{ exists: false }] } },
    }),
  };
}

/** The readable message of a compliance change (EventBridge input transformer). */
export const COMPLIANCE_MESSAGE = {
  inputPaths: {
    rule: "$.detail.configRuleName",
    resourceType: "$.detail.resourceType",
    resourceId: "$.detail.resourceId",
    compliance: "$.detail.newEvaluationResult.complianceType",
    annotation: "$.detail.newEvaluationResult.annotation",
    account: "$.account",
    region: "$.region",
  },
  // A quoted template makes EventBridge send plain text, which is what an e-mail shows.
  inputTemplate:
    '"AWS Config rule <rule>: <resourceType> <resourceId> is now <compliance> in account <account>, <region>. <annotation>"',
};

/**
 * Tells people what the rules found: an SNS topic with e-mail subscriptions, and EventBridge
 * rules sending it the compliance changes of this program's rules as readable text, and what the
 * remediations in report mode would have done.
 */
export class Notifications extends pulumi.ComponentResource {
  public readonly topicArn: pulumi.Output<string>;

  constructor(name: string, args: NotificationsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("guardrails:index:Notifications", name, {}, opts);
    const parent = { parent: this };
    const topic = new aws.sns.Topic(
      `${name}-topic`,
      { region: args.region, tags: args.tags },
      parent,
    );
    args.emails.forEach(
      (email, index) =>
        new aws.sns.TopicSubscription(
          `${name}-email-${index}`,
          { topic: topic.arn, protocol: "email", endpoint: email, region: args.region },
          parent,
        ),
    );
    const rules = args.routes.map((route) => {
      const rule = new aws.cloudwatch.EventRule(
        `${name}-${route.name}`,
        {
          description: route.description,
          eventPattern: route.eventPattern,
          eventBusName: args.eventBusName,
          region: args.region,
          tags: args.tags,
        },
        parent,
      );
      new aws.cloudwatch.EventTarget(
        `${name}-${route.name}-target`,
        {
          rule: rule.name,
          eventBusName: args.eventBusName,
          arn: topic.arn,
          inputTransformer: route.inputTransformer,
          region: args.region,
        },
        parent,
      );
      return rule;
    });
    new aws.sns.TopicPolicy(
      `${name}-topic-policy`,
      {
        arn: topic.arn,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "ComplianceChangesFromEventBridge",
              Effect: "Allow",
              Principal: { Service: "events.amazonaws.com" },
              Action: "sns:Publish",
              Resource: topic.arn,
              // One rule's ARN as a string, as single-account stacks have always had it.
              Condition: {
                ArnEquals: {
                  "aws:SourceArn":
                    rules.length === 1 ? rules[0]?.arn : rules.map((rule) => rule.arn),
                },
              },
            },
          ],
        }),
        region: args.region,
      },
      parent,
    );
    this.topicArn = topic.arn;
    this.registerOutputs({ topicArn: this.topicArn });
  }
}
