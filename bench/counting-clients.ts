/**
 * Real SDK clients that answer from a synthetic account, with no network, counting every call
 * by operation.
 *
 * One middleware on each client's stack, at the `initialize` step with high priority: it sees
 * every command the handler sends (each page of a paginator is one), records `service:Operation`
 * from the command's context, waits the simulated latency, and returns the account's answer as
 * the command's output without calling the rest of the stack. Serialization, signing, retries
 * and HTTP never run; everything above them (the handler, the paginators, `client.send`) is the
 * code that runs in Lambda.
 */
import { ConfigServiceClient } from "@aws-sdk/client-config-service";
import { EC2Client } from "@aws-sdk/client-ec2";
import { IAMClient } from "@aws-sdk/client-iam";
import { ANSWERS, AccountIndex, Input, SyntheticAccount, indexAccount } from "./synthetic-account";

export interface CallCounter {
  /** Calls so far, by `service:Operation`. */
  readonly counts: Map<string, number>;
  total(): number;
  /** `{ "iam:ListUsers": 10, ... }`, sorted by name. */
  byOperation(): Record<string, number>;
  reset(): void;
}

export interface SyntheticClients {
  config: ConfigServiceClient;
  iam: IAMClient;
  ec2: EC2Client;
  calls: CallCounter;
  /** Every evaluation put, in order (reset with the counts). */
  evaluations: Array<{ ComplianceResourceId?: string; ComplianceType?: string }>;
  /**
   * What Config holds for the rule, as PutEvaluations left it and GetComplianceDetailsByConfigRule
   * answers it, 100 per page. Kept across `calls.reset()`.
   */
  stored: StoredResults;
}

export interface StoredResults {
  readonly size: number;
  /** Forget everything: a rule with no results yet. */
  clear(): void;
  /**
   * Make `count` held results differ from what the next run will judge, as if that many
   * verdicts had changed since the last run.
   */
  alter(count: number): void;
}

interface Held {
  ComplianceResourceType?: string;
  ComplianceResourceId?: string;
  ComplianceType?: string;
  Annotation?: string;
  OrderingTimestamp?: Date;
}

export interface SyntheticClientOptions {
  /** Milliseconds each call waits before its answer, as a round trip to AWS would. */
  latencyMs?: number;
}

const CLIENT_CONFIG = {
  region: "eu-west-1",
  credentials: { accessKeyId: "synthetic", secretAccessKey: "synthetic" },
  maxAttempts: 1,
};

export function syntheticClients(
  account: SyntheticAccount,
  options: SyntheticClientOptions = {},
): SyntheticClients {
  const index: AccountIndex = indexAccount(account);
  const latencyMs = options.latencyMs ?? 0;
  const counts = new Map<string, number>();
  const evaluations: SyntheticClients["evaluations"] = [];
  const held = new Map<string, Held>();
  const stored: StoredResults = {
    get size() {
      return held.size;
    },
    clear: () => held.clear(),
    alter: (count) => {
      let altered = 0;
      for (const result of held.values()) {
        if (altered++ >= count) break;
        result.Annotation = `${result.Annotation ?? ""} (before the change)`;
      }
    },
  };
  /** GetComplianceDetailsByConfigRule's answer: a page of 100, NextToken the next offset. */
  const storedPage = (input: { Limit?: number; NextToken?: string }) => {
    const all = [...held.values()];
    const from = Number(input.NextToken ?? 0);
    const to = from + Math.min(input.Limit ?? 10, 100);
    return {
      EvaluationResults: all.slice(from, to).map((result) => ({
        EvaluationResultIdentifier: {
          EvaluationResultQualifier: {
            ResourceType: result.ComplianceResourceType,
            ResourceId: result.ComplianceResourceId,
          },
          OrderingTimestamp: result.OrderingTimestamp,
        },
        ComplianceType: result.ComplianceType,
        Annotation: result.Annotation,
        ResultRecordedTime: result.OrderingTimestamp,
      })),
      ...(to < all.length ? { NextToken: String(to) } : {}),
    };
  };
  const calls: CallCounter = {
    counts,
    total: () => [...counts.values()].reduce((sum, count) => sum + count, 0),
    byOperation: () =>
      Object.fromEntries([...counts.entries()].sort(([a], [b]) => a.localeCompare(b))),
    reset: () => {
      counts.clear();
      evaluations.length = 0;
    },
  };

  const answering =
    (service: string) =>
    (_next: unknown, context: { commandName?: string }) =>
    async (args: { input: unknown }) => {
      const operation = `${service}:${String(context.commandName).replace(/Command$/, "")}`;
      counts.set(operation, (counts.get(operation) ?? 0) + 1);
      if (latencyMs > 0) await new Promise((done) => setTimeout(done, latencyMs));
      const input = args.input as Input;
      let output: object;
      if (operation === "config:GetComplianceDetailsByConfigRule") {
        output = storedPage(args.input as { Limit?: number; NextToken?: string });
      } else {
        const answer = ANSWERS[operation];
        if (!answer) throw new Error(`The synthetic account does not answer ${operation}.`);
        output = answer(index, input);
      }
      if (operation === "config:PutEvaluations") {
        evaluations.push(...(input.Evaluations ?? []));
        for (const evaluation of (input.Evaluations ?? []) as Held[]) {
          held.set(`${evaluation.ComplianceResourceType} ${evaluation.ComplianceResourceId}`, {
            ...evaluation,
          });
        }
      }
      return {
        output: {
          ...output,
          $metadata: { httpStatusCode: 200, attempts: 1, totalRetryDelay: 0 },
        } as never,
        response: undefined,
      };
    };
  const at = { step: "initialize", priority: "high", name: "syntheticAccount" } as const;
  const clients = {
    config: new ConfigServiceClient(CLIENT_CONFIG),
    iam: new IAMClient(CLIENT_CONFIG),
    ec2: new EC2Client(CLIENT_CONFIG),
  };
  clients.config.middlewareStack.add(answering("config"), at);
  clients.iam.middlewareStack.add(answering("iam"), at);
  clients.ec2.middlewareStack.add(answering("ec2"), at);
  return { ...clients, calls, evaluations, stored };
}
