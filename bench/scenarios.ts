/**
 * The benchmark's runs, shared by `npm run bench` and its test: the real handlers invoked on
 * Config events against a synthetic account, the seed's Lambdas on the same account, and the
 * pure evaluators timed on their own.
 */
import { createHandler as createExposedPorts } from "../functions/rules/exposed-ports/handler";
import { createHandler as createInactiveUsers } from "../functions/rules/iam-inactive-users/handler";
import { createHandler as createMfaPolicy } from "../functions/rules/mfa-policy-attached/handler";
import { indexCredentialReport, parseCredentialReport } from "../functions/rules/credential-report";
import {
  evaluateSecurityGroup,
  securityGroupFromApi,
} from "../functions/rules/exposed-ports/evaluate";
import { evaluateInactiveUsers } from "../functions/rules/iam-inactive-users/evaluate";
import {
  evaluateMfaPolicies,
  fromAuthorizationDetails,
} from "../functions/rules/mfa-policy-attached/evaluate";
import { parsePortList } from "../functions/rules/ports";
import { RESOURCE_TYPES } from "../functions/rules/verdict";
import { exposedPorts } from "../functions/rules/exposed-ports";
import { iamInactiveUsers } from "../functions/rules/iam-inactive-users";
import { mfaPolicyAttached } from "../functions/rules/mfa-policy-attached";
import type { ConfigRuleEvent } from "../functions/shared/config-event";
import type { RuleHandler, RuleRunSummary } from "../functions/shared/rule-handler";
import { SyntheticClients } from "./counting-clients";
import {
  ApiIpPermission,
  FORBIDDEN_PORTS,
  MAX_INACTIVE_DAYS,
  MFA_POLICY_ARN,
  NOW,
  SEED_FORBIDDEN_PORTS,
  SyntheticAccount,
  credentialReportCsv,
  instanceConfiguration,
  ipPermissions,
  securityGroupConfiguration,
  userConfiguration,
} from "./synthetic-account";
import {
  SeedConfigurationItem,
  findViolation,
  seedExposedInstance,
  seedInactiveUser,
  seedStyleMfaPolicy,
} from "./seed";

export type PeriodicRule = "iam-inactive-users" | "mfa-policy-attached";
export const PERIODIC_RULES: readonly PeriodicRule[] = [
  "iam-inactive-users",
  "mfa-policy-attached",
];

export const DEFINITIONS = {
  "iam-inactive-users": iamInactiveUsers,
  "mfa-policy-attached": mfaPolicyAttached,
  "exposed-ports": exposedPorts,
};

/** Each function's configured timeout, from its rule's definition. */
export const TIMEOUT_SECONDS: Record<PeriodicRule | "exposed-ports", number> = {
  "iam-inactive-users": DEFINITIONS["iam-inactive-users"].timeoutSeconds,
  "mfa-policy-attached": DEFINITIONS["mfa-policy-attached"].timeoutSeconds,
  "exposed-ports": DEFINITIONS["exposed-ports"].timeoutSeconds,
};
export const LAMBDA_MAX_SECONDS = 900;

/** The stack default of evaluationRefreshDays. */
const REFRESH_DAYS = 7;

/** Each rule's `ruleParameters` as its deployed rule holds them: encoded by its own codec. */
export function ruleParameters(account: SyntheticAccount): Record<string, Record<string, string>> {
  const exemptUsers = [...account.exemptUsers];
  return {
    "iam-inactive-users": DEFINITIONS["iam-inactive-users"].parameters.encode({
      maxInactiveDays: MAX_INACTIVE_DAYS,
      exemptUsers,
      refreshDays: REFRESH_DAYS,
    }),
    "mfa-policy-attached": DEFINITIONS["mfa-policy-attached"].parameters.encode({
      policyArn: MFA_POLICY_ARN,
      exemptUsers,
      refreshDays: REFRESH_DAYS,
    }),
    "exposed-ports": DEFINITIONS["exposed-ports"].parameters.encode({
      forbiddenPorts: parsePortList(FORBIDDEN_PORTS),
    }),
  };
}

const silent = () => undefined;

export function createRuleHandler(
  rule: PeriodicRule | "exposed-ports",
  clients: SyntheticClients,
): RuleHandler {
  const common = { config: clients.config, log: silent, now: () => NOW };
  switch (rule) {
    case "iam-inactive-users":
      // The handler's own polling with its real sleep: the first request of a fresh account
      // answers STARTED, as IAM does, and the handler waits before asking again.
      return createInactiveUsers({ ...common, iam: clients.iam });
    case "mfa-policy-attached":
      return createMfaPolicy({ ...common, iam: clients.iam });
    case "exposed-ports":
      return createExposedPorts({ ...common, ec2: clients.ec2 });
  }
}

