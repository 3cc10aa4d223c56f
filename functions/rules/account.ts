/**
 * An account as the offline evaluation sees it: what a snapshot of AWS CLI exports holds, read
 * once into the evaluators' own input types and indexed, so each rule's mirror and each
 * remediation's plan look resources up instead of scanning lists.
 */
import type { SecurityGroupRule } from "../remediation/exposed-ports/plan";
import type { CredentialReport } from "./credential-report";
import type { InstanceSecurityGroups, SecurityGroupIngress } from "./exposed-ports/evaluate";
import type { GroupPolicies, UserPolicies } from "./mfa-policy-attached/evaluate";
import type {
  AccessAnalyzer,
  CustomerManagedPolicy,
  NetworkAclEntry,
  PolicyEntities,
  PasswordPolicy,
  VirtualMfaDevice,
} from "./managed/cis-evaluate";

export interface SecurityGroupState {
  ingress: SecurityGroupIngress;
  groupName?: string;
  egressRuleCount: number;
  /**
   * The group's tags, by key, as its configuration item gives them; undefined when the export
   * holds none (the query selected neither `tags` nor `configuration`'s), so that a rule scoped
   * by tag is not judged on tags that were not read.
   */
  tags?: ReadonlyMap<string, string>;
  /**
   * EC2's rule model, as DescribeSecurityGroupRules lists it: one rule per CIDR. Made when a plan
   * asks, and not kept: a snapshot holding them all would carry a second copy of every CIDR.
   */
  rules(): SecurityGroupRule[];
}

export interface IamUserState extends UserPolicies {
  arn: string;
  createDate?: Date;
  /** Names of the user's inline policies (UserPolicyList). */
  inlinePolicyNames: readonly string[];
}

/** An instance as its configuration item says: its groups, state and metadata options. */
export interface InstanceState extends InstanceSecurityGroups {
  /** metadataOptions.httpTokens: `required` when only IMDSv2 is served. */
  httpTokens?: string;
}

export interface NetworkAclState {
  networkAclId: string;
  entries: readonly NetworkAclEntry[];
}

export interface AccountView {
  accountId: string;
  partition: string;
  /** The time ages are judged against: when IAM generated the credential report. */
  now: Date;
  securityGroups: ReadonlyMap<string, SecurityGroupState>;
  /** By instance id. */
  instances: ReadonlyMap<string, InstanceState>;
  /** By network ACL id. */
  networkAcls: ReadonlyMap<string, NetworkAclState>;
  /**
   * The account password policy: `null` when the account has none, undefined when the snapshot
   * has no export of it (then nothing is judged about it).
   */
  passwordPolicy?: PasswordPolicy | null;
  /** The virtual MFA devices; undefined when the snapshot has no export of them. */
  virtualMfaDevices?: readonly VirtualMfaDevice[];
  /** The region's IAM Access Analyzers; undefined when the snapshot has no export of them. */
  accessAnalyzers?: readonly AccessAnalyzer[];
  /** Who holds AWSSupportAccess; undefined when the snapshot has no export of it. */
  supportAccessEntities?: PolicyEntities;
  /** Customer managed policies by policy id; undefined when the snapshot has no export of them. */
  customerManagedPolicies?: ReadonlyMap<string, CustomerManagedPolicy>;
  /** Every IAM user, by user id (`AIDA...`), as AWS Config identifies them. */
  users: ReadonlyMap<string, IamUserState>;
  groupPolicies: GroupPolicies;
  credentialReport: CredentialReport;
}
