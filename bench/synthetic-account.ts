/**
 * A synthetic AWS account of N IAM users and N security groups, and the answers its APIs give:
 * the outputs the SDK would hand back after deserializing IAM's, Config's and EC2's responses.
 * Every user and group is of a known kind, so the verdicts the rules should reach are known
 * without asking the evaluators (the benchmark's test checks the handlers against them).
 *
 * Answers are built on each call, as the SDK builds fresh objects from each response: what a
 * handler holds on to is its own memory, not the account's.
 */
import type { Compliance } from "../functions/rules/verdict";

export const ACCOUNT_ID = "123456789012";
/** The clock of every run, so that ages and verdicts do not depend on the day of the run. */
export const NOW = new Date("2026-06-01T12:00:00Z");
export const MAX_INACTIVE_DAYS = 90;
export const MFA_POLICY_ARN = `arn:aws:iam::${ACCOUNT_ID}:policy/require-mfa`;
const OTHER_POLICY_ARN = `arn:aws:iam::${ACCOUNT_ID}:policy/developers`;
/** The seed's example parameters, in both forms: the same forbidden ports for both algorithms. */
export const FORBIDDEN_PORTS = "8080,1-1024,2375";
export const SEED_FORBIDDEN_PORTS = {
  examplePort1: "8080",
  exampleRange1: "1-1024",
  examplePort2: "2375",
};
export const GROUP_COUNT = 20;
/** Few names: a rule's parameters are at most 1,024 characters. */
export const EXEMPT_COUNT = 5;

const DAY_MS = 24 * 60 * 60 * 1000;
const daysAgo = (days: number) => new Date(NOW.getTime() - days * DAY_MS);
/** IAM generated the report an hour ago; users created since are not in it. */
export const REPORT_GENERATED = new Date(NOW.getTime() - 60 * 60 * 1000);

/**
 * How a user used its credentials. The `seed` column is what the seed's iam-inactive-user
 * (PasswordLastUsed only, no exemptions) concludes, for the comparison of verdicts.
 */
const USER_KINDS = {
  "active password": { created: 800, password: 5, inactive: "COMPLIANT", seed: "COMPLIANT" },
  "active access key": { created: 600, key1: 12, inactive: "COMPLIANT", seed: "COMPLIANT" },
  "idle password": {
    created: 700,
    password: 200,
    inactive: "NON_COMPLIANT",
    seed: "NON_COMPLIANT",
  },
  "idle access key": { created: 500, key2: 150, inactive: "NON_COMPLIANT", seed: "COMPLIANT" },
  "never used, old": { created: 400, inactive: "NON_COMPLIANT", seed: "COMPLIANT" },
  "never used, new": { created: 10, inactive: "COMPLIANT", seed: "COMPLIANT" },
  "newer than the report": { created: 1 / 48, inactive: "COMPLIANT", seed: "COMPLIANT" },
  "idle password, active key": {
    created: 900,
    password: 300,
    key1: 1,
    inactive: "COMPLIANT",
    seed: "NON_COMPLIANT",
  },
} satisfies Record<
  string,
  {
    created: number;
    password?: number;
    key1?: number;
    key2?: number;
    inactive: Compliance;
    seed: Compliance;
  }
>;
export type UserKind = keyof typeof USER_KINDS;
const USER_CYCLE: UserKind[] = [
  "active password",
  "active password",
  "active access key",
  "active access key",
  "idle password",
  "idle access key",
  "never used, old",
  "never used, new",
  "newer than the report",
  "idle password, active key",
];

/** Where the MFA policy is, for mfa-policy-attached. */
export type MfaKind = "attached" | "through a group" | "group without it" | "nowhere";
const MFA_CYCLE: MfaKind[] = ["attached", "through a group", "group without it", "nowhere"];