/** A Lambda context whose clock runs down from the function's timeout. */
export function lambdaContext(timeoutSeconds: number) {
  const deadline = Date.now() + timeoutSeconds * 1000;
  return { getRemainingTimeInMillis: () => deadline - Date.now() };
}

export function scheduledEvent(parameters: Record<string, string>): ConfigRuleEvent {
  return {
    version: "1.0",
    invokingEvent: JSON.stringify({
      awsAccountId: "123456789012",
      notificationCreationTime: NOW.toISOString(),
      messageType: "ScheduledNotification",
      recordVersion: "1.0",
    }),
    ruleParameters: JSON.stringify(parameters),
    resultToken: "bench-token",
    eventLeftScope: false,
  };
}

export function changeEvent(
  item: SeedConfigurationItem & { ARN?: string; resourceName?: string },
  parameters: Record<string, string>,
): ConfigRuleEvent {
  return {
    version: "1.0",
    invokingEvent: JSON.stringify({
      configurationItem: item,
      notificationCreationTime: NOW.toISOString(),
      messageType: "ConfigurationItemChangeNotification",
      recordVersion: "1.3",
    }),
    ruleParameters: JSON.stringify(parameters),
    resultToken: "bench-token",
    eventLeftScope: false,
  };
}

const captured = NOW.toISOString();

export function userItem(account: SyntheticAccount, index: number) {
  const user = account.users[index];
  if (!user) throw new Error(`No user ${index}.`);
  return {
    resourceType: RESOURCE_TYPES.iamUser,
    resourceId: user.userId,
    resourceName: user.userName,
    ARN: user.arn,
    configurationItemStatus: "OK",
    configurationItemCaptureTime: captured,
    configuration: userConfiguration(user),
  };
}

export function securityGroupItem(account: SyntheticAccount, index: number) {
  const group = account.securityGroups[index];
  if (!group) throw new Error(`No security group ${index}.`);
  return {
    resourceType: RESOURCE_TYPES.securityGroup,
    resourceId: group.groupId,
    configurationItemStatus: "OK",
    configurationItemCaptureTime: captured,
    configuration: securityGroupConfiguration(group),
  };
}

export function instanceItem(account: SyntheticAccount, index: number) {
  const instance = account.instances[index];
  if (!instance) throw new Error(`No instance ${index}.`);
  return {
    resourceType: RESOURCE_TYPES.instance,
    resourceId: instance.instanceId,
    configurationItemStatus: "OK",
    configurationItemCaptureTime: captured,
    configuration: instanceConfiguration(instance),
  };
}

export interface Run {
  calls: Record<string, number>;
  totalCalls: number;
  /** Evaluations put, by compliance. */
  verdicts: Record<string, number>;
  evaluations: number;
  wallMs: number;
  summaries: RuleRunSummary[];
}

/** Calls, verdicts and time of `act`, from a clean counter. */
export async function measured(
  clients: SyntheticClients,
  act: () => Promise<RuleRunSummary[] | void>,
): Promise<Run> {
  clients.calls.reset();
  const started = process.hrtime.bigint();
  const summaries = (await act()) ?? [];
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const verdicts: Record<string, number> = {};
  for (const evaluation of clients.evaluations) {
    const type = evaluation.ComplianceType ?? "?";
    verdicts[type] = (verdicts[type] ?? 0) + 1;
  }
  return {
    calls: clients.calls.byOperation(),
    totalCalls: clients.calls.total(),
    verdicts,
    evaluations: clients.evaluations.length,
    wallMs,
    summaries,
  };
}

/**
 * One full periodic evaluation: the real handler on a ScheduledNotification. By default for a
 * rule whose results Config holds none of yet (everything is sent); `steady` keeps what earlier
 * runs left, so only what changed is sent.
 */
export function runPeriodic(
  rule: PeriodicRule,
  account: SyntheticAccount,
  clients: SyntheticClients,
  { steady = false } = {},
): Promise<Run> {
  if (!steady) clients.stored.clear();
  const handler = createRuleHandler(rule, clients);
  const event = scheduledEvent(ruleParameters(account)[rule] ?? {});
  return measured(clients, async () => [
    await handler(event, lambdaContext(TIMEOUT_SECONDS[rule])),
  ]);
}

