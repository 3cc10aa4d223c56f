/**
 * The audit account's functions acting in member accounts. An organization rule's event names
 * the member it comes from (`accountId`), a member's compliance change forwarded to the central
 * bus too (`account`, which EventBridge keeps as the account the event happened in). The
 * function assumes the member role there and runs the rule's or the remediation's own handler
 * with clients holding those credentials, so that every read, every PutEvaluations (whose
 * ResultToken is the member's) and every repair happen in that account and no other. Which
 * accounts may be assumed into is IAM's to enforce: the function's role may assume the member
 * role only in accounts of the organization (`aws:ResourceOrgID`).
 */
import { ConfigServiceClient } from "@aws-sdk/client-config-service";
import { EC2Client } from "@aws-sdk/client-ec2";
import { IAMClient } from "@aws-sdk/client-iam";
import { ListParentsCommand, OrganizationsClient } from "@aws-sdk/client-organizations";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { EncodedOverrides, applyOverrides, namesUnits, readOverrides } from "./account-overrides";
import type { ComplianceChangeEvent } from "./compliance-change";
import { organizationRuleName } from "./compliance-change";
import type { ConfigRuleEvent } from "./config-event";
import { Logger, jsonLogger } from "./log";
import { MEMBER_ACCOUNT_PLACEHOLDER, MEMBER_ROLE_NAMES } from "./member-roles";
import type { RemediationHandler, RemediationSummary } from "./remediation-handler";
import type { LambdaContext, RuleHandler, RuleRunSummary } from "./rule-handler";

/** Every client a rule's or a remediation's handler may take: each uses those it needs. */
export interface RuleClients {
  config: ConfigServiceClient;
  iam: IAMClient;
  ec2: EC2Client;
}

/** What a remediation's handler takes in a member account: its clients and its environment. */
export interface MemberRemediationDependencies extends RuleClients {
  env: Readonly<Record<string, string | undefined>>;
}

/** How long assumed credentials last; a run ends well within it (the longest timeout is 5 min). */
export const MEMBER_SESSION_SECONDS = 900;
/** A warm function reuses a member's handler until this long before its credentials expire. */
const RENEW_BEFORE_MS = 5 * 60 * 1000;
/**
 * The members a warm function keeps handlers for, the least recently used dropped first: each
 * holds clients and what its handler caches (a credential report), and an organization may have
 * hundreds of accounts.
 */
export const MAX_CACHED_MEMBERS = 50;

const ACCOUNT_ID = /^\d{12}$/;

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

interface MemberOptions {
  sts?: STSClient;
  /** Reads a member's organizational units, with the function's own credentials. */
  organizations?: OrganizationsClient;
  /** The function's environment (`process.env`): its overrides per account, and settings. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Clients for credentials, in a region (tests point them at an emulator). */
  clientsFor?: (credentials: Credentials, region?: string) => RuleClients;
  log?: Logger;
  now?: () => Date;
}

export interface MemberAccountOptions extends MemberOptions {
  rule: string;
  /** The rule's handler for one account's clients. */
  createHandler: (clients: RuleClients) => RuleHandler;
}

export interface MemberRemediationOptions extends MemberOptions {
  remediation: string;
  /** The organization rule whose members' compliance changes it repairs. */
  rule: string;
  /** The remediation's handler for one account's clients and environment. */
  createHandler: (dependencies: MemberRemediationDependencies) => RemediationHandler;
}

function defaultClients(credentials: Credentials, region?: string): RuleClients {
  return {
    config: new ConfigServiceClient({ credentials, region }),
    iam: new IAMClient({ credentials, region }),
    ec2: new EC2Client({ credentials, region }),
  };
}

/** The member account's own ARNs where the shared text names the placeholder account. */
function inMember(text: string, accountId: string): string {
  return text.replaceAll(`:${MEMBER_ACCOUNT_PLACEHOLDER}:`, `:${accountId}:`);
}

/** The function's own partition is its members': an organization spans one partition. */
function partitionOf(context?: LambdaContext): string {
  return context?.invokedFunctionArn?.split(":")[1] || "aws";
}

type Assumed<H> =
  { handler: H } | { denied: { roleArn: string; error: string } } | { unreadUnits: string };

/**
 * Where an account's overrides come from, farthest first: the organizational units above it
 * (only when some override names one), then the account itself.
 */
