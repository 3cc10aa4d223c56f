import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { serviceTrustPolicy } from "./trust-policy";

export interface SsmRemediationArgs {
  /** The Config rule whose NON_COMPLIANT resources the document repairs. */
  ruleName: pulumi.Input<string>;
  /** An AWS-owned document by name, or our own Automation document's content (schema 0.3). */
  document: { awsDocumentName: string } | { content: Record<string, unknown> };
  /** The document parameter that receives the non-compliant resource's id. */
  resourceIdParameter: string;
  /** Exactly the API actions the document's steps call: the Automation role's permissions. */
  permissions: readonly string[];
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
 * Remediation through SSM Automation attached to a Config rule (seed 001): the Automation
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
              Action: [...args.permissions].sort(),
              Resource: "*",
            },
          ],
        }),
      },
      parent,
    );

    const documentName =
      "awsDocumentName" in args.document
        ? pulumi.output(args.document.awsDocumentName)
        : new aws.ssm.Document(
            `${name}-document`,
            {
              documentType: "Automation",
              documentFormat: "JSON",
              content: JSON.stringify(args.document.content),
              tags: args.tags,
            },
            parent,
          ).name;

    new aws.cfg.RemediationConfiguration(
      `${name}-remediation`,
      {
        configRuleName: args.ruleName,
        targetType: "SSM_DOCUMENT",
        targetId: documentName,
        parameters: [
          { name: "AutomationAssumeRole", staticValue: role.arn },
          { name: args.resourceIdParameter, resourceValue: "RESOURCE_ID" },
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

/**
 * Our Automation document for vpc-default-security-group-closed (seed 001): read the default
 * group's rules, revoke every ingress rule, revoke every egress rule. A revoke step continues on
 * failure because a group with no rules of that direction fails it with an empty list.
 */
export const CLOSE_DEFAULT_SECURITY_GROUP_DOCUMENT = {
  schemaVersion: "0.3",
  description: "Revokes every ingress and egress rule of a VPC's default security group (CIS 4.3).",
  assumeRole: "{{ AutomationAssumeRole }}",
  parameters: {
    AutomationAssumeRole: { type: "String", description: "ARN of the role Automation assumes." },
    GroupId: { type: "String", description: "The default security group to close." },
  },
  mainSteps: [
    {
      name: "DescribeSecurityGroups",
      action: "aws:executeAwsApi",
      onFailure: "Abort",
      inputs: { Service: "ec2", Api: "DescribeSecurityGroups", GroupIds: ["{{ GroupId }}"] },
      outputs: [
        {
          Name: "IpPermissionsIngress",
          Selector: "$.SecurityGroups[0].IpPermissions",
          Type: "MapList",
        },
        {
          Name: "IpPermissionsEgress",
          Selector: "$.SecurityGroups[0].IpPermissionsEgress",
          Type: "MapList",
        },
      ],
    },
    {
      name: "RevokeSecurityGroupIngress",
      action: "aws:executeAwsApi",
      onFailure: "Continue",
      inputs: {
        Service: "ec2",
        Api: "RevokeSecurityGroupIngress",
        GroupId: "{{ GroupId }}",
        IpPermissions: "{{ DescribeSecurityGroups.IpPermissionsIngress }}",
      },
    },
    {
      name: "RevokeSecurityGroupEgress",
      action: "aws:executeAwsApi",
      onFailure: "Continue",
      inputs: {
        Service: "ec2",
        Api: "RevokeSecurityGroupEgress",
        GroupId: "{{ GroupId }}",
        IpPermissions: "{{ DescribeSecurityGroups.IpPermissionsEgress }}",
      },
    },
  ],
};

/** The API calls a document's `aws:executeAwsApi` steps make, as IAM actions. */
export function documentPermissions(content: {
  mainSteps: Array<{ action: string; inputs: { Service?: string; Api?: string } }>;
}): string[] {
  return content.mainSteps
    .filter((step) => step.action === "aws:executeAwsApi")
    .map((step) => `${step.inputs.Service}:${step.inputs.Api}`);
}
