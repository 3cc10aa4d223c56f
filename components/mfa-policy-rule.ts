import * as pulumi from "@pulumi/pulumi";
import { PERMISSIONS, createHandler } from "../functions/rules/mfa-policy-attached/handler";
import { RESOURCE_TYPES } from "../functions/rules/verdict";
import { CustomConfigRule } from "./custom-config-rule";

export interface MfaPolicyRuleArgs {
  /** ARN of the managed policy that denies everything without MFA. */
  policyArn: pulumi.Input<string>;
  /** IAM user names reported COMPLIANT as exempt. */
  exemptUsers: readonly string[];
  logRetentionDays?: number;
  dependsOn?: pulumi.Input<pulumi.Resource>[];
  tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * mfa-policy-attached: every user but the exempt ones carries the MFA policy, directly or
 * through a group. Hourly as well as on user change: joining or leaving a group, or a group's
 * policy change, produces no configuration item of the user.
 */
export class MfaPolicyRule extends pulumi.ComponentResource {
  public readonly rule: CustomConfigRule;

  constructor(name: string, args: MfaPolicyRuleArgs, opts?: pulumi.ComponentResourceOptions) {
    super("guardrails:index:MfaPolicyRule", name, {}, opts);
    this.rule = new CustomConfigRule(
      name,
      {
        ruleName: "mfa-policy-attached",
        description:
          "Every IAM user but the exempt ones must have the MFA policy, directly or through a group.",
        callbackFactory: () => createHandler(),
        resourceTypes: [RESOURCE_TYPES.iamUser],
        periodic: "One_Hour",
        inputParameters: { policyArn: args.policyArn, exemptUsers: args.exemptUsers.join(",") },
        permissions: PERMISSIONS,
        timeout: 120,
        logRetentionDays: args.logRetentionDays,
        dependsOn: args.dependsOn,
        tags: args.tags,
      },
      { parent: this },
    );
    this.registerOutputs({ ruleName: this.rule.ruleName });
  }
}
