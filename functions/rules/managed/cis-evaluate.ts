/**
 * The CIS AWS Foundations Benchmark rules that AWS manages, mirrored for the offline evaluation
 * from the AWS Config managed rules reference (AWS evaluates them itself in the account):
 *
 * - iam-root-access-key-check: the root user has an active access key: NON_COMPLIANT;
 * - root-account-mfa-enabled: the root user has no MFA device: NON_COMPLIANT;
 * - root-account-hardware-mfa-enabled: the root user has no MFA device, or a virtual one (a
 *   virtual MFA device assigned to the root's ARN): NON_COMPLIANT;
 * - mfa-enabled-for-iam-console-access: a user with a console password and no MFA device is
 *   NON_COMPLIANT; one without a console password has nothing to judge (NOT_APPLICABLE here);
 * - iam-password-policy: no account password policy (IAM's default) is NON_COMPLIANT, as is a
 *   policy weaker than the parameters: shorter minimum, fewer passwords remembered, a longer or no
 *   expiry, a character class not required that the parameters require;
 * - iam-user-no-policies-check: a user with a managed policy attached or an inline policy is
 *   NON_COMPLIANT (permissions only through groups);
 * - nacl-no-unrestricted-ssh-rdp: a network ACL with an inbound allow entry from 0.0.0.0/0 or ::/0
 *   covering 22 or 3389 (TCP, UDP or all traffic) is NON_COMPLIANT, whatever the entries before it;
 * - ec2-imdsv2-check: an instance whose metadata options do not require tokens is NON_COMPLIANT;
 * - iam-external-access-analyzer-enabled: no IAM Access Analyzer for external access (type
 *   ACCOUNT or ORGANIZATION) that is ACTIVE in the region: NON_COMPLIANT (unused-access analyzers
 *   do not count);
 * - iam-policy-in-use (with AWSSupportAccess, CIS's support role): the policy attached to no
 *   IAM role, no user and no group with a member is NON_COMPLIANT;
 * - iam-policy-no-statements-with-admin-access: a customer managed policy whose default version
 *   has a statement with Effect Allow, Action "*" and Resource "*" is NON_COMPLIANT ("service:*"
 *   is not "*"; inline and AWS managed policies are not judged, as AWS documents).
 *
 * A verdict needs its data: without the credential report's root line, or without the exported
 * password policy, MFA devices or policies, these return undefined (nothing judged) rather than
 * guess.
 */
import type { CredentialReportRow, RootCredentials } from "../credential-report";
import { PUBLIC_CIDRS, portProtocol } from "../exposed-ports/evaluate";
import { PortRange, intersectPortRanges } from "../ports";
import {
  readList,
  readObject,
  unreadable,
  readOptionalBoolean,
  readOptionalText,
  readOptionalWholeNumber,
  readPort,
  readText,
} from "../unreadable";
import { RESOURCE_TYPES, Verdict, verdictFor } from "../verdict";

const ACCOUNT_RESOURCE_TYPE = RESOURCE_TYPES.account;

export function evaluateRootAccessKeys(
  accountId: string,
  root: RootCredentials | undefined,
): Verdict | undefined {
  if (!root) return undefined;
  const verdict = verdictFor(ACCOUNT_RESOURCE_TYPE, accountId);
  const active = [
    root.accessKey1Active ? "access key 1" : undefined,
    root.accessKey2Active ? "access key 2" : undefined,
  ].filter((key) => key !== undefined);
  return active.length > 0
    ? verdict("NON_COMPLIANT", `The root user has an active ${active.join(" and ")}.`)
    : verdict("COMPLIANT", "The root user has no active access key.");
}

export function evaluateRootMfa(
  accountId: string,
  root: RootCredentials | undefined,
): Verdict | undefined {
  if (!root) return undefined;
  const verdict = verdictFor(ACCOUNT_RESOURCE_TYPE, accountId);
  return root.mfaActive
    ? verdict("COMPLIANT", "The root user has an MFA device.")
    : verdict("NON_COMPLIANT", "The root user has no MFA device.");
}

