/**
 * An account as the offline evaluation sees it: what a snapshot of AWS CLI exports holds, read
 * once into the evaluators' own input types and indexed, so each rule's mirror and each
 * remediation's plan look resources up instead of scanning lists.
 */
import type { SecurityGroupRule } from "../remediation/exposed-ports/plan";
import type { CredentialReport } from "./credential-report";
import type { InstanceSecurityGroups, SecurityGroupIngress } from "./exposed-ports/evaluate";
import type { GroupPolicies, UserPolicies } from "./mfa-policy-attached/evaluate";

export interface SecurityGroupState {
  ingress: SecurityGroupIngress;
  groupName?: string;
  egressRuleCount: number;
  /** EC2's rule model, as DescribeSecurityGroupRules lists it: one rule per CIDR. */
  rules: SecurityGroupRule[];
}

export interface IamUserState extends UserPolicies {
  arn: string;
  createDate?: Date;
}

export interface AccountView {
  accountId: string;
  partition: string;
  /** The time ages are judged against: when IAM generated the credential report. */
  now: Date;
  securityGroups: ReadonlyMap<string, SecurityGroupState>;
  /** By instance id. */
  instances: ReadonlyMap<string, InstanceSecurityGroups>;
  /** Every IAM user, by user id (`AIDA...`), as AWS Config identifies them. */
  users: ReadonlyMap<string, IamUserState>;
  groupPolicies: GroupPolicies;
  credentialReport: CredentialReport;
}