export interface SyntheticUser {
  index: number;
  userName: string;
  userId: string;
  arn: string;
  created: Date;
  kind: UserKind;
  mfa: MfaKind;
  exempt: boolean;
  passwordLastUsed?: Date;
  key1LastUsed?: Date;
  key2LastUsed?: Date;
  groups: string[];
  policies: string[];
  /** The verdicts the rules should reach. */
  expected: { inactive: Compliance; mfa: Compliance; seedInactive: Compliance };
}

/** What a security group opens to whom. */
const GROUP_KINDS = {
  compliant: {
    permissions: [tcp(8443, 8443, ["0.0.0.0/0"]), tcp(22, 22, ["10.0.0.0/8"])],
  },
  "ssh open": { permissions: [tcp(22, 22, ["0.0.0.0/0"])] },
  "all TCP ports open": { permissions: [tcp(0, 65535, ["0.0.0.0/0"])] },
  "ssh open over IPv6": { permissions: [tcp(22, 22, [], ["::/0"])] },
  "protocol -1 open": {
    permissions: [{ IpProtocol: "-1", IpRanges: [{ CidrIp: "0.0.0.0/0" }], Ipv6Ranges: [] }],
  },
  "ICMP open": {
    permissions: [
      { IpProtocol: "icmp", FromPort: -1, ToPort: -1, IpRanges: [{ CidrIp: "0.0.0.0/0" }] },
    ],
  },
  "high ports open": { permissions: [tcp(10000, 65535, ["0.0.0.0/0"])] },
  "private only": {
    permissions: [
      tcp(1, 1024, ["192.168.0.0/16"]),
      { IpProtocol: "udp", FromPort: 53, ToPort: 53, IpRanges: [{ CidrIp: "10.0.0.0/8" }] },
    ],
  },
} satisfies Record<string, { permissions: ApiIpPermission[] }>;
export type GroupKind = keyof typeof GROUP_KINDS;
/**
 * The verdicts against FORBIDDEN_PORTS. `seed` is what the seed's find_violation concludes: it
 * reads IpRanges only (IPv6 is not looked at), and a protocol -1 permission, which has no
 * FromPort, raises a KeyError.
 */
const GROUP_VERDICTS: Record<GroupKind, { ours: Compliance; seed: Compliance | "KeyError" }> = {
  compliant: { ours: "COMPLIANT", seed: "COMPLIANT" },
  "ssh open": { ours: "NON_COMPLIANT", seed: "NON_COMPLIANT" },
  "all TCP ports open": { ours: "NON_COMPLIANT", seed: "NON_COMPLIANT" },
  "ssh open over IPv6": { ours: "NON_COMPLIANT", seed: "COMPLIANT" },
  "protocol -1 open": { ours: "NON_COMPLIANT", seed: "KeyError" },
  "ICMP open": { ours: "COMPLIANT", seed: "COMPLIANT" },
  "high ports open": { ours: "COMPLIANT", seed: "COMPLIANT" },
  "private only": { ours: "COMPLIANT", seed: "COMPLIANT" },
};
export const GROUP_KIND_NAMES = Object.keys(GROUP_KINDS) as GroupKind[];

/** An ingress permission in the EC2 API's shape (as DescribeSecurityGroups and boto3 give it). */
export interface ApiIpPermission {
  IpProtocol: string;
  FromPort?: number;
  ToPort?: number;
  IpRanges?: Array<{ CidrIp: string }>;
  Ipv6Ranges?: Array<{ CidrIpv6: string }>;
}

function tcp(from: number, to: number, ipv4: string[], ipv6: string[] = []): ApiIpPermission {
  return {
    IpProtocol: "tcp",
    FromPort: from,
    ToPort: to,
    IpRanges: ipv4.map((CidrIp) => ({ CidrIp })),
    Ipv6Ranges: ipv6.map((CidrIpv6) => ({ CidrIpv6 })),
  };
}

export interface SyntheticSecurityGroup {
  groupId: string;
  kind: GroupKind;
  expected: { ours: Compliance; seed: Compliance | "KeyError" };
}