/** A virtual MFA device, as `aws iam list-virtual-mfa-devices` lists it. */
export interface VirtualMfaDevice {
  serialNumber: string;
  /** The ARN of the user (or root) it is assigned to; absent when unassigned. */
  userArn?: string;
}

export function evaluateRootHardwareMfa(
  accountId: string,
  root: RootCredentials | undefined,
  virtualDevices: readonly VirtualMfaDevice[] | undefined,
): Verdict | undefined {
  if (!root || !virtualDevices) return undefined;
  const verdict = verdictFor(ACCOUNT_RESOURCE_TYPE, accountId);
  if (!root.mfaActive) return verdict("NON_COMPLIANT", "The root user has no MFA device.");
  const virtual = virtualDevices.find((device) => device.userArn === root.arn);
  return virtual
    ? verdict(
        "NON_COMPLIANT",
        `The root user's MFA device is virtual (${virtual.serialNumber}), not hardware.`,
      )
    : verdict("COMPLIANT", "The root user's MFA device is a hardware device.");
}

export function evaluateConsoleMfa(
  user: { userId: string; userName: string },
  row: CredentialReportRow | undefined,
): Verdict | undefined {
  if (!row) return undefined;
  const verdict = verdictFor(RESOURCE_TYPES.iamUser, user.userId);
  if (!row.passwordEnabled) {
    return verdict("NOT_APPLICABLE", `${user.userName} has no console password.`);
  }
  return row.mfaActive
    ? verdict("COMPLIANT", `${user.userName} signs in to the console with MFA.`)
    : verdict("NON_COMPLIANT", `${user.userName} has a console password and no MFA device.`);
}

/** IAM's account password policy, as `aws iam get-account-password-policy` gives it. */
export interface PasswordPolicy {
  minimumPasswordLength?: number;
  requireUppercaseCharacters?: boolean;
  requireLowercaseCharacters?: boolean;
  requireSymbols?: boolean;
  requireNumbers?: boolean;
  passwordReusePrevention?: number;
  /** Days; absent when passwords never expire. */
  maxPasswordAge?: number;
}

/** The managed rule's parameters, under AWS's names. */
export interface PasswordPolicyParameters {
  MinimumPasswordLength: number;
  PasswordReusePrevention: number;
  MaxPasswordAge: number;
  RequireUppercaseCharacters: boolean;
  RequireLowercaseCharacters: boolean;
  RequireSymbols: boolean;
  RequireNumbers: boolean;
}

/** What `passwordRequiredCharacters` names, in the order of the managed rule's parameters. */
export const PASSWORD_CHARACTER_CLASSES = ["uppercase", "lowercase", "symbols", "numbers"] as const;

const CHARACTER_CLASSES = [
  ["RequireUppercaseCharacters", "requireUppercaseCharacters", "uppercase letters"],
  ["RequireLowercaseCharacters", "requireLowercaseCharacters", "lowercase letters"],
  ["RequireSymbols", "requireSymbols", "symbols"],
  ["RequireNumbers", "requireNumbers", "numbers"],
] as const;

