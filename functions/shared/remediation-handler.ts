/**
 * The one implementation of a remediation Lambda: read its settings from the environment, read
 * the compliance change EventBridge delivers, check it is for this remediation, plan, then carry
 * each step out (or, in `report` mode, say what it would do), one structured log line per step.
 *
 * A remediation declares its actions as Cloud Custodian's do: each kind of step names the API
 * call that carries it out and the IAM permission that call needs, so the role of a mode is
 * derived from the steps that mode can plan, and the act / report / already-done loop is here
 * only.
 */
import type { BoundaryCodec } from "./boundary";
import { isBoundaryError } from "./boundary";
import {
  ComplianceChange,
  ComplianceChangeEvent,
  parseComplianceChange,
} from "./compliance-change";
import { ApiCall, ApiCallEvent, parseApiCall } from "./api-call";
import { Logger, jsonLogger } from "./log";
import type { LambdaContext } from "./rule-handler";

/** A step of a plan: what to do, with the details people read in the log and the report. */
export interface Step {
  action: string;
}

/** Nothing to do: the resource is exempt, already compliant, or gone. */
export interface NoStep extends Step {
  action: "none";
  reason: string;
  userName?: string;
}

/** One thing a remediation did, or in report mode would have done. */
export interface RemediationAction {
  action: string;
  [detail: string]: unknown;
  /** done: changed; reported: report mode, nothing changed; already-done: nothing left to change. */
  outcome: "done" | "reported" | "already-done";
}

/** How one kind of step is carried out: the API call, and the permission it needs. */
export interface ActionSpec<S extends Step, Clients> {
  permissions: readonly string[];
  /** Makes the call. "already-done" when AWS says there was nothing left to change. */
  run(step: S, clients: Clients): Promise<"done" | "already-done">;
}

export type ActionSpecs<S extends Step, Clients> = {
  [A in Exclude<S["action"], "none">]: ActionSpec<Extract<S, { action: A }>, Clients>;
};

/**
 * The role of a mode: the reads it always makes, plus, unless it only reports, the permissions
 * of every kind of step it can plan.
 */
export function remediationPermissions<S extends Step, Clients>(
  reads: readonly string[],
  actions: ActionSpecs<S, Clients>,
  plannable: ReadonlyArray<Exclude<S["action"], "none">>,
  mode: string,
): string[] {
  const acting =
    mode === "report"
      ? []
      : plannable.flatMap(
          (action) => (actions[action] as { permissions: readonly string[] }).permissions,
        );
  return [...new Set([...reads, ...acting])];
}

export interface RemediationSummary {
  remediation: string;
  resourceId?: string;
  mode: string;
  actions: RemediationAction[];
  skipped?: string;
}

export interface Remediation<Environment extends { mode: string }, S extends Step, Clients> {
  name: string;
  ruleName: string;
  resourceTypes: readonly string[];
  /** Its settings, read once per cold start with the codec that wrote them. */
  environment: BoundaryCodec<Environment>;
  actions: ActionSpecs<S, Clients>;
  /** Reads what the repair depends on and says what to do; changes nothing. */
  plan(change: ComplianceChange, environment: Environment, log: Logger): Promise<Array<S | NoStep>>;
  /**
   * Runs on an EventBridge schedule, for work no compliance change announces; undefined where
   * the settings leave no such work (the event is then ignored like any other).
   */
  sweep?(environment: Environment, log: Logger): Promise<Array<S | NoStep>> | undefined;
  /**
   * Real-time repair: the resources an API call may have put in breach of the rule, as the
   * rule's compliance change would name them. Never a verdict: each is planned as a change is,
   * from its current state, so one already compliant is left alone.
   */
  fromApiCall?(call: ApiCall, environment: Environment): Promise<ComplianceChange[]>;
}

export interface RemediationDependencies {
  log?: Logger;
  /** The function's environment variables (`process.env` in Lambda). */
  env: Readonly<Record<string, string | undefined>>;
}

interface ScheduledEvent {
  "detail-type"?: string;
  source?: string;
}

export type RemediationHandler = (
  event: ComplianceChangeEvent & ScheduledEvent & ApiCallEvent,
  /** Lambda's; an organization's function reads its own partition from it. */
  context?: LambdaContext,
) => Promise<RemediationSummary>;

export function createRemediationHandler<
  Environment extends { mode: string },
  S extends Step,
  Clients,
