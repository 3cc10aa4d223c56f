/** The settings of the running Pulumi program, from the strings the engine hands it. */
import { Region } from "@pulumi/aws/types/enums";
import * as pulumi from "@pulumi/pulumi";
import { CONFIG_SCHEMA, ConfigKeySpec, Settings } from "./schema";
import { ConfigError, parseSettings } from "./settings";
import { closest } from "./suggest";

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

/** Regions the AWS provider knows (its own enum, so a new region arrives with the provider). */
const AWS_REGIONS: readonly string[] = Object.values(Region);

/**
 * The settings from the configuration exactly as the engine hands it to the program: every key
 * namespaced, every value a string (`pulumi config set maxInactiveDays 45` stores "45"). The
 * offline `npm start` reads a stack file through this too, so both decode the same way. Besides
 * the project's own keys, a namespace one typo away from the project's and an `aws:region` AWS
 * does not have are refused: either would otherwise be silently ignored.
 */
export function settingsFromConfig(
  all: Readonly<Record<string, string>>,
  namespace: string,
): Settings {
  const problems: string[] = [];
  const raw: Record<string, unknown> = {};
  for (const [fullKey, value] of Object.entries(all)) {
    const separator = fullKey.indexOf(":");
    const keyNamespace = fullKey.slice(0, separator);
    const key = fullKey.slice(separator + 1);
    if (keyNamespace === namespace) {
      raw[key] = decodeConfigValue(key, value);
    } else if (keyNamespace !== "aws" && closest(keyNamespace, [namespace]) === namespace) {
      problems.push(
        `${fullKey}: the namespace ${keyNamespace} is not this project's; did you mean ${namespace}:${key}?`,
      );
    } else if (fullKey === "aws:region" && !AWS_REGIONS.includes(value)) {
      const hint = closest(value, AWS_REGIONS);
      problems.push(
        `aws:region: ${JSON.stringify(value)} is not an AWS region${hint ? `; did you mean ${hint}?` : ""} Known regions: ${AWS_REGIONS.join(", ")}.`,
      );
    }
  }
  let settings: Settings | undefined;
  try {
    settings = parseSettings(raw, namespace);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
  }
  if (problems.length > 0 || !settings) throw new ConfigError(problems);
  return settings;
}

/**
 * Reads this project's keys from the running Pulumi program's configuration. Throws a
 * pulumi.RunError (printed by the CLI without a stack trace) listing every problem.
 */
export function loadSettings(): Settings {
  try {
    return settingsFromConfig(pulumi.runtime.allConfig(), pulumi.getProject());
  } catch (error) {
    if (error instanceof ConfigError) throw new pulumi.RunError(error.message);
    throw error;
  }
}
