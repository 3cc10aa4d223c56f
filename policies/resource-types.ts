/**
 * Pulumi type tokens of the resources the pack reads, as @pulumi/aws 7 registers them (a test
 * checks each one against the provider's own class).
 *
 * Tokens, not the provider's classes (`validateResourceOfType(aws.ec2.SecurityGroup, ...)`): the
 * pack then does not depend on @pulumi/aws, whose declarations the CLI would load and type-check
 * at every preview, and it runs against stacks pinned to any provider version that keeps them.
 */
export const TYPES = {
  securityGroup: "aws:ec2/securityGroup:SecurityGroup",
  securityGroupRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
  securityGroupIngressRule: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  defaultSecurityGroup: "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
  accessKey: "aws:iam/accessKey:AccessKey",
  user: "aws:iam/user:User",
  group: "aws:iam/group:Group",
  policy: "aws:iam/policy:Policy",
  userPolicyAttachment: "aws:iam/userPolicyAttachment:UserPolicyAttachment",
  userPolicy: "aws:iam/userPolicy:UserPolicy",
  groupPolicyAttachment: "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
  policyAttachment: "aws:iam/policyAttachment:PolicyAttachment",
  userGroupMembership: "aws:iam/userGroupMembership:UserGroupMembership",
  groupMembership: "aws:iam/groupMembership:GroupMembership",
  recorder: "aws:cfg/recorder:Recorder",
  remediationConfiguration: "aws:cfg/remediationConfiguration:RemediationConfiguration",
  lambdaFunction: "aws:lambda/function:Function",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  networkAcl: "aws:ec2/networkAcl:NetworkAcl",
  defaultNetworkAcl: "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl",
  networkAclRule: "aws:ec2/networkAclRule:NetworkAclRule",
  instance: "aws:ec2/instance:Instance",
} as const;

export type ResourceType = (typeof TYPES)[keyof typeof TYPES];