/** The handler on change notifications of the given items, one invocation each, in turn. */
export function runChanges(
  rule: PeriodicRule | "exposed-ports",
  account: SyntheticAccount,
  clients: SyntheticClients,
  items: ReadonlyArray<SeedConfigurationItem & { ARN?: string }>,
): Promise<Run> {
  const handler = createRuleHandler(rule, clients);
  const parameters = ruleParameters(account)[rule] ?? {};
  return measured(clients, async () => {
    const summaries: RuleRunSummary[] = [];
    for (const item of items) {
      summaries.push(
        await handler(changeEvent(item, parameters), lambdaContext(TIMEOUT_SECONDS[rule])),
      );
    }
    return summaries;
  });
}

export type SeedRule =
  "iam-inactive-user (seed)" | "ec2-exposed-instance (seed)" | "mfa (seed-style)";

/** The seed's Lambdas as Config runs them: one invocation per resource, in turn. */
export function runSeed(
  rule: SeedRule,
  account: SyntheticAccount,
  clients: SyntheticClients,
  count = rule === "ec2-exposed-instance (seed)" ? account.instances.length : account.users.length,
): Promise<Run & { errors: number }> {
  let errors = 0;
  return measured(clients, async () => {
    for (let index = 0; index < count; index++) {
      try {
        if (rule === "iam-inactive-user (seed)") {
          await seedInactiveUser(
            clients,
            userItem(account, index),
            { maxInactiveDays: String(MAX_INACTIVE_DAYS) },
            NOW,
          );
        } else if (rule === "mfa (seed-style)") {
          await seedStyleMfaPolicy(clients, userItem(account, index), MFA_POLICY_ARN);
        } else {
          await seedExposedInstance(clients, instanceItem(account, index), SEED_FORBIDDEN_PORTS);
        }
      } catch {
        // The seed's Lambda fails this invocation (a KeyError on protocol -1).
        errors++;
      }
    }
  }).then((run) => ({ ...run, errors }));
}

// The pure evaluators on their own, on inputs prepared beforehand.

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** Median milliseconds of `runs` calls of `work`, after one warm-up call. */
export function timeMs(work: () => unknown, runs: number): number {
  work();
  const samples: number[] = [];
  for (let run = 0; run < runs; run++) {
    const started = process.hrtime.bigint();
    work();
    samples.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return median(samples);
}

/** What each rule's evaluator does with a whole account, as work to time. */
export function evaluatorWork(
  rule: PeriodicRule | "exposed-ports",
  account: SyntheticAccount,
): Record<string, () => unknown> {
  const parameters = {
    maxInactiveDays: MAX_INACTIVE_DAYS,
    exemptUsers: account.exemptUsers,
    policyArn: MFA_POLICY_ARN,
  };
  if (rule === "iam-inactive-users") {
    const csv = credentialReportCsv(account);
    const rows = parseCredentialReport(csv);
    const users = account.users.map((user) => ({
      userId: user.userId,
      userName: user.userName,
      arn: user.arn,
    }));
    return {
      parseCredentialReport: () => parseCredentialReport(csv),
      evaluateInactiveUsers: () =>
        evaluateInactiveUsers(users, indexCredentialReport(rows), parameters, NOW),
    };
  }
  if (rule === "mfa-policy-attached") {
    const details = {
      UserDetailList: account.users.map((user) => ({
        UserName: user.userName,
        UserId: user.userId,
        GroupList: user.groups,
        AttachedManagedPolicies: user.policies.map((PolicyArn) => ({ PolicyArn })),
      })),
      GroupDetailList: [...account.groups].map(([GroupName, arns]) => ({
        GroupName,
        AttachedManagedPolicies: arns.map((PolicyArn) => ({ PolicyArn })),
      })),
    };
    return {
      "fromAuthorizationDetails + evaluateMfaPolicies": () => {
        const { users, groupPolicies } = fromAuthorizationDetails(details);
        return evaluateMfaPolicies(users, groupPolicies, parameters);
      },
    };
  }
  const forbidden = parsePortList(FORBIDDEN_PORTS);
  const groups = account.securityGroups.map((group) => ({
    GroupId: group.groupId,
    IpPermissions: ipPermissions(group.kind),
  }));
  return {
    "securityGroupFromApi + evaluateSecurityGroup": () =>
      groups.map((group) => evaluateSecurityGroup(securityGroupFromApi(group), forbidden)),
  };
}

/** The seed's find_violation over the same groups; a KeyError counts as the group's result. */
export function seedViolations(groups: ReadonlyArray<{ IpPermissions: ApiIpPermission[] }>) {
  return groups.map((group) => {
    try {
      return findViolation(group.IpPermissions, SEED_FORBIDDEN_PORTS)
        ? "NON_COMPLIANT"
        : "COMPLIANT";
    } catch {
      return "KeyError";
    }
  });
}