/** `null`: the account has no password policy (IAM's default applies). */
export function evaluatePasswordPolicy(
  accountId: string,
  policy: PasswordPolicy | null | undefined,
  parameters: PasswordPolicyParameters,
): Verdict | undefined {
  if (policy === undefined) return undefined;
  const verdict = verdictFor(ACCOUNT_RESOURCE_TYPE, accountId);
  if (policy === null) {
    return verdict("NON_COMPLIANT", "The account has no password policy (IAM's default).");
  }
  const gaps: string[] = [];
  const length = policy.minimumPasswordLength ?? 0;
  if (length < parameters.MinimumPasswordLength) {
    gaps.push(`minimum length ${length}, not ${parameters.MinimumPasswordLength}`);
  }
  const reuse = policy.passwordReusePrevention ?? 0;
  if (reuse < parameters.PasswordReusePrevention) {
    gaps.push(`remembers ${reuse} passwords, not ${parameters.PasswordReusePrevention}`);
  }
  if (policy.maxPasswordAge === undefined) {
    gaps.push(`passwords never expire (limit ${parameters.MaxPasswordAge} days)`);
  } else if (policy.maxPasswordAge > parameters.MaxPasswordAge) {
    gaps.push(
      `passwords expire after ${policy.maxPasswordAge} days, not ${parameters.MaxPasswordAge}`,
    );
  }
  for (const [parameter, field, what] of CHARACTER_CLASSES) {
    if (parameters[parameter] && policy[field] !== true) gaps.push(`${what} not required`);
  }
  return gaps.length > 0
    ? verdict("NON_COMPLIANT", `The password policy is too weak: ${gaps.join("; ")}.`)
    : verdict("COMPLIANT", "The password policy meets every requirement.");
}

export function evaluateUserNoPolicies(user: {
  userId: string;
  userName: string;
  attachedPolicyArns: readonly string[];
  inlinePolicyNames: readonly string[];
}): Verdict {
  const verdict = verdictFor(RESOURCE_TYPES.iamUser, user.userId);
  const direct = [
    ...user.attachedPolicyArns.map((arn) => arn.split("/").pop() ?? arn),
    ...user.inlinePolicyNames.map((name) => `${name} (inline)`),
  ];
  return direct.length > 0
    ? verdict(
        "NON_COMPLIANT",
        `${user.userName} has policies of its own: ${direct.join(", ")}; grant them through a group.`,
      )
    : verdict("COMPLIANT", `${user.userName} has permissions only through groups.`);
}

/** One entry of a network ACL, as its configuration item lists it (EC2's NetworkAclEntry). */
export interface NetworkAclEntry {
  ruleNumber?: number;
  egress: boolean;
  ruleAction: string;
  /** `-1` (all), `6` (TCP), `17` (UDP), ... */
  protocol: string;
  portRange?: PortRange;
  cidrBlock?: string;
  ipv6CidrBlock?: string;
}

const ADMIN_PORTS: readonly PortRange[] = [
  { from: 22, to: 22 },
  { from: 3389, to: 3389 },
];

export function evaluateNetworkAcl(acl: {
  networkAclId: string;
  entries: readonly NetworkAclEntry[];
}): Verdict {
  const verdict = verdictFor(RESOURCE_TYPES.networkAcl, acl.networkAclId);
  const open = acl.entries.flatMap((entry) => {
    if (entry.egress || entry.ruleAction.toLowerCase() !== "allow") return [];
    const source = [entry.cidrBlock, entry.ipv6CidrBlock].find(
      (cidr) => cidr !== undefined && PUBLIC_CIDRS.includes(cidr.trim()),
    );
    if (!source) return [];
    // TCP, UDP or all traffic: the protocols that carry ports.
    const protocol = portProtocol(entry.protocol);
    if (!protocol) return [];
    const all = protocol === "all";
    const ports = all || !entry.portRange ? { from: 0, to: 65535 } : entry.portRange;
    const hits = ADMIN_PORTS.filter((port) => intersectPortRanges(ports, port) !== undefined);
    return hits.map(
      (port) =>
        `entry ${entry.ruleNumber ?? "?"} allows ${port.from} from ${source}${all ? " (all traffic)" : ""}`,
    );
  });
  return open.length > 0
    ? verdict("NON_COMPLIANT", `SSH or RDP open to the internet: ${open.join("; ")}.`)
    : verdict("COMPLIANT", "No inbound entry allows SSH or RDP from the internet.");
}

