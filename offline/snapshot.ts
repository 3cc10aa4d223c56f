/**
 * A snapshot of an account: a folder of unmodified AWS CLI outputs, so a team can export its own
 * account and see what the rules would flag before deploying anything.
 *
 *   config-items.json           aws configservice select-resource-config --expression "..."
 *   credential-report.json      aws iam get-credential-report
 *   authorization-details.json  aws iam get-account-authorization-details --filter User Group
 *
 * Every file is read and checked, entry by entry, with the readers the Lambdas use, before
 * anything is evaluated or printed: each problem names the file, the entry and the expected
 * shape, and all of them are reported together.
 */
import * as fs from "fs";
import * as path from "path";
import type { SecurityGroupRule } from "../functions/remediation/exposed-ports/plan";
import type {
  AccountView,
  IamUserState,
  InstanceState,
  NetworkAclState,
  SecurityGroupState,
} from "../functions/rules/account";
import type { SecurityGroupIngress } from "../functions/rules/exposed-ports/evaluate";
import {
  indexCredentialReport,
  parseCredentialReportWithRoot,
} from "../functions/rules/credential-report";
import {
  instanceFromConfiguration,
  securityGroupFromConfiguration,
} from "../functions/rules/exposed-ports/evaluate";
import {
  accessAnalyzersFromCli,
  customerManagedPoliciesFromCli,
  networkAclFromConfiguration,
  passwordPolicyFromCli,
  policyEntitiesFromCli,
  virtualMfaDevicesFromCli,
} from "../functions/rules/managed/cis-evaluate";
import {
  isObject,
  isUnreadable,
  readDate,
  readList,
  readObject,
  readOptionalText,
  readText,
  unreadable,
} from "../functions/rules/unreadable";
import { RESOURCE_TYPES } from "../functions/rules/verdict";

export const SNAPSHOT_FILES = {
  configItems: {
    file: "config-items.json",
    expected:
      'the output of `aws configservice select-resource-config --expression "SELECT resourceId, resourceName, resourceType, configuration, configurationItemCaptureTime, configurationItemStatus, awsRegion, tags WHERE resourceType IN (...)"`: {"Results": ["<JSON text>", ...]}, one page or a list of pages',
  },
  credentialReport: {
    file: "credential-report.json",
    expected:
      'the output of `aws iam get-credential-report`: {"Content": "<base64 CSV>", "GeneratedTime": ...}',
  },
  authorizationDetails: {
    file: "authorization-details.json",
    expected:
      'the output of `aws iam get-account-authorization-details --filter User Group`: {"UserDetailList": [...], "GroupDetailList": [...]}, one page or a list of pages',
  },
} as const;

/** Read when present; without it, the rules it feeds judge nothing (and a note says so). */
export const OPTIONAL_SNAPSHOT_FILES = {
  passwordPolicy: {
    file: "password-policy.json",
    expected:
      'the output of `aws iam get-account-password-policy`: {"PasswordPolicy": {...}}, or {} when the account has none (the CLI says NoSuchEntity)',
    without: "the password policy is not judged",
  },
  virtualMfaDevices: {
    file: "virtual-mfa-devices.json",
    expected:
      'the output of `aws iam list-virtual-mfa-devices`: {"VirtualMFADevices": [...]}, one page or a list of pages',
    without: "whether the root user's MFA device is hardware is not judged",
  },
  accessAnalyzers: {
    file: "access-analyzers.json",
    expected:
      'the output of `aws accessanalyzer list-analyzers` in the snapshot\'s region: {"analyzers": [...]}',
    without: "IAM Access Analyzer is not judged",
  },
  supportAccessEntities: {
    file: "support-access-entities.json",
    expected:
      'the output of `aws iam list-entities-for-policy --policy-arn arn:aws:iam::aws:policy/AWSSupportAccess`: {"PolicyGroups": [...], "PolicyUsers": [...], "PolicyRoles": [...]}',
    without: "whether a support role exists is not judged",
  },
  customerManagedPolicies: {
    file: "local-managed-policies.json",
    expected:
      'the output of `aws iam get-account-authorization-details --filter LocalManagedPolicy`: {"Policies": [...]}, one page or a list of pages',
    without: "customer managed policies are not judged",
  },
} as const;

export interface Snapshot {
  dir: string;
  /** When IAM generated the credential report: the snapshot's "now" for ages. */
  generatedTime: Date;
  account: AccountView;
  /** What was read but left out, for people: duplicates, items AWS Config did not record. */
  notes: string[];
}

