/**
 * The settings the pack's policies accept in `--policy-pack-config`, in one place: their JSON
 * schemas (shown by the CLI and checked against the config file), their defaults and their checks.
 *
 * Defaults are the stack's own (config.ts CONFIG_SCHEMA), so the pack judges a stack with the
 * thresholds the Config rules use unless told otherwise. They are applied here as well as in
 * the schemas because only the CLI applies a schema's defaults: a policy called directly (tests,
 * another pack reusing these policies) gets `{}` from args.getConfig().
 */
import { PolicyConfigSchema } from "@pulumi/policy";
import { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import { CONFIG_SCHEMA } from "../config";
import { Check, describeInvalid, isInvalidValue } from "../functions/shared/checks";
import { PortRange } from "../functions/rules/ports";

export interface PolicySettings {
  forbiddenPorts: PortRange[];
  exemptUsers: string[];
  mfaPolicyName: string;
  maxAccessKeyAge: number;
}

export type SettingKey = keyof PolicySettings;

interface SettingSpec<T> {
  schema: PolicyConfigJSONSchema;
  /** The stack setting's own check: a value the stack refuses, the pack refuses too. */
  check: Check<T>;
}

const SETTINGS: { [K in SettingKey]: SettingSpec<PolicySettings[K]> } = {
  forbiddenPorts: {
    schema: {
      type: "array",
      items: { type: ["string", "integer"] },
      minItems: 1,
      description: CONFIG_SCHEMA.forbiddenPorts.description,
      default: CONFIG_SCHEMA.forbiddenPorts.default,
    },
    check: CONFIG_SCHEMA.forbiddenPorts.check,
  },
  exemptUsers: {
    schema: {
      type: "array",
      items: { type: "string" },
      description: CONFIG_SCHEMA.exemptUsers.description,
      default: CONFIG_SCHEMA.exemptUsers.default,
    },
    check: CONFIG_SCHEMA.exemptUsers.check,
  },
  mfaPolicyName: {
    schema: {
      type: "string",
      minLength: 1,
      description: CONFIG_SCHEMA.mfaPolicyName.description,
      default: CONFIG_SCHEMA.mfaPolicyName.default,
    },
    check: CONFIG_SCHEMA.mfaPolicyName.check,
  },
  maxAccessKeyAge: {
    schema: {
      type: "integer",
      minimum: 1,
      maximum: 3650,
      description: CONFIG_SCHEMA.maxAccessKeyAge.description,
      default: CONFIG_SCHEMA.maxAccessKeyAge.default,
    },
    check: CONFIG_SCHEMA.maxAccessKeyAge.check,
  },
};

/** The configSchema of a policy that reads `keys`. */
export function configSchema(keys: readonly SettingKey[]): PolicyConfigSchema {
  return { properties: Object.fromEntries(keys.map((key) => [key, SETTINGS[key].schema])) };
}

export class PolicyConfigError extends Error {
  override name = "PolicyConfigError";
  constructor(
    readonly policyName: string,
    readonly problems: readonly string[],
  ) {
    super(
      `Invalid config of policy ${policyName} (fix it in the --policy-pack-config file):\n` +
        problems.map((problem) => `  - ${problem}`).join("\n"),
    );
  }
}

/**
 * The policy's config merged over the defaults and checked; every problem is reported at once,
 * and a key the policy does not read is one of them (a setting under the wrong policy would
 * otherwise be silently ignored).
 */
export function readSettings<K extends SettingKey>(
  policyName: string,
  keys: readonly K[],
  args: { getConfig<T extends object>(): T },
): Pick<PolicySettings, K> {
  const config: Record<string, unknown> = args.getConfig<Record<string, unknown>>();
  const problems: string[] = Object.keys(config)
    .filter((key) => !(keys as readonly string[]).includes(key))
    .map((key) => `${key} is not a setting of this policy; it reads ${keys.join(", ") || "none"}.`);
  const settings: Partial<Pick<PolicySettings, K>> = {};
  for (const key of keys) {
    const spec = SETTINGS[key] as SettingSpec<PolicySettings[K]>;
    const value = config[key] === undefined ? spec.schema.default : config[key];
    try {
      settings[key] = spec.check(value);
    } catch (error) {
      if (!isInvalidValue(error)) throw error;
      problems.push(...describeInvalid(key, value, error));
    }
  }
  if (problems.length > 0) throw new PolicyConfigError(policyName, problems);
  return settings as Pick<PolicySettings, K>;
}