export function evaluateImdsv2(instance: {
  instanceId: string;
  state?: string;
  httpTokens?: string;
}): Verdict {
  const verdict = verdictFor(RESOURCE_TYPES.instance, instance.instanceId);
  if (instance.state === "terminated" || instance.state === "shutting-down") {
    return verdict("NOT_APPLICABLE", `The instance is ${instance.state}.`);
  }
  return instance.httpTokens === "required"
    ? verdict("COMPLIANT", "The instance requires IMDSv2 session tokens.")
    : verdict(
        "NON_COMPLIANT",
        `The instance metadata service accepts IMDSv1 (httpTokens ${instance.httpTokens ?? "not set"}).`,
      );
}

/** An IAM Access Analyzer of the region, as `aws accessanalyzer list-analyzers` lists it. */
export interface AccessAnalyzer {
  name: string;
  type: string;
  status: string;
}

/** The analyzer types that look for external access (the others find unused access). */
const EXTERNAL_ACCESS_TYPES = ["ACCOUNT", "ORGANIZATION"];

export function evaluateExternalAccessAnalyzer(
  accountId: string,
  analyzers: readonly AccessAnalyzer[] | undefined,
): Verdict | undefined {
  if (!analyzers) return undefined;
  const verdict = verdictFor(ACCOUNT_RESOURCE_TYPE, accountId);
  const active = analyzers.find(
    (analyzer) => EXTERNAL_ACCESS_TYPES.includes(analyzer.type) && analyzer.status === "ACTIVE",
  );
  return active
    ? verdict("COMPLIANT", `IAM Access Analyzer ${active.name} (${active.type}) is active.`)
    : verdict(
        "NON_COMPLIANT",
        "No IAM Access Analyzer for external access is active in the region.",
      );
}

/** From `aws accessanalyzer list-analyzers`: `{"analyzers": [...]}`. */
export function accessAnalyzersFromCli(document: unknown): AccessAnalyzer[] {
  const root = readObject(document, "document");
  return readList(root.analyzers, "analyzers").map((item, index) => {
    const analyzer = readObject(item, `analyzers[${index}]`);
    const field = (name: string) => readText(analyzer[name], `analyzers[${index}].${name}`);
    return { name: field("name"), type: field("type"), status: field("status") };
  });
}

/** Who holds a policy, as `aws iam list-entities-for-policy` lists them, by name. */
export interface PolicyEntities {
  roles: readonly string[];
  users: readonly string[];
  groups: readonly string[];
}

/** The managed rule's parameters, under AWS's names. */
export interface PolicyInUseParameters {
  policyARN: string;
  policyUsageType: "ANY" | "IAM_USER" | "IAM_GROUP" | "IAM_ROLE";
}

/**
 * The policy is in use when attached to a role, a user, or a group that has a member. The
 * resource is the policy (AWS::IAM::Policy); offline it is named by its ARN.
 */
export function evaluatePolicyInUse(
  parameters: PolicyInUseParameters,
  entities: PolicyEntities | undefined,
  groupHasMembers: (group: string) => boolean,
): Verdict | undefined {
  if (!entities) return undefined;
  const verdict = verdictFor(RESOURCE_TYPES.iamPolicy, parameters.policyARN);
  const name = parameters.policyARN.split("/").pop() ?? parameters.policyARN;
  const type = parameters.policyUsageType;
  const holders = [
    ...(type === "ANY" || type === "IAM_ROLE" ? entities.roles.map((role) => `role ${role}`) : []),
    ...(type === "ANY" || type === "IAM_USER" ? entities.users.map((user) => `user ${user}`) : []),
    ...(type === "ANY" || type === "IAM_GROUP"
      ? entities.groups.filter(groupHasMembers).map((group) => `group ${group}`)
      : []),
  ];
  return holders.length > 0
    ? verdict("COMPLIANT", `${name} is attached to ${holders.join(", ")}.`)
    : verdict(
        "NON_COMPLIANT",
        `${name} is attached to no role, user or group with members: nobody can manage incidents with AWS Support.`,
      );
}

