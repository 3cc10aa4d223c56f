import * as pulumi from "@pulumi/pulumi";
import { PERMISSIONS, createHandler } from "../functions/rules/iam-inactive-users/handler";
import { RESOURCE_TYPES } from "../functions/rules/verdict";
import { CustomConfigRule } from "./custom-config-rule";

export interface InactiveUsersRuleArgs {
  maxInactiveDays: number;
  /** IAM user names reported COMPLIANT as exempt. */
  exemptUsers: readonly string[];
  logRetentionDays?: number;
  dependsOn?: pulumi.Input<pulumi.Resource>[];
  tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * iam-inactive-users: users whose password and access keys have gone unused for
 * `maxInactiveDays`, read for all users at once from the IAM credential report. Daily, since
 * inactivity is counted in days, and on every user change.
 */
export class InactiveUsersRule extends pulumi.ComponentResource {
  public readonly rule: CustomConfigRule;

  constructor(name: string, args: InactiveUsersRuleArgs, opts?: pulumi.ComponentResourceOptions) {
    super("guardrails:index:InactiveUsersRule", name, {}, opts);
    this.rule = new CustomConfigRule(
      name,
      {
        ruleName: "iam-inactive-users",
        description: `IAM users must have used a password or access key within ${args.maxInactiveDays} days.`,
        callbackFactory: () => createHandler(),
        resourceTypes: [RESOURCE_TYPES.iamUser],
        periodic: "TwentyFour_Hours",
        inputParameters: {
          maxInactiveDays: String(args.maxInactiveDays),
          exemptUsers: args.exemptUsers.join(","),
        },
        permissions: PERMISSIONS,
        // Generating the credential report can take minutes when IAM throttles it.
        timeout: 300,
        logRetentionDays: args.logRetentionDays,
        dependsOn: args.dependsOn,
        tags: args.tags,
      },
      { parent: this },
    );
    this.registerOutputs({ ruleName: this.rule.ruleName });
  }
}