export interface SyntheticInstance {
  instanceId: string;
  groupIds: string[];
}

export interface SyntheticAccount {
  n: number;
  users: SyntheticUser[];
  /** Group name to its managed policies; even-numbered groups carry the MFA policy. */
  groups: Map<string, string[]>;
  exemptUsers: string[];
  securityGroups: SyntheticSecurityGroup[];
  /** N instances in 1, 2 or 3 of the security groups (2 on average). */
  instances: SyntheticInstance[];
}

const pad = (index: number, width: number) => String(index).padStart(width, "0");

/** `users` only: N users and no security groups or instances (the cost runs at 100,000). */
export function syntheticAccount(n: number, only?: "users"): SyntheticAccount {
  const groupNames = Array.from({ length: GROUP_COUNT }, (_, index) => `team-${pad(index, 2)}`);
  const groups = new Map(
    groupNames.map((name, index) => [
      name,
      index % 2 === 0 ? [MFA_POLICY_ARN, OTHER_POLICY_ARN] : [OTHER_POLICY_ARN],
    ]),
  );
  const withMfa = groupNames.filter((_, index) => index % 2 === 0);
  const withoutMfa = groupNames.filter((_, index) => index % 2 === 1);

  const users: SyntheticUser[] = [];
  let exempted = 0;
  for (let index = 0; index < n; index++) {
    const kind = USER_CYCLE[index % USER_CYCLE.length] as UserKind;
    const spec: {
      created: number;
      password?: number;
      key1?: number;
      key2?: number;
      inactive: Compliance;
      seed: Compliance;
    } = USER_KINDS[kind];
    const mfa = MFA_CYCLE[index % MFA_CYCLE.length] as MfaKind;
    // The first idle users are the exempt ones: exemption must be what keeps them compliant.
    const exempt = kind === "idle password" && exempted < EXEMPT_COUNT;
    if (exempt) exempted++;
    const userName = `user-${pad(index, 6)}`;
    const pick = (names: string[]) => names[index % names.length] as string;
    const groupsOf: Record<MfaKind, string[]> = {
      attached: index % 8 === 0 ? [pick(withoutMfa)] : [],
      "through a group": [pick(withMfa), ...(index % 8 === 1 ? [pick(withoutMfa)] : [])],
      "group without it": [pick(withoutMfa)],
      nowhere: [],
    };
    users.push({
      index,
      userName,
      userId: `AIDA${pad(index, 17)}`,
      arn: `arn:aws:iam::${ACCOUNT_ID}:user/${userName}`,
      created: daysAgo(spec.created),
      kind,
      mfa,
      exempt,
      passwordLastUsed: spec.password === undefined ? undefined : daysAgo(spec.password),
      key1LastUsed: spec.key1 === undefined ? undefined : daysAgo(spec.key1),
      key2LastUsed: spec.key2 === undefined ? undefined : daysAgo(spec.key2),
      groups: groupsOf[mfa],
      policies: mfa === "attached" ? [MFA_POLICY_ARN] : [],
      expected: {
        inactive: exempt ? "COMPLIANT" : spec.inactive,
        mfa:
          exempt || mfa === "attached" || mfa === "through a group" ? "COMPLIANT" : "NON_COMPLIANT",
        seedInactive: spec.seed,
      },
    });
  }

  const resources = only === "users" ? 0 : n;
  const securityGroups = Array.from({ length: resources }, (_, index) => {
    const kind = GROUP_KIND_NAMES[index % GROUP_KIND_NAMES.length] as GroupKind;
    return { groupId: `sg-${pad(index, 17)}`, kind, expected: GROUP_VERDICTS[kind] };
  });
  // A fixed stride rather than random picks: every run evaluates the same instances.
  const instances = Array.from({ length: resources }, (_, index) => ({
    instanceId: `i-${pad(index, 17)}`,
    groupIds: Array.from(
      { length: 1 + (index % 3) },
      (_, k) => (securityGroups[(index * 7 + k * 3) % n] as SyntheticSecurityGroup).groupId,
    ),
  }));

  return {
    n,
    users,
    groups,
    exemptUsers: users.filter((user) => user.exempt).map((user) => user.userName),
    securityGroups,
    instances,
  };
}