/** From `aws iam list-entities-for-policy`: `{"PolicyGroups": [...], "PolicyUsers": [...], "PolicyRoles": [...]}`. */
export function policyEntitiesFromCli(document: unknown): PolicyEntities {
  const root = readObject(document, "document");
  const names = (list: string, field: string) =>
    readList(root[list] ?? [], list).map((item, index) =>
      readText(readObject(item, `${list}[${index}]`)[field], `${list}[${index}].${field}`),
    );
  return {
    roles: names("PolicyRoles", "RoleName"),
    users: names("PolicyUsers", "UserName"),
    groups: names("PolicyGroups", "GroupName"),
  };
}

/** A customer managed policy and the document of its default version. */
export interface CustomerManagedPolicy {
  /** AWS Config's resource id of an AWS::IAM::Policy (`ANPA...`). */
  policyId: string;
  policyName: string;
  document: Readonly<Record<string, unknown>>;
}

/** A policy element that is one string or a list of them, as a list. */
function elementValues(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

export function evaluateAdminAccessPolicy(policy: CustomerManagedPolicy): Verdict {
  const verdict = verdictFor(RESOURCE_TYPES.iamPolicy, policy.policyId);
  const statements = elementValues(policy.document.Statement);
  const admin = statements.findIndex((item) => {
    if (typeof item !== "object" || item === null) return false;
    const statement = item as Record<string, unknown>;
    return (
      statement.Effect === "Allow" &&
      elementValues(statement.Action).includes("*") &&
      elementValues(statement.Resource).includes("*")
    );
  });
  if (admin < 0) {
    return verdict("COMPLIANT", `${policy.policyName} allows no "*" action on "*" resources.`);
  }
  const sid = (statements[admin] as Record<string, unknown>).Sid;
  const which =
    typeof sid === "string" && sid !== "" ? `statement ${sid}` : `statement ${admin + 1}`;
  return verdict(
    "NON_COMPLIANT",
    `${policy.policyName} grants full administrator access: ${which} allows "*" on "*".`,
  );
}

// Adapters: the evaluators' input from the AWS CLI's and AWS Config's own shapes. Each throws
// an UnreadableInput naming the field of the wrong type.

/** From a configuration item's `configuration` of an AWS::EC2::NetworkAcl. */
export function networkAclFromConfiguration(
  resourceId: string,
  configuration: unknown,
): { networkAclId: string; entries: NetworkAclEntry[] } {
  const acl = readObject(configuration, "configuration");
  return {
    networkAclId: resourceId,
    entries: readList(acl.entries, "configuration.entries").map((item, index) => {
      const path = `configuration.entries[${index}]`;
      const entry = readObject(item, path);
      const range =
        entry.portRange === undefined || entry.portRange === null
          ? undefined
          : readObject(entry.portRange, `${path}.portRange`);
      const from = range && readPort(range.from, `${path}.portRange.from`);
      const to = range && readPort(range.to, `${path}.portRange.to`);
      return {
        ruleNumber: readOptionalWholeNumber(entry.ruleNumber, `${path}.ruleNumber`),
        egress: readOptionalBoolean(entry.egress, `${path}.egress`) ?? false,
        ruleAction: readText(entry.ruleAction, `${path}.ruleAction`),
        protocol: readText(entry.protocol, `${path}.protocol`),
        ...(from !== undefined && to !== undefined ? { portRange: { from, to } } : {}),
        ...optionalText("cidrBlock", entry.cidrBlock, `${path}.cidrBlock`),
        ...optionalText("ipv6CidrBlock", entry.ipv6CidrBlock, `${path}.ipv6CidrBlock`),
      };
    }),
  };
}

function optionalText<Key extends string>(
  key: Key,
  value: unknown,
  path: string,
): Partial<Record<Key, string>> {
  const text = readOptionalText(value, path);
  return text === undefined ? {} : ({ [key]: text } as Partial<Record<Key, string>>);
}

/**
 * From `aws iam get-account-password-policy`: `{"PasswordPolicy": {...}}`; `{}` stands for an
 * account without one (the CLI then fails with NoSuchEntity, and the snapshot saves `{}`).
 */
export function passwordPolicyFromCli(document: unknown): PasswordPolicy | null {
  const root = readObject(document, "document");
  if (root.PasswordPolicy === undefined) return null;
  const policy = readObject(root.PasswordPolicy, "PasswordPolicy");
  const number = (field: string) =>
    readOptionalWholeNumber(policy[field], `PasswordPolicy.${field}`);
  const flag = (field: string) => readOptionalBoolean(policy[field], `PasswordPolicy.${field}`);
  const read: PasswordPolicy = {
    minimumPasswordLength: number("MinimumPasswordLength"),
    requireUppercaseCharacters: flag("RequireUppercaseCharacters"),
    requireLowercaseCharacters: flag("RequireLowercaseCharacters"),
    requireSymbols: flag("RequireSymbols"),
    requireNumbers: flag("RequireNumbers"),
    passwordReusePrevention: number("PasswordReusePrevention"),
    // MaxPasswordAge is absent, or ExpirePasswords false, when passwords never expire.
    maxPasswordAge: flag("ExpirePasswords") === false ? undefined : number("MaxPasswordAge"),
  };
  return Object.fromEntries(Object.entries(read).filter(([, value]) => value !== undefined));
}

/** From `aws iam list-virtual-mfa-devices`: `{"VirtualMFADevices": [...]}`, one page or a list of pages. */
export function virtualMfaDevicesFromCli(document: unknown): VirtualMfaDevice[] {
  return listedOnPages(document, "VirtualMFADevices", (item, path) => {
    const device = readObject(item, path);
    const user =
      device.User === undefined || device.User === null
        ? undefined
        : readObject(device.User, `${path}.User`);
    return {
      serialNumber: readText(device.SerialNumber, `${path}.SerialNumber`),
      ...optionalText("userArn", user?.Arn, `${path}.User.Arn`),
    };
  });
}

/**
 * From `aws iam get-account-authorization-details --filter LocalManagedPolicy`: each policy's
 * default version. The CLI decodes the documents; the API's URL-encoded JSON text is read too.
 */
export function customerManagedPoliciesFromCli(document: unknown): CustomerManagedPolicy[] {
  return listedOnPages(document, "Policies", (item, path) => {
    const policy = readObject(item, path);
    const versions = readList(policy.PolicyVersionList, `${path}.PolicyVersionList`);
    const defaultVersion = versions.findIndex(
      (version) => readObject(version, `${path}.PolicyVersionList`).IsDefaultVersion === true,
    );
    if (defaultVersion < 0) {
      throw unreadable(`${path}.PolicyVersionList`, "no version with IsDefaultVersion true");
    }
    const versionPath = `${path}.PolicyVersionList[${defaultVersion}].Document`;
    const text = (versions[defaultVersion] as Record<string, unknown>).Document;
    return {
      policyId: readText(policy.PolicyId, `${path}.PolicyId`),
      policyName: readText(policy.PolicyName, `${path}.PolicyName`),
      document: readObject(
        typeof text === "string" ? policyDocumentFromText(text, versionPath) : text,
        versionPath,
      ),
    };
  });
}

/**
 * The items of `field` on one page of a CLI listing, or on each of a list of pages (several
 * calls saved together), each read with its path for messages.
 */
function listedOnPages<T>(
  document: unknown,
  field: string,
  read: (item: unknown, path: string) => T,
): T[] {
  return elementValues(document).flatMap((page, pageIndex) => {
    const where = Array.isArray(document) ? `[${pageIndex}].` : "";
    const root = readObject(page, `${where}document`);
    return readList(root[field], `${where}${field}`).map((item, index) =>
      read(item, `${where}${field}[${index}]`),
    );
  });
}

function policyDocumentFromText(text: string, path: string): unknown {
  try {
    return JSON.parse(text.trimStart().startsWith("{") ? text : decodeURIComponent(text));
  } catch {
    throw unreadable(path, "neither a JSON policy document nor URL-encoded JSON");
  }
}
