import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { COMPLIANCE_CHANGE_DETAIL_TYPE } from "../functions/shared/compliance-change";

export interface NotificationsArgs {
  /** The rules whose compliance changes are sent: this program's, by name. */
  ruleNames: pulumi.Input<string>[];
  /** E-mail subscriptions (each must confirm the e-mail AWS sends). */
  emails: readonly string[];
  tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
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
 * Tells people what the rules found: an SNS topic with e-mail subscriptions, and an
 * EventBridge rule forwarding the compliance changes of this program's rules as readable text.
 * Remediations in report mode send what they would have done to the same topic.
 */
export class Notifications extends pulumi.ComponentResource {
  public readonly topicArn: pulumi.Output<string>;

  constructor(name: string, args: NotificationsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("guardrails:index:Notifications", name, {}, opts);
    const parent = { parent: this };
    const topic = new aws.sns.Topic(`${name}-topic`, { tags: args.tags }, parent);
    args.emails.forEach(
      (email, index) =>
        new aws.sns.TopicSubscription(
          `${name}-email-${index}`,
          { topic: topic.arn, protocol: "email", endpoint: email },
          parent,
        ),
    );
    const changes = new aws.cloudwatch.EventRule(
      `${name}-compliance-changes`,
      {
        description:
          "AWS Config compliance changes of the guardrails rules, to the notification topic.",
        eventPattern: pulumi.jsonStringify({
          source: ["aws.config"],
          "detail-type": [COMPLIANCE_CHANGE_DETAIL_TYPE],
          detail: { messageType: ["ComplianceChangeNotification"], configRuleName: args.ruleNames },
        }),
        tags: args.tags,
      },
      parent,
    );
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
              Condition: { ArnEquals: { "aws:SourceArn": changes.arn } },
            },
          ],
        }),
      },
      parent,
    );
    new aws.cloudwatch.EventTarget(
      `${name}-compliance-changes-target`,
      { rule: changes.name, arn: topic.arn, inputTransformer: COMPLIANCE_MESSAGE },
      parent,
    );
    this.topicArn = topic.arn;
    this.registerOutputs({ topicArn: this.topicArn });
  }
}
