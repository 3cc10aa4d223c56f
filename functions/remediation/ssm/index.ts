/**
 * The remediations AWS Config runs through SSM Automation: attached to their rule as its
 * remediation configuration, run by an operator (report) or by Config itself (automatic).
 */
import type { SsmDocumentContent, SsmRemediationDefinition } from "../../shared/definitions";
import { RESOURCE_TYPES } from "../../rules/verdict";

/**
 * Our Automation document for vpc-default-security-group-closed : read the default
 * group's rules, revoke every ingress rule, revoke every egress rule. A revoke step continues on
 * failure because a group with no rules of that direction fails it with an empty list.
 */
export const CLOSE_DEFAULT_SECURITY_GROUP_DOCUMENT: SsmDocumentContent = {
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
export function documentPermissions(content: SsmDocumentContent): string[] {
  return content.mainSteps
    .filter((step) => step.action === "aws:executeAwsApi")
    .map((step) => `${step.inputs.Service}:${step.inputs.Api}`);
}

export const closeDefaultSecurityGroup: SsmRemediationDefinition = {
  kind: "ssm",
  name: "close-default-security-group",
  rule: "vpc-default-security-group-closed",
  description: "Revokes every rule of a default security group.",
  resourceTypes: [RESOURCE_TYPES.securityGroup],
  mode: (settings) => settings.defaultSecurityGroupRemediation,
  document: { content: CLOSE_DEFAULT_SECURITY_GROUP_DOCUMENT },
  resourceIdParameter: "GroupId",
  permissions: documentPermissions(CLOSE_DEFAULT_SECURITY_GROUP_DOCUMENT),
  action: "revoke every rule of the default group (SSM Automation)",
};

/**
 * On restricted-ssh, not on vpc-sg-open-only-to-authorized-ports: this AWS document closes only
 * SSH and RDP, so a group flagged for another port would stay NON_COMPLIANT and automatic
 * remediation would retry forever.
 */
export const disablePublicSsh: SsmRemediationDefinition = {
  kind: "ssm",
  name: "disable-public-ssh",
  rule: "restricted-ssh",
  description: "Closes SSH and RDP open to the internet.",
  resourceTypes: [RESOURCE_TYPES.securityGroup],
  mode: (settings) => settings.publicSecurityGroupRemediation,
  document: { awsDocumentName: "AWS-DisablePublicAccessForSecurityGroup" },
  resourceIdParameter: "GroupId",
  permissions: ["ec2:DescribeSecurityGroups", "ec2:RevokeSecurityGroupIngress"],
  action: "close public SSH/RDP (AWS-DisablePublicAccessForSecurityGroup)",
};
