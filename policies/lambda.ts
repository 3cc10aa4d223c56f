/**
 * Lambda policies: every function's logs expire. A function without a log group of its own in
 * the stack gets one created by Lambda on first run, `/aws/lambda/<name>`, with no retention,
 * outside the stack and kept forever (the cw-loggroup-retention-period-check Config rule would
 * report it, after the fact).
 */
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { TYPES } from "./resource-types";
import { UNKNOWN, Unknown, known, knownText, resourcesOfType } from "./resources";

export interface FunctionLogGroup {
  /** What the function logs to, for messages: a name, or "its loggingConfig.logGroup". */
  expected: string;
  logGroup?: PolicyResource;
}

/**
 * The log group the function writes to: its loggingConfig.logGroup if set, else
 * `/aws/lambda/<function name>`. Matched by name where known; at preview a name computed from
 * another resource is unknown, and then by the dependency the engine records between the two
 * (`loggingConfig: { logGroup: group.name }`, or a group named after `fn.name`).
 */
export function logGroupOf(
  fn: PolicyResource,
  logGroups: readonly PolicyResource[],
): FunctionLogGroup {
  const dependsOn = (resource: PolicyResource, property: string, target: PolicyResource) =>
    (resource.propertyDependencies[property] ?? []).some((d) => d.urn === target.urn);
  const named = (name: string | Unknown) =>
    name === UNKNOWN ? undefined : logGroups.find((group) => knownText(group, "name") === name);

  const configured = known<unknown>(
    () => (fn.props["loggingConfig"] as { logGroup?: unknown } | undefined)?.logGroup,
  );
  if (typeof configured === "string") {
    return { expected: configured, logGroup: named(configured) };
  }
  if (configured === UNKNOWN) {
    return {
      expected: "its loggingConfig.logGroup",
      logGroup: logGroups.find((group) => dependsOn(fn, "loggingConfig", group)),
    };
  }
  const functionName = knownText(fn, "name");
  return {
    expected: functionName === UNKNOWN ? "/aws/lambda/<name>" : `/aws/lambda/${functionName}`,
    logGroup:
      named(functionName === UNKNOWN ? UNKNOWN : `/aws/lambda/${functionName}`) ??
      logGroups.find((group) => dependsOn(group, "name", fn)),
  };
}

export const lambdaLogGroupRetention: StackValidationPolicy = {
  name: "lambda-log-group-retention",
  description:
    "Every Lambda function of the stack should have a CloudWatch log group with retentionInDays in the same stack (/aws/lambda/<name>, or its loggingConfig.logGroup).",
  enforcementLevel: "advisory",
  validateStack: (args, reportViolation) => {
    const logGroups = resourcesOfType(args.resources, TYPES.logGroup);
    for (const fn of resourcesOfType(args.resources, TYPES.lambdaFunction)) {
      const name = knownText(fn, "name");
      const label = name === UNKNOWN ? fn.name : name;
      const { expected, logGroup } = logGroupOf(fn, logGroups);
      if (!logGroup) {
        reportViolation(
          `Lambda functions must have a log group with retentionInDays in the stack; ${label} has none (${expected}), so Lambda creates one that keeps logs forever.`,
          fn.urn,
        );
        continue;
      }
      const retention = known<unknown>(() => logGroup.props["retentionInDays"]);
      // Unknown at preview (computed from another output): judged at `pulumi up`.
      if (retention === UNKNOWN) continue;
      if (typeof retention !== "number" || retention <= 0) {
        reportViolation(
          `Lambda log groups must set retentionInDays; the log group of ${label} (${expected}) keeps logs forever.`,
          logGroup.urn,
        );
      }
    }
  },
};

export const LAMBDA_POLICIES = [lambdaLogGroupRetention];