export interface SnapshotError extends Error {
  name: "SnapshotError";
  problems: string[];
}

function snapshotError(problems: string[]): SnapshotError {
  return Object.assign(
    new Error(
      problems.length === 1
        ? (problems[0] ?? "")
        : `the snapshot has ${problems.length} problems:\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    ),
    { name: "SnapshotError" as const, problems },
  );
}

export function isSnapshotError(error: unknown): error is SnapshotError {
  return error instanceof Error && error.name === "SnapshotError";
}

type Entry = string | (() => string);

/** Collects problems instead of stopping at the first. */
class Problems {
  readonly list: string[] = [];
  /** `entry` says where in the file; a function when saying it costs and is rarely needed. */
  add(file: string, entry: Entry, problem: string, expected?: string): void {
    const named = typeof entry === "function" ? entry() : entry;
    this.list.push(
      `${file}: ${named ? `${named}: ` : ""}${problem}${expected ? `; expected ${expected}` : ""}`,
    );
  }
  /** The reader's value, or undefined with the problem recorded (an UnreadableInput). */
  read<T>(file: string, entry: Entry, reader: () => T): T | undefined {
    try {
      return reader();
    } catch (error) {
      if (!isUnreadable(error)) throw error;
      this.add(file, entry, error.message);
      return undefined;
    }
  }
}

function readJson(
  dir: string,
  spec: { file: string; expected: string },
  problems: Problems,
): unknown {
  const file = path.join(dir, spec.file);
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    problems.add(
      file,
      "",
      `cannot read it (${(error as NodeJS.ErrnoException).code})`,
      spec.expected,
    );
    return undefined;
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    problems.add(file, "", `not valid JSON (${(error as Error).message})`, spec.expected);
    return undefined;
  }
}

/**
 * An organization's snapshot: a folder of one account's snapshot per sub-folder, each named by
 * its 12-digit account id. The account ids, sorted, or undefined for one account's snapshot.
 */
export function organizationAccounts(dir: string): string[] | undefined {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) return undefined;
  if (fs.existsSync(path.join(dir, SNAPSHOT_FILES.configItems.file))) return undefined;
  const accounts = fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && /^\d{12}$/.test(entry.name))
    .map((entry) => entry.name)
    .sort();
  return accounts.length > 0 ? accounts : undefined;
}

/** Each account's snapshot of an organization's folder, checked to be the account it is named. */
export function readOrganizationSnapshot(dir: string, accounts: readonly string[]): Snapshot[] {
  const problems: string[] = [];
  const snapshots: Snapshot[] = [];
  for (const accountId of accounts) {
    try {
      const snapshot = readSnapshot(path.join(dir, accountId));
      if (snapshot.account.accountId !== accountId) {
        problems.push(
          `${path.join(dir, accountId)}: holds the exports of account ${snapshot.account.accountId}; expected the folder named after its account`,
        );
      }
      snapshots.push(snapshot);
    } catch (error) {
      if (!isSnapshotError(error)) throw error;
      problems.push(...error.problems);
    }
  }
  if (problems.length > 0) throw snapshotError(problems);
  return snapshots;
}

export function readSnapshot(dir: string): Snapshot {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw snapshotError([
      `${dir}: no such folder; expected a folder holding ${Object.values(SNAPSHOT_FILES)
        .map((spec) => spec.file)
        .join(", ")}`,
    ]);
  }
  const problems = new Problems();
  const notes: string[] = [];
  const items = readConfigItems(dir, problems, notes);
  const report = readCredentialReport(dir, problems);
  const details = readAuthorizationDetails(dir, problems, notes);
  const optional = <T>(spec: OptionalSnapshotFile, parse: (document: unknown) => T) =>
    readOptional(dir, spec, parse, problems, notes);
  const passwordPolicy = optional(OPTIONAL_SNAPSHOT_FILES.passwordPolicy, passwordPolicyFromCli);
  const virtualMfaDevices = optional(
    OPTIONAL_SNAPSHOT_FILES.virtualMfaDevices,
    virtualMfaDevicesFromCli,
  );
  const accessAnalyzers = optional(OPTIONAL_SNAPSHOT_FILES.accessAnalyzers, accessAnalyzersFromCli);
  const supportAccessEntities = optional(
    OPTIONAL_SNAPSHOT_FILES.supportAccessEntities,
    policyEntitiesFromCli,
  );
  const customerManagedPolicies = optional(
    OPTIONAL_SNAPSHOT_FILES.customerManagedPolicies,
    (document) =>
      new Map(customerManagedPoliciesFromCli(document).map((policy) => [policy.policyId, policy])),
  );
  if (problems.list.length > 0 || !report || !details) throw snapshotError(problems.list);

  const users = new Map<string, IamUserState>(details.users.map((user) => [user.userId, user]));
  // The account and partition the snapshot was exported from, read from an IAM ARN; with no
  // user there is nothing for the IAM rules to judge, and any account will do.
  const [, partition = "aws", , , accountId = "000000000000"] =
    details.users[0]?.arn.split(":") ?? [];
  return {
    dir,
    generatedTime: report.generatedTime,
    notes,
    account: {
      accountId,
      partition,
      now: report.generatedTime,
      securityGroups: items.securityGroups,
      instances: items.instances,
      networkAcls: items.networkAcls,
      ...(passwordPolicy === undefined ? {} : { passwordPolicy }),
      ...(virtualMfaDevices === undefined ? {} : { virtualMfaDevices }),
      ...(customerManagedPolicies === undefined ? {} : { customerManagedPolicies }),
      ...(supportAccessEntities === undefined ? {} : { supportAccessEntities }),
      ...(accessAnalyzers === undefined ? {} : { accessAnalyzers }),
      users,
      groupPolicies: details.groupPolicies,
      credentialReport: report.report,
    },
  };
}

interface ConfigItems {
  securityGroups: Map<string, SecurityGroupState>;
  instances: Map<string, InstanceState>;
  networkAcls: Map<string, NetworkAclState>;
}

/** One page, or a list of pages (several `--no-paginate` calls saved together). */
function readConfigItems(dir: string, problems: Problems, notes: string[]): ConfigItems {
  const spec = SNAPSHOT_FILES.configItems;
  const file = path.join(dir, spec.file);
  const result: ConfigItems = {
    securityGroups: new Map(),
    instances: new Map(),
    networkAcls: new Map(),
  };
  const document = readJson(dir, spec, problems);
  if (document === undefined) return result;
  const pages = Array.isArray(document) ? document : [document];
  const seen = new Set<string>();
  let duplicates = 0;
  let notRecorded = 0;
  pages.forEach((page, pageIndex) => {
    const results = (page as { Results?: unknown } | null)?.Results;
    const where = pages.length > 1 ? `page ${pageIndex + 1}` : "";
    if (!Array.isArray(results)) {
      problems.add(file, where, 'no "Results" list', spec.expected);
      return;
    }
    // An indexed loop: 100,000 items, read once, by code not yet optimised.
    for (let index = 0; index < results.length; index++) {
      const entry: unknown = results[index];
      // Where the item is, spelled out only for a problem: 100,000 items have none.
      const at = () => `${where ? `${where} ` : ""}Results[${index}]`;
      let value: unknown = entry;
      if (typeof entry === "string") {
        try {
          value = JSON.parse(entry);
        } catch {
          problems.add(file, at, "not JSON text", "each result the JSON text of an item");
          continue;
        }
      }
      const item = problems.read(file, at, () => readObject(value, "item"));
      if (!item) continue;
      const type = problems.read(file, at, () => readText(item.resourceType, "resourceType"));
      const id = problems.read(file, at, () => readText(item.resourceId, "resourceId"));
      if (!type || !id) continue;
      // The same resource on two pages (pages saved twice, or overlapping) is one resource.
      const key = `${type} ${id}`;
      if (seen.has(key)) {
        duplicates++;
        continue;
      }
      seen.add(key);
      const named = () => `${at()} (${id})`;
      const status = problems.read(file, named, () =>
        readOptionalText(item.configurationItemStatus, "configurationItemStatus"),
      );
      const configuration = problems.read(file, named, () => configurationOf(item.configuration));
      if (
        status?.startsWith("ResourceDeleted") ||
        status === "ResourceNotRecorded" ||
        configuration === null
      ) {
        notRecorded++;
        continue;
      }
      if (configuration === undefined) continue;
      if (type === RESOURCE_TYPES.securityGroup) {
        const group = problems.read(file, named, () =>
          securityGroupState(id, configuration, item.tags),
        );
        if (group) result.securityGroups.set(id, group);
      } else if (type === RESOURCE_TYPES.instance) {
        const instance = problems.read(file, named, () => instanceState(id, configuration));
        if (instance) result.instances.set(id, instance);
      } else if (type === RESOURCE_TYPES.networkAcl) {
        const acl = problems.read(file, named, () =>
          networkAclFromConfiguration(id, configuration),
        );
        if (acl) result.networkAcls.set(id, acl);
      }
    }
  });
  if (duplicates > 0) {
    notes.push(`${file}: ${duplicates} item(s) listed more than once, counted once.`);
  }
  if (notRecorded > 0) {
    notes.push(`${file}: ${notRecorded} deleted or unrecorded item(s) left out.`);
  }
  return result;
}

/** `configuration` as an object; the CLI gives it as one, a hand-made export may give JSON text. */
function configurationOf(value: unknown): Record<string, unknown> | null | undefined {
  if (value === null) return null;
  if (typeof value === "string") {
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      return readObject(value, "configuration");
    }
    return parsed === null ? null : readObject(parsed, "configuration");
  }
  if (value === undefined) return readObject(value, "configuration (select it)");
  return readObject(value, "configuration");
}

function instanceState(id: string, configuration: Record<string, unknown>): InstanceState {
  const options =
    configuration.metadataOptions === undefined || configuration.metadataOptions === null
      ? undefined
      : readObject(configuration.metadataOptions, "configuration.metadataOptions");
  const httpTokens = readOptionalText(
    options?.httpTokens,
    "configuration.metadataOptions.httpTokens",
  );
  return {
    ...instanceFromConfiguration(id, configuration),
    ...(httpTokens === undefined ? {} : { httpTokens }),
  };
}

type OptionalSnapshotFile = (typeof OPTIONAL_SNAPSHOT_FILES)[keyof typeof OPTIONAL_SNAPSHOT_FILES];

/** An optional export, parsed; undefined when absent (a note says what goes unjudged) or bad. */
function readOptional<T>(
  dir: string,
  spec: OptionalSnapshotFile,
  parse: (document: unknown) => T,
  problems: Problems,
  notes: string[],
): T | undefined {
  const file = path.join(dir, spec.file);
  if (!fs.existsSync(file)) {
    notes.push(`${file}: not in the snapshot, so ${spec.without}.`);
    return undefined;
  }
  const document = readJson(dir, spec, problems);
  if (document === undefined) return undefined;
  return problems.read(file, "", () => parse(document));
}

function securityGroupState(
  id: string,
  configuration: Record<string, unknown>,
  itemTags: unknown,
): SecurityGroupState {
  const ingress = securityGroupFromConfiguration(id, configuration);
  // The item's own tags when the query selected them, else those EC2 describes in the
  // configuration.
  const tags =
    itemTags !== undefined
      ? readTags(itemTags, "tags")
      : configuration.tags !== undefined
        ? readTags(configuration.tags, "configuration.tags")
        : undefined;
  return {
    ingress,
    groupName: readOptionalText(configuration.groupName, "configuration.groupName"),
    egressRuleCount: readList(
      configuration.ipPermissionsEgress,
      "configuration.ipPermissionsEgress",
    ).length,
    ...(tags === undefined ? {} : { tags }),
    rules: () => rulesOf(ingress),
  };
}

/**
 * Tags as a list of `{key, value}` (select-resource-config, and EC2 in a configuration) or as an
 * object of values by key (GetResourceConfigHistory's items). A value may be empty.
 */
function readTags(value: unknown, path: string): Map<string, string> {
  const tags = new Map<string, string>();
  const add = (key: string, text: unknown, at: string) => {
    if (text !== undefined && text !== null && typeof text !== "string") {
      throw unreadable(at, `${JSON.stringify(text)} is not text`);
    }
    tags.set(key, text ?? "");
  };
  if (isObject(value)) {
    for (const key of Object.keys(value)) add(key, value[key], `${path}.${key}`);
    return tags;
  }
  readList(value, path).forEach((entry, index) => {
    const at = `${path}[${index}]`;
    const tag = readObject(entry, at);
    add(readText(tag.key, `${at}.key`), tag.value, `${at}.value`);
  });
  return tags;
}

/** EC2's rule model of a group, as DescribeSecurityGroupRules lists it: one rule per CIDR. */
function rulesOf({ groupId, ingress }: SecurityGroupIngress): SecurityGroupRule[] {
  // Plain loops, no intermediate lists: made anew for each group a plan reads.
  const rules: SecurityGroupRule[] = [];
  ingress.forEach((permission, index) => {
    const { ipv4Cidrs, ipv6Cidrs } = permission;
    const count = ipv4Cidrs.length + ipv6Cidrs.length;
    for (let position = 0; position < count; position++) {
      const rule: SecurityGroupRule = {
        SecurityGroupRuleId: `${groupId}#${index}.${position}`,
        GroupId: groupId,
        IsEgress: false,
        IpProtocol: permission.protocol,
        FromPort: permission.fromPort ?? undefined,
        ToPort: permission.toPort ?? undefined,
      };
      if (position < ipv4Cidrs.length) rule.CidrIpv4 = ipv4Cidrs[position];
      else rule.CidrIpv6 = ipv6Cidrs[position - ipv4Cidrs.length];
      rules.push(rule);
    }
  });
  return rules;
}

