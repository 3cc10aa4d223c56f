/**
 * The stack settings: every `pulumi config` key this program reads, its default and its accepted
 * form, in one place. `Pulumi.yaml` declares the same keys and defaults for the CLI (a test keeps
 * the two in step); the code applies the defaults too, because the CLI applies them only under
 * `pulumi up`/`preview`, not under mocks or the offline `npm start`.
 *
 * All problems are collected and reported together, before any resource is registered, so a
 * half-valid configuration is never deployed.
 */
import * as pulumi from "@pulumi/pulumi";
import { RULE_NAMES, RuleName } from "./functions/rules/catalog";
import {
  PORT_RANGE_FORM,
  PortRange,
  isPortRangeError,
  parsePortRange,
} from "./functions/rules/ports";

export type MfaEnforcement = "group" | "attach";
export type AccessKeyRemediationMode = "off" | "report" | "deactivate" | "delete";
export type MfaRemediationMode = "off" | "report" | "enforce";
export type ExposedPortsRemediationMode = "off" | "report" | "revoke";
/** SSM remediations: `report` creates the remediation for manual use, `automatic` runs it. */
export type SsmRemediationMode = "off" | "report" | "automatic";

export interface RemediationSettings {
  accessKeys: AccessKeyRemediationMode;
  mfaPolicy: MfaRemediationMode;
  exposedPorts: ExposedPortsRemediationMode;
  defaultSecurityGroup: SsmRemediationMode;
  publicSecurityGroups: SsmRemediationMode;
  /** MaximumAutomaticAttempts of the automatic SSM remediations. */
  automaticAttempts: number;
  /** RetryAttemptSeconds of the automatic SSM remediations. */
  retrySeconds: number;
}

export interface RecorderSettings {
  /** false: reuse the recorder the account already has (one per region is allowed). */
  create: boolean;
  name: string;
  /** IAM is global: record it in one region only, or every region duplicates items and cost. */
  includeGlobalResources: boolean;
}

export interface Settings {
  forbiddenPorts: PortRange[];
  authorizedTcpPorts: string;
  authorizedUdpPorts: string | undefined;
  /** restricted-ssh's optional tag scope (seed 004). */
  restrictedSshTag: { key: string; value: string | undefined } | undefined;
  maxInactiveDays: number;
  maxAccessKeyAge: number;
  keyDeleteGraceDays: number;
  mfaPolicyName: string;
  mfaGroupName: string;
  mfaEnforcement: MfaEnforcement;
  exemptUsers: string[];
  notificationEmails: string[];
  remediation: RemediationSettings;
  recorder: RecorderSettings;
  logRetentionDays: number;
  disabledRules: RuleName[];
  tags: Record<string, string>;
}

/** The types `Pulumi.yaml` can declare, plus `object`, which it cannot (such keys stay undeclared). */
export type ConfigType = "string" | "integer" | "boolean" | "array" | "object";

export interface ConfigKeySpec {
  type: ConfigType;
  description: string;
  default?: unknown;
}