>(
  remediation: Remediation<Environment, S, Clients>,
  clients: Clients,
  dependencies: RemediationDependencies,
): RemediationHandler {
  const log = dependencies.log ?? jsonLogger;
  let environment: Environment | undefined;
  let unreadable: string[] | undefined;
  try {
    environment = remediation.environment.decode(dependencies.env);
  } catch (error) {
    if (!isBoundaryError(error)) throw error;
    unreadable = error.problems;
  }

  const summary = (
    mode: string,
    actions: RemediationAction[],
    extra: Partial<RemediationSummary> = {},
  ): RemediationSummary => ({ remediation: remediation.name, mode, actions, ...extra });

  async function carryOut(
    steps: Array<S | NoStep>,
    env: Environment,
  ): Promise<RemediationAction[]> {
    const actions: RemediationAction[] = [];
    for (const step of steps) {
      actions.push({ ...step, outcome: await outcomeOf(step, env) } as RemediationAction);
    }
    for (const action of actions) {
      log("INFO", "Remediation action", {
        remediation: remediation.name,
        mode: env.mode,
        ...action,
      });
    }
    if (actions.length === 0) {
      log("INFO", "Nothing to remediate", { remediation: remediation.name, mode: env.mode });
    }
    return actions;
  }

  async function outcomeOf(
    step: S | NoStep,
    env: Environment,
  ): Promise<RemediationAction["outcome"]> {
    if (step.action === "none") return "already-done";
    if (env.mode === "report") return "reported";
    const spec = remediation.actions[step.action as Exclude<S["action"], "none">] as ActionSpec<
      S,
      Clients
    >;
    try {
      return await spec.run(step as S, clients);
    } catch (error) {
      // Gone meanwhile (deleted by someone else, or revoked by a concurrent run): the state the
      // step aimed for.
      if (isAlreadyGone(error)) return "already-done";
      throw error;
    }
  }

  return async (event) => {
    if (!environment) {
      // A retry would read the same environment: log what is wrong and do nothing.
      log("ERROR", "Remediation not run: unreadable settings", {
        remediation: remediation.name,
        problems: unreadable,
      });
      return summary("unknown", [], { skipped: `unreadable settings: ${unreadable?.join(" ")}` });
    }
    const env = environment;
    const sweep =
      event?.["detail-type"] === "Scheduled Event" && event.source === "aws.events"
        ? remediation.sweep?.(env, log)
        : undefined;
    if (sweep) return summary(env.mode, await carryOut(await sweep, env));
    const call = event ? parseApiCall(event) : undefined;
    if (call) {
      if (!remediation.fromApiCall) {
        const reason = `${call.eventName} is not watched`;
        log("WARN", "Event ignored", { remediation: remediation.name, reason });
        return summary(env.mode, [], { skipped: reason });
      }
      const steps: Array<S | NoStep> = [];
      const changes = await remediation.fromApiCall(call, env);
      for (const change of changes) steps.push(...(await remediation.plan(change, env, log)));
      log("INFO", "API call checked", {
        remediation: remediation.name,
        eventName: call.eventName,
        resources: changes.map((change) => change.resourceId),
      });
      return summary(env.mode, await carryOut(steps, env), {
        resourceId: changes.map((change) => change.resourceId).join(",") || undefined,
      });
    }
    const change = event ? parseComplianceChange(event) : undefined;
    const skip = (reason: string) => {
      log("WARN", "Event ignored", { remediation: remediation.name, reason });
      return summary(env.mode, [], { skipped: reason, resourceId: change?.resourceId });
    };
    if (!change) return skip("not a Config Rules Compliance Change event");
    if (change.ruleName !== remediation.ruleName)
      return skip(`for rule ${change.ruleName}, not ${remediation.ruleName}`);
    if (!remediation.resourceTypes.includes(change.resourceType))
      return skip(`${change.resourceType} is not remediated`);
    if (change.compliance !== "NON_COMPLIANT") return skip(`the resource is ${change.compliance}`);
    const steps = await remediation.plan(change, env, log);
    return summary(env.mode, await carryOut(steps, env), { resourceId: change.resourceId });
  };
}

/** The AWS error codes that mean "already gone": the desired state, reached by someone else. */
export function isAlreadyGone(error: unknown): boolean {
  const name = (error as { name?: string; Code?: string })?.name ?? "";
  return /NotFound|NoSuchEntity/.test(name);
}

/** The resource to repair no longer exists: nothing left to do. */
export function resourceGone(what: string): NoStep {
  return { action: "none", reason: `${what} no longer exists` };
}
