/**
 * Evaluates IAM policies offline with @cloud-copilot/iam-simulate (AGPL: a devDependency, used by
 * tests only, never shipped in a Lambda). The simulator fills in no context on its own: a
 * request carries exactly the context keys given (aws:username for policy variables, MFA age,
 * iam:PolicyARN), as IAM would set them for the real call.
 */
import { runSimulation, type EvaluationResult } from "@cloud-copilot/iam-simulate";

export interface NamedPolicy {
  name: string;
  policy: unknown;
}

export interface SimulatedRequest {
  /** ARN of the calling user or role. */
  principal: string;
  action: string;
  /** The resource ARN, or "*" for actions without resource types (s3:ListAllMyBuckets). */
  resource: string;
  context?: Record<string, string | string[]>;
}

export interface SimulatedDecision {
  result: EvaluationResult;
  /** Sids (or "policy#index" when unnamed) of the identity statements that denied the request. */
  deniedBy: string[];
  /** Likewise for the identity statements that allowed it. */
  allowedBy: string[];
}

/** The request as IAM would decide it, given the caller's identity policies (no SCPs or RCPs). */
export async function simulate(
  identityPolicies: NamedPolicy[],
  request: SimulatedRequest,
): Promise<SimulatedDecision> {
  const response = await runSimulation(
    {
      request: {
        principal: request.principal,
        action: request.action,
        resource: { resource: request.resource, accountId: accountOf(request) },
        contextVariables: request.context ?? {},
      },
      identityPolicies,
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    { simulationMode: "Strict" },
  );
  if (response.resultType === "error") {
    throw new Error(
      `iam-simulate rejected ${request.action} on ${request.resource}: ${JSON.stringify(response.errors)}`,
    );
  }
  if (response.resultType !== "single") {
    // A wildcard in a resource ARN makes the simulator try every pattern the policies name:
    // a test should ask about one concrete resource.
    throw new Error(`${request.resource} is not one concrete resource for ${request.action}`);
  }
  const ignored = response.result.ignoredContextKeys ?? [];
  if (ignored.length > 0) {
    // The simulator drops keys that do not apply to the action: the case would test less than
    // it says (a dropped MFA age reads as "no MFA").
    throw new Error(`iam-simulate ignored ${ignored.join(", ")} for ${request.action}`);
  }
  const identity = response.result.analysis.identityAnalysis;
  const label = (statement: {
    policyId: string;
    statement: { sid(): string | undefined; index(): number };
  }) => statement.statement.sid() ?? `${statement.policyId}#${statement.statement.index()}`;
  return {
    result: response.overallResult,
    deniedBy: (identity?.denyStatements ?? []).map(label),
    allowedBy: (identity?.allowStatements ?? []).map(label),
  };
}

function accountOf(request: SimulatedRequest): string {
  for (const arn of [request.resource, request.principal]) {
    const account = arn.split(":")[4];
    if (account && /^\d{12}$/.test(account)) return account;
  }
  throw new Error(`no account id in ${request.resource} or ${request.principal}`);
}

/**
 * Whether the simulator's catalogue of AWS actions (iam-data, from the Service Authorization
 * Reference) knows an action. Policies may name unknown actions without error, so a typo in a
 * policy would silently match nothing.
 */
export async function isKnownAction(action: string): Promise<boolean> {
  const response = await runSimulation(
    {
      request: {
        principal: "arn:aws:iam::123456789012:user/probe",
        action,
        resource: { resource: "*", accountId: "123456789012" },
        contextVariables: {},
      },
      identityPolicies: [],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    {},
  );
  return !(response.resultType === "error" && response.errors.message === "invalid.action");
}