/** CloudWatch Logs accepts only these retention periods (PutRetentionPolicy). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288,
  3653,
] as const;

/** Every key this program reads, with its default. The one place defaults live. */
export const CONFIG_SCHEMA = {
  forbiddenPorts: {
    type: "array",
    default: ["22", "3389"],
    description: 'Ports or ranges ("1-1024") that must not be open to 0.0.0.0/0 or ::/0.',
  },
  authorizedTcpPorts: {
    type: "string",
    default: "443",
    description:
      'TCP ports the managed rule vpc-sg-open-only-to-authorized-ports allows open to the internet, e.g. "443,1020-1025".',
  },
  authorizedUdpPorts: {
    type: "string",
    description:
      "UDP ports the managed rule vpc-sg-open-only-to-authorized-ports allows open to the internet (unset: none).",
  },
  restrictedSshTagKey: {
    type: "string",
    description:
      "Scope restricted-ssh to security groups with this tag key (unset: every security group).",
  },
  restrictedSshTagValue: {
    type: "string",
    description: "With restrictedSshTagKey: only groups whose tag has this value.",
  },
  maxInactiveDays: {
    type: "integer",
    default: 90,
    description: "Days without any credential use after which an IAM user is inactive.",
  },
  maxAccessKeyAge: {
    type: "integer",
    default: 90,
    description: "Days after its creation at which an active access key must be rotated.",
  },
  keyDeleteGraceDays: {
    type: "integer",
    default: 14,
    description: "Days a deactivated access key stays before the delete remediation removes it.",
  },
  mfaPolicyName: {
    type: "string",
    default: "DenyActionWithoutMFA",
    description: "Name of the managed policy that denies everything but MFA set-up without MFA.",
  },
  mfaGroupName: {
    type: "string",
    default: "mfa-required",
    description: "IAM group that holds the MFA policy; remediation adds users to it.",
  },
  mfaEnforcement: {
    type: "string",
    default: "group",
    description:
      "How the MFA remediation enforces the policy: group (add the user to the group) or attach (attach the policy to the user).",
  },
  exemptUsers: {
    type: "array",
    default: [],
    description:
      "IAM user names never reported as violating and never touched by a remediation (CI and monitoring users).",
  },
  notificationEmails: {
    type: "array",
    default: [],
    description: "E-mail addresses subscribed to compliance-change notifications.",
  },
  accessKeyRemediation: {
    type: "string",
    default: "deactivate",
    description:
      "Expired access keys: off, report, deactivate (keys older than maxAccessKeyAge) or delete (keys inactive for keyDeleteGraceDays).",
  },
  mfaRemediation: {
    type: "string",
    default: "report",
    description: "Users without the MFA policy: off, report or enforce (as mfaEnforcement says).",
  },
  exposedPortsRemediation: {
    type: "string",
    default: "report",
    description:
      "Security group rules opening forbidden ports to the internet: off, report or revoke.",
  },
  defaultSecurityGroupRemediation: {
    type: "string",
    default: "report",
    description:
      "Default security groups with rules: off, report (manual SSM remediation) or automatic.",
  },
  publicSecurityGroupRemediation: {
    type: "string",
    default: "report",
    description:
      "Public SSH/RDP (AWS-DisablePublicAccessForSecurityGroup): off, report (manual) or automatic.",
  },
  remediationAttempts: {
    type: "integer",
    default: 3,
    description: "MaximumAutomaticAttempts of automatic SSM remediations (1-25).",
  },
  remediationRetrySeconds: {
    type: "integer",
    default: 60,
    description: "RetryAttemptSeconds of automatic SSM remediations (1-2678000).",
  },
  createRecorder: {
    type: "boolean",
    default: true,
    description:
      "Create the configuration recorder, delivery channel and bucket; false reuses the account's recorder.",
  },
  recorderName: {
    type: "string",
    default: "default",
    description: "Name of the configuration recorder to create, or of the existing one to reuse.",
  },
  recordGlobalResources: {
    type: "boolean",
    default: true,
    description:
      "This region records global resources (IAM) and runs the IAM rules. Turn it on in exactly one region per account.",
  },
  logRetentionDays: {
    type: "integer",
    default: 90,
    description: "CloudWatch Logs retention of every Lambda, in days (a value CloudWatch accepts).",
  },
  disabledRules: {
    type: "array",
    default: [],
    description: "Config rules not to deploy, by rule name.",
  },
  tags: {
    type: "object",
    default: {},
    description: 'Tags for every taggable resource, e.g. {Owner: platform, CostCenter: "1234"}.',
  },
} satisfies Record<string, ConfigKeySpec>;

export type ConfigKey = keyof typeof CONFIG_SCHEMA;

/** The tag every resource of this program carries, so its resources can be found and audited. */
export const PROGRAM_TAG = { ManagedBy: "aws-config-guardrails" } as const;

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

/** One reason a value fails its check; `path` points below the key, e.g. `[1]`. */
interface Flaw {
  path: string;
  value: unknown;
  reason?: string;
}

/** A value that fails its check: what is wrong, where, and which form is accepted. */
class InvalidValue extends Error {
  readonly flaws: Flaw[];
  constructor(
    readonly form: string,
    reason?: string,
    flaws?: Flaw[],
  ) {
    super(reason ?? form);
    this.flaws = flaws ?? [{ path: "", value: undefined, reason }];
  }
}

type Check<T> = (value: unknown) => T;

const IAM_NAME = /^[\w+=,.@-]+$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const USER_NAME_FORM = "an IAM user name: 1-64 letters, digits or +=,.@_-";
const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

function integer(min: number, max: number): Check<number> {
  const form = `a whole number from ${min} to ${max}`;
  return (value) => {
    if (typeof value !== "number" || !Number.isInteger(value)) throw new InvalidValue(form);
    if (value < min || value > max) throw new InvalidValue(form, `out of range`);
    return value;
  };
}

function oneOf<T extends string>(choices: readonly T[]): Check<T> {
  const form = `one of ${choices.join(", ")}`;
  return (value) => {
    if (typeof value === "string" && (choices as readonly string[]).includes(value)) {
      return value as T;
    }
    throw new InvalidValue(form);
  };
}

function boolean(value: unknown): boolean {
  if (typeof value !== "boolean") throw new InvalidValue("true or false");
  return value;
}

function text(pattern: RegExp, maxLength: number, form: string): Check<string> {
  return (value) => {
    if (typeof value !== "string" || value.length === 0 || value.length > maxLength) {
      throw new InvalidValue(form);
    }
    if (!pattern.test(value)) throw new InvalidValue(form);
    return value;
  };
}

