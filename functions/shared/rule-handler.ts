/**
 * The one implementation of a custom Config rule's Lambda: parse the event, fetch what the
 * notification left out, hand the evaluator's verdicts to PutEvaluations in batches. A rule
 * supplies only its parameters and its evaluation (as rdklib's evaluate_change /
 * evaluate_periodic).
 */
import {
  ConfigServiceClient,
  GetResourceConfigHistoryCommand,
  PutEvaluationsCommand,
} from "@aws-sdk/client-config-service";
import { Verdict } from "../rules/verdict";
import {
  ConfigRuleEvent,
  ConfigurationItem,
  DELETED_STATUSES,
  EVALUATED_STATUSES,
  NOT_RECORDED_STATUSES,
  Notification,
  configEventError,
  isConfigEventError,
  itemFromHistory,
  parseInvokingEvent,
  parseRuleParameters,
} from "./config-event";
import { MAX_EVALUATIONS_PER_CALL, chunk, toEvaluation } from "./evaluations";
import { Logger, jsonLogger } from "./log";
import { changedVerdicts } from "./stored-results";
import { isUnreadable } from "../rules/unreadable";
import { BoundaryCodec, isBoundaryError } from "./boundary";

/** The calls every custom rule's role needs, whatever the rule evaluates. */
export const RULE_HANDLER_PERMISSIONS = [
  "config:PutEvaluations",
  "config:GetResourceConfigHistory",
] as const;

export interface RuleContext {
  /** The time to judge ages against. */
  now: Date;
  /** Milliseconds left before Lambda stops the invocation. */
  remainingTimeMs(): number;
  log: Logger;
}

export interface CustomRule<Parameters> {
  name: string;
  /** Types this rule evaluates on change; an item of another type is NOT_APPLICABLE. */
  resourceTypes: readonly string[];
  /** The rule's InputParameters, read from `ruleParameters` with the codec that wrote them. */
  parameters: BoundaryCodec<Parameters>;
  /** Evaluates one changed resource (and any resource whose verdict depends on it). */
  evaluateItem(
    item: ConfigurationItem,
    parameters: Parameters,
    context: RuleContext,
  ): Promise<Verdict[]>;
  /** Periodic rules: lists and evaluates every resource in scope. */
  evaluateAll?(parameters: Parameters, context: RuleContext): Promise<Verdict[]>;
  /**
   * Periodic rules: the days after which a result Config holds is sent again though unchanged.
   * A periodic run sends only what changed; change notifications always send.
   */
  refreshDays?(parameters: Parameters): number;
}

export interface RuleHandlerDependencies {
  config: ConfigServiceClient;
  log?: Logger;
  now?: () => Date;
}

/** What an invocation did, returned to Lambda and logged. */
export interface RuleRunSummary {
  rule: string;
  notification?: Notification["kind"];
  evaluations: number;
  putEvaluationsCalls: number;
  /** Why nothing was evaluated, when the event or the parameters could not be read. */
  skipped?: string;
  /** Periodic runs: verdicts Config already held, left unsent (not billed again). */
  unchanged?: number;
}

export interface LambdaContext {
  getRemainingTimeInMillis?(): number;
  /** arn:<partition>:lambda:<region>:<account>:function:<name>. */
  invokedFunctionArn?: string;
}

export type RuleHandler = (
  event: ConfigRuleEvent,
  context?: LambdaContext,
) => Promise<RuleRunSummary>;

export function createRuleHandler<Parameters>(
  rule: CustomRule<Parameters>,
  dependencies: RuleHandlerDependencies,
): RuleHandler {
  const log = dependencies.log ?? jsonLogger;
  const now = dependencies.now ?? (() => new Date());

  const unreadable = (error: unknown): error is Error =>
    isConfigEventError(error) || isBoundaryError(error) || isUnreadable(error);

  return async (event, lambdaContext) => {
    const skip = (reason: string, fields: Record<string, unknown>, kind?: Notification["kind"]) => {
      log("ERROR", `Rule not evaluated: ${reason}`, { rule: rule.name, ...fields });
      return {
        rule: rule.name,
        ...(kind ? { notification: kind } : {}),
        evaluations: 0,
        putEvaluationsCalls: 0,
        skipped: String(fields.error),
      };
    };
    let notification: Notification;
    let parameters: Parameters;
    let resultToken: string;
    try {
      resultToken = readEvent(event).resultToken;
      notification = parseInvokingEvent(event);
      parameters = rule.parameters.decode(parseRuleParameters(event));
    } catch (error) {
      // A bad event or parameters will not get better by retrying: log it and stop, rather
      // than fail and have Lambda retry the same event.
      if (!unreadable(error)) throw error;
      return skip("unreadable event or parameters", {
        error: error.message,
        ruleParameters: (event as Partial<ConfigRuleEvent> | null)?.ruleParameters,
      });
    }
    const context: RuleContext = {
      now: now(),
      remainingTimeMs: () => lambdaContext?.getRemainingTimeInMillis?.() ?? 60_000,
      log,
    };

    let verdicts: Verdict[];
    let orderingTimestamp: Date;
    let unchanged: number | undefined;
    try {
      if (notification.kind === "scheduled") {
        if (!rule.evaluateAll) {
          return {
            rule: rule.name,
            notification: notification.kind,
            evaluations: 0,
            putEvaluationsCalls: 0,
            skipped: "not periodic",
          };
        }
        verdicts = await rule.evaluateAll(parameters, context);
        orderingTimestamp = new Date(notification.notificationTime);
        if (rule.refreshDays) {
          const changed = await changedVerdicts(
            dependencies.config,
            typeof event.configRuleName === "string" ? event.configRuleName : rule.name,
            verdicts,
            { refreshDays: rule.refreshDays(parameters), now: context.now, log },
          );
          unchanged = changed.unchanged;
          verdicts = changed.send;
        }
      } else {
        const item =
          notification.kind === "change"
            ? notification.item
            : await fetchItem(dependencies.config, notification.summary);
        verdicts = await evaluateItem(
          rule,
          item,
          parameters,
          context,
          event.eventLeftScope === true,
        );
        orderingTimestamp = new Date(
          item.configurationItemCaptureTime || notification.notificationTime,
        );
      }
    } catch (error) {
      // What AWS sent cannot be read: no verdict from it, and no retry of the same data. AWS's
      // own errors (throttling, access denied) are not of these kinds and still throw.
      if (!unreadable(error)) throw error;
      return skip("unreadable item", { error: error.message }, notification.kind);
    }

    const putEvaluationsCalls = await putEvaluations(
      dependencies.config,
      resultToken,
      verdicts.map((verdict) => toEvaluation(verdict, orderingTimestamp)),
      log,
    );
    const summary: RuleRunSummary = {
      rule: rule.name,
      notification: notification.kind,
      evaluations: verdicts.length,
      putEvaluationsCalls,
      ...(unchanged === undefined ? {} : { unchanged }),
    };
    log("INFO", "Rule evaluated", {
      ...summary,
      nonCompliant: verdicts.filter((verdict) => verdict.compliance === "NON_COMPLIANT").length,
    });
    return summary;
  };
}

