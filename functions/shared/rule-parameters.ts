/**
 * Reading a rule's `ruleParameters` (a map of names to text): one error shape naming the
 * parameter, its value and the accepted form, so a rule edited by hand in the console fails
 * with a readable log line instead of a crash loop.
 */
import { PortRange, isPortRangeError, parsePortList } from "../rules/ports";

export interface RuleParameterError extends Error {
  name: "RuleParameterError";
}

/** Where parameters come from: a rule's `ruleParameters`, or a Lambda's environment. */
export type ParameterSource = "ruleParameters" | "environment";

export function ruleParameterError(
  name: string,
  value: string | undefined,
  form: string,
  source: ParameterSource = "ruleParameters",
): RuleParameterError {
  const shown = value === undefined ? "missing" : `${JSON.stringify(value)} is invalid`;
  return Object.assign(new Error(`${source}.${name}: ${shown}; expected ${form}.`), {
    name: "RuleParameterError" as const,
  });
}

export function isRuleParameterError(error: unknown): error is RuleParameterError {
  return error instanceof Error && error.name === "RuleParameterError";
}

export function positiveIntegerParameter(
  parameters: Readonly<Record<string, string>>,
  name: string,
  fallback: number,
  source?: ParameterSource,
): number {
  const value = parameters[name];
  if (value === undefined) return fallback;
  if (!/^\s*\d+\s*$/.test(value) || Number(value) < 1) {
    throw ruleParameterError(name, value, "a whole number of at least 1", source);
  }
  return Number(value);
}

/** A comma-separated list ("ci-deployer,monitoring"); absent means empty. */
export function listParameter(
  parameters: Readonly<Record<string, string>>,
  name: string,
): string[] {
  return (parameters[name] ?? "")
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
}

export function portsParameter(
  parameters: Readonly<Record<string, string>>,
  name: string,
  fallback: readonly PortRange[],
  source?: ParameterSource,
): PortRange[] {
  const value = parameters[name];
  if (value === undefined) return [...fallback];
  try {
    return parsePortList(value);
  } catch (error) {
    if (isPortRangeError(error)) {
      throw ruleParameterError(
        name,
        value,
        'comma-separated ports or ranges, e.g. "22,3389,8000-8100"',
        source,
      );
    }
    throw error;
  }
}

export function requiredParameter(
  parameters: Readonly<Record<string, string>>,
  name: string,
  pattern: RegExp,
  form: string,
  source?: ParameterSource,
): string {
  const value = parameters[name];
  if (value === undefined || !pattern.test(value))
    throw ruleParameterError(name, value, form, source);
  return value;
}

/** The environment as parameters: Lambda settings arrive as environment variables. */
export function environmentParameters(
  env: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}