/** Checks every item, so that all bad items are reported at once. */
function listOf<T>(item: Check<T>, itemForm: string): Check<T[]> {
  return (value) => {
    if (!Array.isArray(value)) throw new InvalidValue(`a list, each item ${itemForm}`);
    const flaws: Flaw[] = [];
    const items = value.map((element, index) => {
      try {
        return item(element);
      } catch (error) {
        if (!(error instanceof InvalidValue)) throw error;
        flaws.push({ path: `[${index}]`, value: element, reason: error.flaws[0]?.reason });
        return undefined as T;
      }
    });
    if (flaws.length > 0) throw new InvalidValue(itemForm, undefined, flaws);
    return items;
  };
}

function portRange(value: unknown): PortRange {
  try {
    return parsePortRange(value);
  } catch (error) {
    if (isPortRangeError(error)) throw new InvalidValue(PORT_RANGE_FORM, error.reason);
    throw error;
  }
}

/** The managed rule's own format: "443,1020-1025", each port 1-65535 (AWS rejects 0). */
function portList(value: unknown): string {
  const form = 'comma-separated ports 1-65535 or ranges, e.g. "443,1020-1025"';
  const textValue = typeof value === "number" ? String(value) : value;
  if (typeof textValue !== "string" || textValue.trim() === "") throw new InvalidValue(form);
  const items = textValue.split(",").map((item) => item.trim());
  for (const item of items) {
    let range: PortRange;
    try {
      range = parsePortRange(item);
    } catch (error) {
      if (isPortRangeError(error)) throw new InvalidValue(form, `${item}: ${error.reason}`);
      throw error;
    }
    if (range.from < 1) throw new InvalidValue(form, `port 0 is not accepted by AWS`);
  }
  return items.join(",");
}

function tagMap(value: unknown): Record<string, string> {
  const form =
    "a map of tag keys (1-128 characters, not starting with aws:) to text values (at most 256)";
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new InvalidValue(form);
  }
  const tags: Record<string, string> = {};
  for (const [key, tagValue] of Object.entries(value)) {
    if (key.length === 0 || key.length > 128 || !TAG_TEXT.test(key) || /^aws:/i.test(key)) {
      throw new InvalidValue(form, `tag key ${JSON.stringify(key)} is invalid`);
    }
    // Numbers are common in YAML (CostCenter: 1234); AWS stores them as text anyway.
    const textValue = typeof tagValue === "number" ? String(tagValue) : tagValue;
    if (typeof textValue !== "string" || textValue.length > 256 || !TAG_TEXT.test(textValue)) {
      throw new InvalidValue(form, `the value of ${JSON.stringify(key)} is invalid`);
    }
    tags[key] = textValue;
  }
  const total = Object.keys({ ...tags, ...PROGRAM_TAG }).length;
  if (total > 50)
    throw new InvalidValue(form, `${total} tags with the program's own; AWS allows 50`);
  return tags;
}

const days = integer(1, 3650);

export const MAX_EXEMPT_USERS_LENGTH = 850;

/**
 * Builds the settings from configuration values already decoded to JSON types (as YAML or
 * `pulumi config --json` gives them). Keys are without the project namespace; `namespace` only
 * prefixes them in messages. Throws one ConfigError listing every problem.
 */