export function ipPermissions(kind: GroupKind): ApiIpPermission[] {
  return structuredClone(GROUP_KINDS[kind].permissions);
}

// The credential report, as IAM writes it: every column, the root account first, ISO dates
// with +00:00, "N/A" for what never happened, "no_information" for passwords never used.

const REPORT_HEADER = [
  "user",
  "arn",
  "user_creation_time",
  "password_enabled",
  "password_last_used",
  "password_last_changed",
  "password_next_rotation",
  "mfa_active",
  "access_key_1_active",
  "access_key_1_last_rotated",
  "access_key_1_last_used_date",
  "access_key_1_last_used_region",
  "access_key_1_last_used_service",
  "access_key_2_active",
  "access_key_2_last_rotated",
  "access_key_2_last_used_date",
  "access_key_2_last_used_region",
  "access_key_2_last_used_service",
  "cert_1_active",
  "cert_1_last_rotated",
  "cert_2_active",
  "cert_2_last_rotated",
].join(",");

const reportTime = (date: Date | undefined, none = "N/A") =>
  date ? `${date.toISOString().slice(0, 19)}+00:00` : none;

function reportRow(user: SyntheticUser): string {
  const password = user.kind.includes("password");
  const key = (used: Date | undefined) =>
    used
      ? ["true", reportTime(user.created), reportTime(used), "eu-west-1", "s3"]
      : ["false", "N/A", "N/A", "N/A", "N/A"];
  return [
    user.userName,
    user.arn,
    reportTime(user.created),
    String(password),
    password ? reportTime(user.passwordLastUsed, "no_information") : "N/A",
    password ? reportTime(user.created) : "N/A",
    "N/A",
    String(user.mfa !== "nowhere"),
    ...key(user.key1LastUsed),
    ...key(user.key2LastUsed),
    "false",
    "N/A",
    "false",
    "N/A",
  ].join(",");
}

/** The report's CSV text: users created after REPORT_GENERATED are not in it. */
export function credentialReportCsv(account: SyntheticAccount): string {
  const root = `<root_account>,arn:aws:iam::${ACCOUNT_ID}:root,${reportTime(daysAgo(2000))},not_supported,${reportTime(daysAgo(3))},not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A`;
  const rows = account.users.filter((user) => user.created < REPORT_GENERATED).map(reportRow);
  return [REPORT_HEADER, root, ...rows].join("\n") + "\n";
}

// The APIs. Each answer is the SDK's output shape for the operation; an operation the account
// does not know fails, so that a handler making an unforeseen call is noticed.

/** The input fields the answered operations read. */
export interface Input {
  MaxItems?: number;
  Marker?: string;
  Filter?: string[];
  UserName?: string;
  GroupName?: string;
  Evaluations?: Array<{ ComplianceResourceId?: string; ComplianceType?: string }>;
  resourceType?: string;
  resourceId?: string;
  GroupIds?: string[];
  Filters?: Array<{ Name?: string; Values?: string[] }>;
}
type Output = Record<string, unknown>;

function serviceError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name, $fault: "client", $metadata: {} });
}

/** IAM's Marker/MaxItems pagination: 100 items unless MaxItems says otherwise, at most 1,000. */
function iamPage<T>(items: readonly T[], input: Input): { page: T[]; more: Output } {
  const max = input.MaxItems ?? 100;
  if (max < 1 || max > 1000) {
    throw serviceError("ValidationError", `MaxItems ${max} is outside 1-1000.`);
  }
  const start = input.Marker ? Number(Buffer.from(input.Marker, "base64").toString()) : 0;
  const end = start + max;
  return {
    page: items.slice(start, end),
    more:
      end < items.length
        ? { IsTruncated: true, Marker: Buffer.from(String(end)).toString("base64") }
        : { IsTruncated: false },
  };
}