async function targetsOf(
  accountId: string,
  overrides: EncodedOverrides,
  organizations: () => OrganizationsClient,
): Promise<string[]> {
  if (!namesUnits(overrides)) return [accountId];
  const units: string[] = [];
  let child = accountId;
  // An organization nests OUs at most five deep under its root.
  for (let depth = 0; depth < 6; depth++) {
    const { Parents } = await organizations().send(new ListParentsCommand({ ChildId: child }));
    const parent = Parents?.[0];
    if (!parent?.Id || parent.Type !== "ORGANIZATIONAL_UNIT") break;
    units.unshift(parent.Id);
    child = parent.Id;
  }
  return [...units, accountId];
}

/**
 * One handler per member (and region), on credentials of `roleName` assumed there, reused by
 * a warm function until shortly before they expire.
 */
function memberHandlers<H>(
  roleName: string,
  sessionName: string,
  options: MemberOptions,
  create: (clients: RuleClients, accountId: string, targets: readonly string[]) => H,
) {
  const overrides = readOverrides(options.env ?? process.env) ?? {};
  let organizations = options.organizations;
  const sts = options.sts ?? new STSClient({});
  const clientsFor = options.clientsFor ?? defaultClients;
  const now = options.now ?? (() => new Date());
  const members = new Map<string, { handler: H; renewAt: number }>();

  const handlerFor = async (
    accountId: string,
    partition: string,
    region?: string,
  ): Promise<Assumed<H>> => {
    const key = `${accountId} ${region ?? ""}`;
    const at = now().getTime();
    const cached = members.get(key);
    members.delete(key);
    if (cached && at < cached.renewAt) {
      members.set(key, cached);
      return { handler: cached.handler };
    }
    let targets: string[];
    try {
      targets = await targetsOf(
        accountId,
        overrides,
        () => (organizations ??= new OrganizationsClient({})),
      );
    } catch (error) {
      // Denied: its exceptions unreadable, the account is neither judged nor repaired with the
      // wrong ones. Anything else (throttling) fails the run, for Lambda to retry it.
      if (!/AccessDenied/.test((error as Error).name)) throw error;
      return { unreadUnits: (error as Error).message };
    }
    const roleArn = `arn:${partition}:iam::${accountId}:role/${roleName}`;
    let assumed;
    try {
      assumed = await sts.send(
        new AssumeRoleCommand({
          RoleArn: roleArn,
          RoleSessionName: `guardrails-${sessionName}`.slice(0, 64),
          DurationSeconds: MEMBER_SESSION_SECONDS,
        }),
      );
    } catch (error) {
      // Not in the organization, or without the member baseline: a retry will not help.
      if ((error as Error).name === "AccessDenied") {
        return { denied: { roleArn, error: (error as Error).message } };
      }
      throw error;
    }
    const credentials = assumed.Credentials;
    if (!credentials?.AccessKeyId || !credentials.SecretAccessKey) {
      throw new Error(`AssumeRole into ${roleArn} returned no credentials`);
    }
    const expiration = credentials.Expiration ?? new Date(at + MEMBER_SESSION_SECONDS * 1000);
    const clients = clientsFor(
      {
        accessKeyId: credentials.AccessKeyId,
        secretAccessKey: credentials.SecretAccessKey,
        sessionToken: credentials.SessionToken,
        expiration,
      },
      region,
    );
    const member = {
      handler: create(clients, accountId, targets),
      renewAt: expiration.getTime() - RENEW_BEFORE_MS,
    };
    members.set(key, member);
    for (const oldest of members.keys()) {
      if (members.size <= MAX_CACHED_MEMBERS) break;
      members.delete(oldest);
    }
    return member;
  };
  return { handlerFor, overrides };
}