export function parseSettings(
  raw: Readonly<Record<string, unknown>>,
  namespace = "guardrails",
): Settings {
  const problems: string[] = [];

  for (const key of Object.keys(raw)) {
    if (!(key in CONFIG_SCHEMA)) {
      const hint = closestKey(key);
      problems.push(
        `${namespace}:${key} is not a setting of this program` +
          (hint ? `; did you mean ${namespace}:${hint}?` : "") +
          ` Known keys: ${Object.keys(CONFIG_SCHEMA).join(", ")}.`,
      );
    }
  }

  function field<T>(key: ConfigKey, check: Check<T>): T {
    const spec: ConfigKeySpec = CONFIG_SCHEMA[key];
    const value = raw[key] === undefined ? spec.default : raw[key];
    if (value === undefined) return undefined as T;
    try {
      return check(value);
    } catch (error) {
      if (!(error instanceof InvalidValue)) throw error;
      for (const flaw of error.flaws) {
        const shown = flaw.path ? flaw.value : value;
        const reason = flaw.reason ? ` (${flaw.reason})` : "";
        problems.push(
          `${namespace}:${key}${flaw.path}: ${JSON.stringify(shown)} is invalid${reason}; expected ${error.form}.`,
        );
      }
      // Never used: problems are thrown below before the settings are returned.
      return undefined as T;
    }
  }

  const settings: Settings = {
    forbiddenPorts: field("forbiddenPorts", (value) => {
      const ranges = listOf(portRange, PORT_RANGE_FORM)(value);
      if (ranges.length === 0) {
        throw new InvalidValue(
          `a non-empty list of ${PORT_RANGE_FORM}`,
          "empty: use disabledRules to turn the rule off",
        );
      }
      return ranges;
    }),
    authorizedTcpPorts: field("authorizedTcpPorts", portList),
    authorizedUdpPorts: field("authorizedUdpPorts", portList),
    restrictedSshTag: tagScope(
      field("restrictedSshTagKey", text(TAG_TEXT, 128, "a tag key of 1-128 characters")),
      field("restrictedSshTagValue", text(TAG_TEXT, 256, "a tag value of 1-256 characters")),
    ),
    maxInactiveDays: field("maxInactiveDays", days),
    maxAccessKeyAge: field("maxAccessKeyAge", days),
    keyDeleteGraceDays: field("keyDeleteGraceDays", days),
    mfaPolicyName: field(
      "mfaPolicyName",
      text(IAM_NAME, 128, "an IAM policy name: 1-128 letters, digits or +=,.@_-"),
    ),
    mfaGroupName: field(
      "mfaGroupName",
      text(IAM_NAME, 128, "an IAM group name: 1-128 letters, digits or +=,.@_-"),
    ),
    mfaEnforcement: field("mfaEnforcement", oneOf(["group", "attach"] as const)),
    exemptUsers: field("exemptUsers", listOf(text(IAM_NAME, 64, USER_NAME_FORM), USER_NAME_FORM)),
    notificationEmails: field(
      "notificationEmails",
      listOf(text(EMAIL, 254, "an e-mail address"), "an e-mail address"),
    ),
    remediation: {
      accessKeys: field(
        "accessKeyRemediation",
        oneOf(["off", "report", "deactivate", "delete"] as const),
      ),
      mfaPolicy: field("mfaRemediation", oneOf(["off", "report", "enforce"] as const)),
      exposedPorts: field("exposedPortsRemediation", oneOf(["off", "report", "revoke"] as const)),
      defaultSecurityGroup: field(
        "defaultSecurityGroupRemediation",
        oneOf(["off", "report", "automatic"] as const),
      ),
      publicSecurityGroups: field(
        "publicSecurityGroupRemediation",
        oneOf(["off", "report", "automatic"] as const),
      ),
      automaticAttempts: field("remediationAttempts", integer(1, 25)),
      retrySeconds: field("remediationRetrySeconds", integer(1, 2678000)),
    },
    recorder: {
      create: field("createRecorder", boolean),
      name: field(
        "recorderName",
        text(/^[\w.-]+$/, 256, "a recorder name: 1-256 letters, digits or ._-"),
      ),
      includeGlobalResources: field("recordGlobalResources", boolean),
    },
    logRetentionDays: field("logRetentionDays", (value) => {
      if (!LOG_RETENTION_DAYS.includes(value as (typeof LOG_RETENTION_DAYS)[number])) {
        throw new InvalidValue(`one of ${LOG_RETENTION_DAYS.join(", ")}`);
      }
      return value as number;
    }),
    disabledRules: field(
      "disabledRules",
      listOf(oneOf(RULE_NAMES), `a rule name: one of ${RULE_NAMES.join(", ")}`),
    ),
    tags: field("tags", tagMap),
  };

  // The IAM rules carry the exempt users in their InputParameters, which AWS Config caps at
  // 1024 characters (the policy ARN and JSON take the rest).
  const exemptLength = settings.exemptUsers?.join(",").length ?? 0;
  if (exemptLength > MAX_EXEMPT_USERS_LENGTH) {
    problems.push(
      `${namespace}:exemptUsers: ${settings.exemptUsers.length} names, ${exemptLength} characters joined by commas, is too long; ` +
        `expected at most ${MAX_EXEMPT_USERS_LENGTH} characters (AWS Config rule parameters hold 1024): exempt fewer users, or group them under a path and contact the maintainers.`,
    );
  }

  if (raw.restrictedSshTagValue !== undefined && raw.restrictedSshTagKey === undefined) {
    problems.push(
      `${namespace}:restrictedSshTagValue needs ${namespace}:restrictedSshTagKey: a tag scope is a key, optionally with a value.`,
    );
  }

  if (problems.length > 0) throw new ConfigError(problems);
  return settings;
}

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

function tagScope(key: string | undefined, value: string | undefined) {
  return key === undefined ? undefined : { key, value };
}

/** The known key nearest to a mistyped one, if it is close enough to be a typo. */
function closestKey(key: string): string | undefined {
  let best: { key: string; distance: number } | undefined;
  for (const candidate of Object.keys(CONFIG_SCHEMA)) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (!best || distance < best.distance) best = { key: candidate, distance };
  }
  return best && best.distance <= Math.max(2, Math.floor(key.length / 4)) ? best.key : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