function iamUser(user: SyntheticUser) {
  return {
    Path: "/",
    UserName: user.userName,
    UserId: user.userId,
    Arn: user.arn,
    CreateDate: user.created,
    ...(user.passwordLastUsed ? { PasswordLastUsed: user.passwordLastUsed } : {}),
  };
}

const attached = (arns: readonly string[]) =>
  arns.map((arn) => ({ PolicyName: arn.split("/").pop(), PolicyArn: arn }));

export interface AccountIndex {
  account: SyntheticAccount;
  byName: Map<string, SyntheticUser>;
  byId: Map<string, SyntheticUser>;
  groupsById: Map<string, SyntheticSecurityGroup>;
  /** The credential report's bytes, made once: each call gets a copy. */
  report?: Uint8Array;
  /** Whether IAM has been asked to generate the report (its first answer is STARTED). */
  reportRequested?: boolean;
}

export function indexAccount(account: SyntheticAccount): AccountIndex {
  return {
    account,
    byName: new Map(account.users.map((user) => [user.userName, user])),
    byId: new Map(account.users.map((user) => [user.userId, user])),
    groupsById: new Map(account.securityGroups.map((group) => [group.groupId, group])),
  };
}

function findUser(index: AccountIndex, userName: string | undefined): SyntheticUser {
  const user = index.byName.get(userName ?? "");
  if (!user) throw serviceError("NoSuchEntityException", `The user ${userName} does not exist.`);
  return user;
}

