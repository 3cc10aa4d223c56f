/** The settings of the running Pulumi program, from the strings the engine hands it. */
import * as pulumi from "@pulumi/pulumi";
import { CONFIG_SCHEMA, ConfigKeySpec, Settings } from "./schema";
import { ConfigError, parseSettings } from "./settings";

/**
 * Decodes the strings Pulumi hands the program (`"90"`, `'["22"]'`) into JSON types, by each
 * key's declared type. A value that does not decode is passed on as text so that its check
 * reports it with the accepted form.
 */
export function decodeConfigValue(key: string, value: string): unknown {
  const spec: ConfigKeySpec | undefined = (CONFIG_SCHEMA as Record<string, ConfigKeySpec>)[key];
  switch (spec?.type) {
    case "integer":
      return /^-?\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : value;
    case "boolean":
      return value === "true" ? true : value === "false" ? false : value;
    case "array":
    case "object":
      try {
        return JSON.parse(value);
      } catch {
        return value;
      }
    default:
      return value;
  }
}

/**
 * Reads this project's keys from the running Pulumi program's configuration. Throws a
 * pulumi.RunError (printed by the CLI without a stack trace) listing every problem.
 */
export function loadSettings(): Settings {
  const namespace = pulumi.getProject();
  const prefix = `${namespace}:`;
  const raw: Record<string, unknown> = {};
  for (const [fullKey, value] of Object.entries(pulumi.runtime.allConfig())) {
    if (fullKey.startsWith(prefix)) {
      const key = fullKey.slice(prefix.length);
      raw[key] = decodeConfigValue(key, value);
    }
  }
  try {
    return parseSettings(raw, namespace);
  } catch (error) {
    if (error instanceof ConfigError) throw new pulumi.RunError(error.message);
    throw error;
  }
}
