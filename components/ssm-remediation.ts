import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { SsmRemediationDefinition } from "../functions/shared/definitions";
import { serviceTrustPolicy } from "./trust-policy";

export interface SsmRemediationArgs {
  /** The rule it repairs, its document (ours or AWS's) and the calls the document makes. */
  definition: SsmRemediationDefinition;
  /** true: Config runs the document on every NON_COMPLIANT result; false: an operator runs it. */
  automatic: boolean;
  /** Required by AWS when automatic: MaximumAutomaticAttempts (1-25). */
  maximumAutomaticAttempts: number;
  /** Required by AWS when automatic: RetryAttemptSeconds. */
  retryAttemptSeconds: number;
  dependsOn?: pulumi.Input<pulumi.Resource>[];
  tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * Remediation through SSM Automation attached to a Config rule: the Automation
 * document (ours or AWS's), the role Automation assumes, limited to the document's calls and to
 * this account's Systems Manager, and the RemediationConfiguration linking them.
 */
export class SsmRemediation extends pulumi.ComponentResource {
  public readonly documentName: pulumi.Output<string>;
  public readonly roleArn: pulumi.Output<string>;

  constructor(name: string, args: SsmRemediationArgs, opts?: pulumi.ComponentResourceOptions) {
    super("guardrails:index:SsmRemediation", name, {}, opts);
    const parent = { parent: this };
    const account = aws.getCallerIdentityOutput({}, parent);

    const role = new aws.iam.Role(
      `${name}-role`,
      {
        description: `SSM Automation for ${name}: only the calls of its document.`,
        assumeRolePolicy: serviceTrustPolicy("ssm.amazonaws.com", account.accountId),
        tags: args.tags,
      },
      parent,
    );
    const rolePolicy = new aws.iam.RolePolicy(
      `${name}-policy`,
      {
        role: role.id,
        policy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "DocumentSteps",
              Effect: "Allow",
              Action: [...args.definition.permissions].sort(),
              Resource: "*",
            },
          ],
        }),
      },
      parent,
    );

    const documentName =
      "awsDocumentName" in args.definition.document
        ? pulumi.output(args.definition.document.awsDocumentName)
        : new aws.ssm.Document(
            `${name}-document`,
            {
              documentType: "Automation",
              documentFormat: "JSON",
              content: JSON.stringify(args.definition.document.content),
              tags: args.tags,
            },
            parent,
          ).name;

    new aws.cfg.RemediationConfiguration(
      `${name}-remediation`,
      {
        configRuleName: args.definition.rule,
        targetType: "SSM_DOCUMENT",
        targetId: documentName,
        parameters: [
          { name: "AutomationAssumeRole", staticValue: role.arn },
          { name: args.definition.resourceIdParameter, resourceValue: "RESOURCE_ID" },
        ],
        automatic: args.automatic,
        maximumAutomaticAttempts: args.maximumAutomaticAttempts,
        retryAttemptSeconds: args.retryAttemptSeconds,
      },
      { parent: this, dependsOn: [rolePolicy, ...(args.dependsOn ?? [])] },
    );

    this.documentName = documentName;
    this.roleArn = role.arn;
    this.registerOutputs({ documentName: this.documentName, roleArn: this.roleArn });
  }
}
