/**
 * The stack settings from configuration values already decoded to JSON types (as YAML or
 * `pulumi config --json` gives them). All problems are collected and reported together, before
 * any resource is registered, so a half-valid configuration is never deployed.
 */
import { boundaryProblems } from "../functions/catalog";
import { describeInvalid, isInvalidValue } from "../functions/shared/checks";
import {
  AccountOverride,
  CONFIG_SCHEMA,
  ConfigKey,
  ConfigKeySpec,
  ORGANIZATION_KEYS,
  OVERRIDABLE_KEYS,
  Settings,
} from "./schema";
import { closest } from "./suggest";

export class ConfigError extends Error {
  override name = "ConfigError";
  constructor(readonly problems: readonly string[]) {
    super(
      `Invalid stack configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}); ` +
        "fix with `pulumi config set` and run again:\n" +
        problems.map((problem) => `  - ${problem}`).join("\n"),
    );
  }
}

/**
 * Keys are without the project namespace; `namespace` only prefixes them in messages. Throws
 * one ConfigError listing every problem.
 */
export function parseSettings(
  raw: Readonly<Record<string, unknown>>,
  namespace = "guardrails",
): Settings {
  const problems: string[] = [];
  const keys = Object.keys(CONFIG_SCHEMA);

  for (const key of Object.keys(raw)) {
    if (!(key in CONFIG_SCHEMA)) {
      const hint = closest(key, keys);
      problems.push(
        `${namespace}:${key} is not a setting of this program` +
          (hint ? `; did you mean ${namespace}:${hint}?` : "") +
          ` Known keys: ${keys.join(", ")}.`,
      );
    }
  }

  const settings: Record<string, unknown> = {};
  for (const key of keys as ConfigKey[]) {
    const spec: ConfigKeySpec = CONFIG_SCHEMA[key];
    const value = raw[key] === undefined ? spec.default : raw[key];
    if (value === undefined) continue;
    try {
      settings[key] = spec.check(value);
    } catch (error) {
      if (!isInvalidValue(error)) throw error;
      problems.push(...describeInvalid(`${namespace}:${key}`, value, error));
    }
  }

  if (raw.restrictedSshTagValue !== undefined && raw.restrictedSshTagKey === undefined) {
    problems.push(
      `${namespace}:restrictedSshTagValue needs ${namespace}:restrictedSshTagKey: a tag scope is a key, optionally with a value.`,
    );
  }
  problems.push(...deploymentProblems(raw, settings, namespace));
  if (problems.length > 0) throw new ConfigError(problems);

  // Only on valid settings: what the rules and remediations would carry across their boundaries.
  const checked = settings as Settings;
  const oversized = boundaryProblems(checked);
  if (oversized.length > 0) throw new ConfigError(oversized);
  return checked;
}

/**
 * What a deployment needs and what it would ignore: an organization's keys on a single-account
 * stack are a mistake to name, not to skip in silence.
 */
function deploymentProblems(
  raw: Readonly<Record<string, unknown>>,
  settings: Readonly<Record<string, unknown>>,
  namespace: string,
): string[] {
  const key = (name: string) => `${namespace}:${name}`;
  if (settings.deployment === "account") {
    // A default spelt out (Pulumi.yaml's own) says nothing about the deployment.
    const given = (name: (typeof ORGANIZATION_KEYS)[number]) =>
      raw[name] !== undefined &&
      JSON.stringify(raw[name]) !== JSON.stringify((CONFIG_SCHEMA[name] as ConfigKeySpec).default);
    return ORGANIZATION_KEYS.filter(given).map(
      (name) =>
        `${key(name)} is read only with ${key("deployment")} management or audit; this stack deploys one account.`,
    );
  }
  const needed =
    settings.deployment === "management"
      ? (["homeRegion", "regions", "auditAccountId", "organizationTargets"] as const)
      : (["homeRegion", "regions"] as const);
  const problems = needed
    .filter((name) => raw[name] === undefined)
    .map(
      (name) =>
        `${key(name)} is required with ${key("deployment")} ${String(settings.deployment)}.`,
    );
  if (settings.deployment === "audit") {
    // The audit stack is the delegated administrator itself, and deploys no StackSet.
    for (const name of ["auditAccountId", "organizationTargets"] as const) {
      if (raw[name] !== undefined) {
        problems.push(
          `${key(name)} is read only with ${key("deployment")} management (the management account's stack).`,
        );
      }
    }
  }
  // What an organization cannot do yet: say so rather than deploy less than was asked for.
  const overrides = (settings.accountOverrides ?? {}) as Record<string, AccountOverride>;
  const deletes = [
    ...(settings.accessKeyRemediation === "delete" ? [key("accessKeyRemediation")] : []),
    ...Object.entries(overrides)
      .filter(([, override]) => override.accessKeyRemediation === "delete")
      .map(
        ([target]) => `${key("accountOverrides")}[${JSON.stringify(target)}].accessKeyRemediation`,
      ),
  ];
  for (const where of deletes) {
    problems.push(
      `${where}: "delete" is not available with ${key("deployment")} ${String(settings.deployment)}; accepted: report or deactivate. Deleting after the grace period takes a daily sweep of every member account, which an organization does not have yet.`,
    );
  }
  if (settings.realtimeRemediation === true) {
    problems.push(
      `${key("realtimeRemediation")}: true is not available with ${key("deployment")} ${String(settings.deployment)} yet; accepted: false. Each member's API calls would have to reach the audit account's functions.`,
    );
  }
  // A function exists only where the stack's mode deploys it: an override may tune it or turn
  // it off for some accounts, not create it for them.
  for (const [target, override] of Object.entries(overrides)) {
    for (const name of OVERRIDABLE_KEYS) {
      if (name === "exemptUsers") continue;
      if (override[name] !== undefined && override[name] !== "off" && settings[name] === "off") {
        problems.push(
          `${key("accountOverrides")}[${JSON.stringify(target)}].${name}: ${JSON.stringify(override[name])} would turn on a remediation ${key(name)} turns off; set ${key(name)} on the stack, and "off" for the accounts where it must not act.`,
        );
      }
    }
  }
  for (const name of ["defaultSecurityGroupRemediation", "publicSecurityGroupRemediation"]) {
    if (settings[name] === "automatic") {
      problems.push(
        `${key(name)}: "automatic" is not available with ${key("deployment")} ${String(settings.deployment)}; AWS Config attaches SSM remediations to an account's own rules, and a member's organization rules are AWS's. Use the Lambda remediations, or report.`,
      );
    }
  }
  const { homeRegion, regions } = settings as { homeRegion?: string; regions?: string[] };
  if (homeRegion !== undefined && regions !== undefined && !regions.includes(homeRegion)) {
    problems.push(
      `${key("homeRegion")}: ${JSON.stringify(homeRegion)} is not one of ${key("regions")} (${regions.join(", ")}); the home region must be covered too.`,
    );
  }
  return problems;
}

/**
 * The settings as they apply in one account: the stack's, then each override in `targets`
 * order (farthest OU first, the account itself last), exempt users added, modes replaced.
 */
export function settingsIn(settings: Settings, targets: readonly string[]): Settings {
  let applied = settings;
  for (const target of targets) {
    const override = settings.accountOverrides[target];
    if (!override) continue;
    applied = {
      ...applied,
      ...override,
      exemptUsers: [...applied.exemptUsers, ...(override.exemptUsers ?? [])],
    };
  }
  return applied;
}
