/**
 * The one implementation of a remediation Lambda: read the compliance change EventBridge
 * delivers, check it is for this remediation, act (or, in `report` mode, say what it would do),
 * one structured log line per action.
 */
import {
  ComplianceChange,
  ComplianceChangeEvent,
  parseComplianceChange,
} from "./compliance-change";
import { Logger, jsonLogger } from "./log";

/** One thing a remediation did, or in report mode would have done. */
export interface RemediationAction {
  action: string;
  /** done: changed; reported: report mode, nothing changed; already-done: nothing left to change. */
  outcome: "done" | "reported" | "already-done";
  [detail: string]: unknown;
}

export interface RemediationSummary {
  remediation: string;
  resourceId?: string;
  mode: string;
  actions: RemediationAction[];
  skipped?: string;
}

export interface Remediation {
  name: string;
  ruleName: string;
  resourceTypes: readonly string[];
  mode: string;
  remediate(change: ComplianceChange, log: Logger): Promise<RemediationAction[]>;
  /** Runs on an EventBridge schedule, for work no compliance change triggers. */
  sweep?(log: Logger): Promise<RemediationAction[]>;
}

export interface RemediationDependencies {
  log?: Logger;
}

interface ScheduledEvent {
  "detail-type"?: string;
  source?: string;
}

export type RemediationHandler = (
  event: ComplianceChangeEvent & ScheduledEvent,
) => Promise<RemediationSummary>;

export function createRemediationHandler(
  remediation: Remediation,
  dependencies: RemediationDependencies = {},
): RemediationHandler {
  const log = dependencies.log ?? jsonLogger;
  const summary = (
    actions: RemediationAction[],
    extra: Partial<RemediationSummary> = {},
  ): RemediationSummary => ({
    remediation: remediation.name,
    mode: remediation.mode,
    actions,
    ...extra,
  });
  return async (event) => {
    if (
      event["detail-type"] === "Scheduled Event" &&
      event.source === "aws.events" &&
      remediation.sweep
    ) {
      return summary(logged(await remediation.sweep(log), remediation, log));
    }
    const change = parseComplianceChange(event);
    const skip = (reason: string) => {
      log("WARN", "Event ignored", { remediation: remediation.name, reason });
      return summary([], { skipped: reason, resourceId: change?.resourceId });
    };
    if (!change) return skip("not a Config Rules Compliance Change event");
    if (change.ruleName !== remediation.ruleName)
      return skip(`for rule ${change.ruleName}, not ${remediation.ruleName}`);
    if (!remediation.resourceTypes.includes(change.resourceType))
      return skip(`${change.resourceType} is not remediated`);
    if (change.compliance !== "NON_COMPLIANT") return skip(`the resource is ${change.compliance}`);
    const actions = await remediation.remediate(change, log);
    return summary(logged(actions, remediation, log), { resourceId: change.resourceId });
  };
}

function logged(
  actions: RemediationAction[],
  remediation: Remediation,
  log: Logger,
): RemediationAction[] {
  for (const action of actions)
    log("INFO", "Remediation action", {
      remediation: remediation.name,
      mode: remediation.mode,
      ...action,
    });
  if (actions.length === 0)
    log("INFO", "Nothing to remediate", { remediation: remediation.name, mode: remediation.mode });
  return actions;
}

/** The AWS error codes that mean "already gone": the desired state, reached by someone else. */
export function isAlreadyGone(error: unknown): boolean {
  const name = (error as { name?: string; Code?: string })?.name ?? "";
  return /NotFound|NoSuchEntity/.test(name);
}

/** The resource to repair no longer exists: nothing left to do. */
export function resourceGone(what: string): RemediationAction {
  return { action: "none", outcome: "already-done", reason: `${what} no longer exists` };
}