/** The event as Lambda hands it over: an object with the result token Config needs back. */
function readEvent(event: unknown): { resultToken: string } {
  if (!event || typeof event !== "object" || Array.isArray(event)) {
    throw configEventError(`The event is not an object: ${JSON.stringify(event)}.`);
  }
  const { resultToken } = event as { resultToken?: unknown };
  if (typeof resultToken !== "string" || resultToken === "") {
    throw configEventError("The event has no resultToken: its evaluations could not be sent.");
  }
  return { resultToken };
}

async function evaluateItem<Parameters>(
  rule: CustomRule<Parameters>,
  item: ConfigurationItem,
  parameters: Parameters,
  context: RuleContext,
  leftScope: boolean,
): Promise<Verdict[]> {
  // Always the item's own type and id, never read from inside its configuration.
  const notApplicable = (annotation: string): Verdict[] => [
    {
      resourceType: item.resourceType,
      resourceId: item.resourceId,
      compliance: "NOT_APPLICABLE",
      annotation,
    },
  ];
  const status = item.configurationItemStatus;
  if (DELETED_STATUSES.includes(status)) {
    return notApplicable(`The resource was deleted (${status}).`);
  }
  if (NOT_RECORDED_STATUSES.includes(status)) {
    return notApplicable(`AWS Config does not record the resource (${status}).`);
  }
  if (!EVALUATED_STATUSES.includes(status)) {
    throw configEventError(`Unknown configurationItemStatus ${JSON.stringify(status)}.`);
  }
  if (leftScope) return notApplicable("The resource left the rule's scope.");
  if (!rule.resourceTypes.includes(item.resourceType)) {
    return notApplicable(`${rule.name} does not evaluate ${item.resourceType}.`);
  }
  if (item.configuration === null || item.configuration === undefined) {
    return notApplicable("AWS Config recorded no configuration for the resource.");
  }
  return rule.evaluateItem(item, parameters, context);
}

/** Oversized notifications omit the item: its latest version from the configuration history. */
async function fetchItem(
  config: ConfigServiceClient,
  summary: { resourceType: string; resourceId: string },
): Promise<ConfigurationItem> {
  const history = await config.send(
    new GetResourceConfigHistoryCommand({
      resourceType: summary.resourceType as never,
      resourceId: summary.resourceId,
      limit: 1,
    }),
  );
  const latest = history.configurationItems?.[0];
  if (!latest)
    throw configEventError(
      `No configuration history for ${summary.resourceType} ${summary.resourceId}.`,
    );
  return itemFromHistory(latest);
}

/** PutEvaluations in batches of 100. Rejected evaluations fail the invocation after all batches. */
async function putEvaluations(
  config: ConfigServiceClient,
  resultToken: string,
  evaluations: ReturnType<typeof toEvaluation>[],
  log: Logger,
): Promise<number> {
  const batches = chunk(evaluations, MAX_EVALUATIONS_PER_CALL);
  let failed = 0;
  for (const batch of batches) {
    const response = await config.send(
      new PutEvaluationsCommand({ ResultToken: resultToken, Evaluations: batch }),
    );
    if (response.FailedEvaluations?.length) {
      failed += response.FailedEvaluations.length;
      log("ERROR", "Config rejected evaluations", {
        failedEvaluations: response.FailedEvaluations,
      });
    }
  }
  if (failed > 0)
    throw new Error(`Config rejected ${failed} of ${evaluations.length} evaluations.`);
  return batches.length;
}
