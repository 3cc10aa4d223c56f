/**
 * A rule function of the audit account judging member accounts. An organization rule's event
 * names the member it comes from (`accountId`); the function assumes the member evaluation role
 * there and runs the rule's own handler with clients holding those credentials, so that every
 * read and the PutEvaluations (whose ResultToken is the member's) happen in that account and no
 * other. Which accounts may be assumed into is IAM's to enforce: the function's role may assume
 * the member role only in accounts of the organization (`aws:ResourceOrgID`).
 */
import { ConfigServiceClient } from "@aws-sdk/client-config-service";
import { EC2Client } from "@aws-sdk/client-ec2";
import { IAMClient } from "@aws-sdk/client-iam";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import type { ConfigRuleEvent } from "./config-event";
import { Logger, jsonLogger } from "./log";
import type { LambdaContext, RuleHandler, RuleRunSummary } from "./rule-handler";

/** Every client a rule's handler may take: the handler uses those it needs. */
export interface RuleClients {
  config: ConfigServiceClient;
  iam: IAMClient;
  ec2: EC2Client;
}

/** The member account's role the rule functions assume (the member baseline creates it). */
export const MEMBER_EVALUATION_ROLE = "guardrails-member-evaluation";

/**
 * The account organization rules name in account-relative ARNs (the MFA policy's): one
 * InputParameters serves every member, and the function puts the member's account in its place.
 */
export const MEMBER_ACCOUNT_PLACEHOLDER = "000000000000";

/** How long assumed credentials last; a run ends well within it (the longest timeout is 5 min). */
export const MEMBER_SESSION_SECONDS = 900;
/** A warm function reuses a member's handler until this long before its credentials expire. */
const RENEW_BEFORE_MS = 5 * 60 * 1000;

const ACCOUNT_ID = /^\d{12}$/;

export interface MemberAccountOptions {
  rule: string;
  /** The rule's handler for one account's clients. */
  createHandler: (clients: RuleClients) => RuleHandler;
  sts?: STSClient;
  /** Clients for credentials (tests point them at an emulator). */
  clientsFor?: (credentials: Credentials) => RuleClients;
  log?: Logger;
  now?: () => Date;
}

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

function defaultClients(credentials: Credentials): RuleClients {
  return {
    config: new ConfigServiceClient({ credentials }),
    iam: new IAMClient({ credentials }),
    ec2: new EC2Client({ credentials }),
  };
}

export function memberAccountRuleHandler(options: MemberAccountOptions): RuleHandler {
  const sts = options.sts ?? new STSClient({});
  const clientsFor = options.clientsFor ?? defaultClients;
  const log = options.log ?? jsonLogger;
  const now = options.now ?? (() => new Date());
  // Per member, for a warm function: its handler keeps what it caches (the credential report)
  // for that account only.
  const members = new Map<string, { handler: RuleHandler; renewAt: number }>();

  const skipped = (reason: string, fields: Record<string, unknown>): RuleRunSummary => {
    log("ERROR", `Rule not evaluated: ${reason}`, { rule: options.rule, ...fields });
    return { rule: options.rule, evaluations: 0, putEvaluationsCalls: 0, skipped: reason };
  };

  return async (event: ConfigRuleEvent, context?: LambdaContext) => {
    const accountId = (event as Partial<ConfigRuleEvent> | null)?.accountId;
    if (typeof accountId !== "string" || !ACCOUNT_ID.test(accountId)) {
      return skipped("the event names no member account (accountId)", { accountId });
    }
    const at = now().getTime();
    let member = members.get(accountId);
    if (!member || at >= member.renewAt) {
      // The function's own partition is its members': an organization spans one partition.
      const partition = context?.invokedFunctionArn?.split(":")[1] || "aws";
      const roleArn = `arn:${partition}:iam::${accountId}:role/${MEMBER_EVALUATION_ROLE}`;
      let assumed;
      try {
        assumed = await sts.send(
          new AssumeRoleCommand({
            RoleArn: roleArn,
            RoleSessionName: `guardrails-${options.rule}`.slice(0, 64),
            DurationSeconds: MEMBER_SESSION_SECONDS,
          }),
        );
      } catch (error) {
        // Not in the organization, or without the member baseline: a retry will not help.
        if ((error as Error).name === "AccessDenied") {
          return skipped("the member evaluation role cannot be assumed", {
            accountId,
            roleArn,
            error: (error as Error).message,
          });
        }
        throw error;
      }
      const credentials = assumed.Credentials;
      if (!credentials?.AccessKeyId || !credentials.SecretAccessKey) {
        throw new Error(`AssumeRole into ${roleArn} returned no credentials`);
      }
      const expiration = credentials.Expiration ?? new Date(at + MEMBER_SESSION_SECONDS * 1000);
      member = {
        handler: options.createHandler(
          clientsFor({
            accessKeyId: credentials.AccessKeyId,
            secretAccessKey: credentials.SecretAccessKey,
            sessionToken: credentials.SessionToken,
            expiration,
          }),
        ),
        renewAt: expiration.getTime() - RENEW_BEFORE_MS,
      };
      members.set(accountId, member);
    }
    const ruleParameters =
      typeof event.ruleParameters === "string"
        ? event.ruleParameters.replaceAll(`:${MEMBER_ACCOUNT_PLACEHOLDER}:`, `:${accountId}:`)
        : event.ruleParameters;
    return member.handler({ ...event, ruleParameters }, context);
  };
}