export const ANSWERS: Record<string, (index: AccountIndex, input: Input) => Output> = {
  // As IAM answers: STARTED the first time, COMPLETE once a report (under 4 hours old) exists.
  "iam:GenerateCredentialReport": (index) => {
    const state = index.reportRequested ? "COMPLETE" : "STARTED";
    index.reportRequested = true;
    return { State: state };
  },
  "iam:GetCredentialReport": (index) => {
    index.report ??= new TextEncoder().encode(credentialReportCsv(index.account));
    return {
      Content: index.report.slice(),
      ReportFormat: "text/csv",
      GeneratedTime: REPORT_GENERATED,
    };
  },
  "iam:ListUsers": ({ account }, input) => {
    const { page, more } = iamPage(account.users, input);
    return { Users: page.map(iamUser), ...more };
  },
  /**
   * Users, then groups, in one sequence paged by MaxItems: an assumption, since AWS does not say
   * how the lists share a page ("IAM might return fewer than the MaxItems number of results").
   */
  "iam:GetAccountAuthorizationDetails": ({ account }, input) => {
    const filter = input.Filter ?? ["User", "Role", "Group", "LocalManagedPolicy"];
    const entities = [
      ...(filter.includes("User") ? account.users.map((user) => ({ user })) : []),
      ...(filter.includes("Group") ? [...account.groups].map((group) => ({ group })) : []),
    ];
    const { page, more } = iamPage(entities, input);
    return {
      UserDetailList: page.flatMap((entity) =>
        "user" in entity
          ? [
              {
                ...iamUser(entity.user),
                GroupList: [...entity.user.groups],
                AttachedManagedPolicies: attached(entity.user.policies),
                UserPolicyList: [],
                Tags: [],
              },
            ]
          : [],
      ),
      GroupDetailList: page.flatMap((entity) =>
        "group" in entity
          ? [
              {
                Path: "/",
                GroupName: entity.group[0],
                GroupId: `AGPA${entity.group[0]}`,
                Arn: `arn:aws:iam::${ACCOUNT_ID}:group/${entity.group[0]}`,
                GroupPolicyList: [],
                AttachedManagedPolicies: attached(entity.group[1]),
              },
            ]
          : [],
      ),
      RoleDetailList: [],
      Policies: [],
      ...more,
    };
  },
  "iam:GetUser": (index, input) => ({ User: iamUser(findUser(index, input.UserName)) }),
  "iam:ListAttachedUserPolicies": (index, input) => ({
    AttachedPolicies: attached(findUser(index, input.UserName).policies),
    IsTruncated: false,
  }),
  "iam:ListGroupsForUser": (index, input) => ({
    Groups: findUser(index, input.UserName).groups.map((GroupName) => ({ GroupName })),
    IsTruncated: false,
  }),
  "iam:ListAttachedGroupPolicies": ({ account }, input) => {
    const policies = account.groups.get(input.GroupName ?? "");
    if (!policies) throw serviceError("NoSuchEntityException", `No group ${input.GroupName}.`);
    return { AttachedPolicies: attached(policies), IsTruncated: false };
  },
  "config:PutEvaluations": (_, input) => {
    const count = (input.Evaluations ?? []).length;
    if (count > 100) {
      throw serviceError("ValidationException", `${count} evaluations: at most 100 per call.`);
    }
    return { FailedEvaluations: [] };
  },
  "config:GetResourceConfigHistory": (index, input) => {
    const user = index.byId.get(input.resourceId ?? "");
    if (!user) throw serviceError("ResourceNotDiscoveredException", `${input.resourceId}?`);
    return {
      configurationItems: [
        {
          resourceType: input.resourceType,
          resourceId: user.userId,
          resourceName: user.userName,
          arn: user.arn,
          configurationItemStatus: "OK",
          configurationItemCaptureTime: NOW,
          configuration: JSON.stringify(userConfiguration(user)),
        },
      ],
    };
  },
  /** GroupIds or a group-id filter; one page when MaxResults is absent, as EC2 does. */
  "ec2:DescribeSecurityGroups": ({ groupsById }, input) => {
    const ids = [
      ...(input.GroupIds ?? []),
      ...(input.Filters ?? []).flatMap((filter) =>
        filter.Name === "group-id" ? (filter.Values ?? []) : [],
      ),
    ];
    return {
      SecurityGroups: ids.flatMap((id) => {
        const group = groupsById.get(id);
        return group
          ? [{ GroupId: id, GroupName: id, IpPermissions: ipPermissions(group.kind) }]
          : [];
      }),
    };
  },
};

// Configuration items, as AWS Config records these resources (invoking events' shape).

export function userConfiguration(user: SyntheticUser) {
  return {
    userName: user.userName,
    userId: user.userId,
    arn: user.arn,
    path: "/",
    createDate: user.created.toISOString(),
    groupList: [...user.groups],
    attachedManagedPolicies: user.policies.map((arn) => ({
      policyArn: arn,
      policyName: arn.split("/").pop(),
    })),
    userPolicyList: null,
  };
}

/** A security group's `configuration` in a configuration item (camelCase, ipv4Ranges). */
export function securityGroupConfiguration(group: SyntheticSecurityGroup) {
  return {
    groupId: group.groupId,
    groupName: group.groupId,
    ipPermissions: ipPermissions(group.kind).map((permission) => ({
      ipProtocol: permission.IpProtocol,
      fromPort: permission.FromPort,
      toPort: permission.ToPort,
      ipv4Ranges: (permission.IpRanges ?? []).map((range) => ({ cidrIp: range.CidrIp })),
      ipv6Ranges: (permission.Ipv6Ranges ?? []).map((range) => ({ cidrIpv6: range.CidrIpv6 })),
      ipRanges: (permission.IpRanges ?? []).map((range) => range.CidrIp),
    })),
  };
}

export function instanceConfiguration(instance: SyntheticInstance) {
  return {
    instanceId: instance.instanceId,
    state: { code: 16, name: "running" },
    securityGroups: instance.groupIds.map((groupId) => ({ groupId, groupName: groupId })),
  };
}