export function memberAccountRuleHandler(options: MemberAccountOptions): RuleHandler {
  const log = options.log ?? jsonLogger;
  const { handlerFor, overrides } = memberHandlers(
    MEMBER_ROLE_NAMES.evaluation,
    options.rule,
    options,
    (clients, _accountId, targets) => ({ run: options.createHandler(clients), targets }),
  );
  const skipped = (reason: string, fields: Record<string, unknown>): RuleRunSummary => {
    log("ERROR", `Rule not evaluated: ${reason}`, { rule: options.rule, ...fields });
    return { rule: options.rule, evaluations: 0, putEvaluationsCalls: 0, skipped: reason };
  };

  /** The organization's parameters as they apply in one member: its ARNs, its exceptions. */
  const inMemberParameters = (
    parameters: string | undefined,
    accountId: string,
    targets: readonly string[],
  ): string | undefined => {
    if (typeof parameters !== "string") return parameters;
    const own = inMember(parameters, accountId);
    if (Object.keys(overrides).length === 0) return own;
    let decoded: unknown;
    try {
      decoded = JSON.parse(own);
    } catch {
      // The rule's own codec reports it as unreadable.
      return own;
    }
    if (typeof decoded !== "object" || decoded === null || Array.isArray(decoded)) return own;
    const applied = applyOverrides(decoded as Record<string, string>, overrides, targets);
    return applied === "off" ? own : JSON.stringify(applied);
  };

  return async (event: ConfigRuleEvent, context?: LambdaContext) => {
    const accountId = (event as Partial<ConfigRuleEvent> | null)?.accountId;
    if (typeof accountId !== "string" || !ACCOUNT_ID.test(accountId)) {
      return skipped("the event names no member account (accountId)", { accountId });
    }
    const member = await handlerFor(accountId, partitionOf(context));
    if ("unreadUnits" in member) {
      return skipped("the account's organizational units cannot be read", {
        accountId,
        error: member.unreadUnits,
      });
    }
    if ("denied" in member) {
      return skipped("the member evaluation role cannot be assumed", {
        accountId,
        ...member.denied,
      });
    }
    const { run, targets } = member.handler;
    const ruleParameters = inMemberParameters(event.ruleParameters, accountId, targets);
    return run({ ...event, ruleParameters }, context);
  };
}

/**
 * A remediation function of the audit account repairing member accounts: for a member rule's
 * compliance change (rule OrgConfigRule-<rule>-<suffix>), it assumes the member remediation
 * role in the account the event happened in, in its region, and runs the remediation's own
 * handler there, with its environment's placeholder account replaced by the member's. The
 * handler sees the organization rule's name, the one it repairs.
 */
export function memberAccountRemediationHandler(
  options: MemberRemediationOptions,
): RemediationHandler {
  const log = options.log ?? jsonLogger;
  const env = options.env ?? process.env;
  const { handlerFor, overrides } = memberHandlers(
    MEMBER_ROLE_NAMES.remediation,
    options.remediation,
    options,
    (clients, accountId, targets) => {
      const own = Object.fromEntries(
        Object.entries(env).map(([name, value]) => [
          name,
          value === undefined ? value : inMember(value, accountId),
        ]),
      );
      const applied = applyOverrides(own, overrides, targets);
      // Off in this account: no handler, nothing repaired.
      return applied === "off" ? undefined : options.createHandler({ ...clients, env: applied });
    },
  );
  const skipped = (reason: string, fields: Record<string, unknown>): RemediationSummary => {
    log("WARN", "Event ignored", { remediation: options.remediation, reason, ...fields });
    return { remediation: options.remediation, mode: "unknown", actions: [], skipped: reason };
  };
  /** An event it should have acted on, and could not: an error to look at. */
  const notRun = (reason: string, fields: Record<string, unknown>): RemediationSummary => {
    log("ERROR", `Remediation not run: ${reason}`, { remediation: options.remediation, ...fields });
    return { remediation: options.remediation, mode: "unknown", actions: [], skipped: reason };
  };

  return async (event: ComplianceChangeEvent, context?: LambdaContext) => {
    const accountId = event?.account;
    const memberRule = event?.detail?.configRuleName;
    if (typeof accountId !== "string" || !ACCOUNT_ID.test(accountId)) {
      return skipped("the event names no member account (account)", { accountId });
    }
    // The detail's account is the one the rule judged: a forwarded event names the same.
    if (event.detail?.awsAccountId !== undefined && event.detail.awsAccountId !== accountId) {
      return skipped("the event's account and its detail's account differ", {
        accountId,
        detailAccountId: event.detail.awsAccountId,
      });
    }
    const rule = typeof memberRule === "string" ? organizationRuleName(memberRule) : undefined;
    if (rule !== options.rule) {
      return skipped(`not a compliance change of the organization rule ${options.rule}`, {
        configRuleName: memberRule,
      });
    }
    const member = await handlerFor(accountId, partitionOf(context), event.region);
    if ("unreadUnits" in member) {
      return notRun("the account's organizational units cannot be read", {
        accountId,
        error: member.unreadUnits,
      });
    }
    if ("denied" in member) {
      return notRun("the member remediation role cannot be assumed", {
        accountId,
        ...member.denied,
      });
    }
    if (!member.handler) {
      return skipped(`${options.remediation} is off in this account (accountOverrides)`, {
        accountId,
      });
    }
    return member.handler({ ...event, detail: { ...event.detail, configRuleName: rule } });
  };
}