function readCredentialReport(dir: string, problems: Problems) {
  const spec = SNAPSHOT_FILES.credentialReport;
  const file = path.join(dir, spec.file);
  const document = readJson(dir, spec, problems) as
    { Content?: unknown; GeneratedTime?: unknown } | undefined;
  if (document === undefined) return undefined;
  if (typeof document?.Content !== "string") {
    problems.add(file, "", 'no "Content"', spec.expected);
    return undefined;
  }
  const generatedTime = problems.read(file, "", () =>
    readDate(document.GeneratedTime, "GeneratedTime"),
  );
  const csv = Buffer.from(document.Content, "base64").toString("utf8");
  const parsed = problems.read(file, "Content", () => parseCredentialReportWithRoot(csv));
  if (!generatedTime || !parsed) return undefined;
  return { generatedTime, report: indexCredentialReport(parsed.rows, generatedTime, parsed.root) };
}

function readAuthorizationDetails(dir: string, problems: Problems, notes: string[]) {
  const spec = SNAPSHOT_FILES.authorizationDetails;
  const file = path.join(dir, spec.file);
  const document = readJson(dir, spec, problems);
  if (document === undefined) return undefined;
  const pages = Array.isArray(document) ? document : [document];
  const users: IamUserState[] = [];
  const groupPolicies = new Map<string, string[]>();
  const seen = new Set<string>();
  let duplicates = 0;
  pages.forEach((page, pageIndex) => {
    const where = pages.length > 1 ? `page ${pageIndex + 1} ` : "";
    const list = (page as { UserDetailList?: unknown } | null)?.UserDetailList;
    if (!Array.isArray(list)) {
      problems.add(file, where.trim(), 'no "UserDetailList"', spec.expected);
      return;
    }
    list.forEach((entry: unknown, index) => {
      const user = problems.read(file, `${where}UserDetailList[${index}]`, () => readUser(entry));
      if (!user) return;
      if (seen.has(user.userId)) duplicates++;
      else {
        seen.add(user.userId);
        users.push(user);
      }
    });
    const groups = (page as { GroupDetailList?: unknown }).GroupDetailList;
    problems.read(file, `${where}GroupDetailList`, () =>
      readList(groups, "GroupDetailList").forEach((entry, index) => {
        const at = `GroupDetailList[${index}]`;
        const group = readObject(entry, at);
        const name = readText(group.GroupName, `${at}.GroupName`);
        groupPolicies.set(name, policyArns(group.AttachedManagedPolicies, at));
      }),
    );
  });
  if (duplicates > 0) {
    notes.push(`${file}: ${duplicates} user(s) listed more than once, counted once.`);
  }
  return { users, groupPolicies };
}

function readUser(entry: unknown): IamUserState {
  const user = readObject(entry, "user");
  return {
    userId: readText(user.UserId, "UserId"),
    userName: readText(user.UserName, "UserName"),
    arn: readText(user.Arn, "Arn"),
    createDate: user.CreateDate === undefined ? undefined : readDate(user.CreateDate, "CreateDate"),
    groupNames: readList(user.GroupList, "GroupList").map((group, index) =>
      readText(group, `GroupList[${index}]`),
    ),
    attachedPolicyArns: policyArns(user.AttachedManagedPolicies, "user"),
    inlinePolicyNames: readList(user.UserPolicyList, "UserPolicyList").map((policy, index) =>
      readText(
        readObject(policy, `UserPolicyList[${index}]`).PolicyName,
        `UserPolicyList[${index}].PolicyName`,
      ),
    ),
  };
}

function policyArns(value: unknown, at: string): string[] {
  return readList(value, `${at}.AttachedManagedPolicies`).map((policy, index) => {
    const where = `${at}.AttachedManagedPolicies[${index}]`;
    return readText(readObject(policy, where).PolicyArn, `${where}.PolicyArn`);
  });
}
