/**
 * Every `pulumi config` key this program reads: its declared type, default, meaning and check, in
 * one place. `Pulumi.yaml` and the README's table are generated from it (`npm run sync-config`),
 * and the settings type is derived from it, so a key cannot be read, documented or defaulted
 * differently in two places.
 */
import { RULE_NAMES } from "../functions/catalog";
import { ACCESS_KEY_MODES } from "../functions/remediation/access-keys/plan";
import { EXPOSED_PORTS_MODES } from "../functions/remediation/exposed-ports/plan";
import { MFA_ENFORCEMENTS, MFA_MODES } from "../functions/remediation/mfa-policy/plan";
import { SSM_MODES } from "../functions/remediation/ssm/modes";
import { PASSWORD_CHARACTER_CLASSES } from "../functions/rules/managed/cis-evaluate";
import { RULE_SETS } from "../functions/shared/definitions";
import {
  ACCOUNT_ID_FORM,
  AWS_REGION_FORM,
  Check,
  ORGANIZATION_TARGET_FORM,
  awsAccountId,
  awsRegion,
  days,
  iamGroupName,
  iamPolicyName,
  iamUserNames,
  invalidValue,
  isInvalidValue,
  listOf,
  oneOf,
  organizationTarget,
  portRange,
  text,
  trueOrFalse,
  wholeNumber,
} from "../functions/shared/checks";
import { PORT_RANGE_FORM, PortRange } from "../functions/rules/ports";

/** The types `Pulumi.yaml` can declare, plus `object`, which it cannot (such keys stay undeclared). */
export type ConfigType = "string" | "integer" | "boolean" | "array" | "object";

export interface ConfigKeySpec<T = unknown> {
  type: ConfigType;
  description: string;
  default?: unknown;
  check: Check<T>;
}

/**
 * What a stack deploys: one account and region (`account`), an organization's management
 * account (trusted access, the delegated administrator and the member baseline StackSet), or
 * its audit account, the delegated administrator (organization rules and what serves them).
 */
export const DEPLOYMENTS = ["account", "management", "audit"] as const;
export type Deployment = (typeof DEPLOYMENTS)[number];

/** The keys only an organization's stacks read. */
export const ORGANIZATION_KEYS = [
  "homeRegion",
  "regions",
  "auditAccountId",
  "organizationTargets",
  "excludedAccounts",
  "accountOverrides",
] as const;

/** CloudWatch Logs accepts only these retention periods (PutRetentionPolicy). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288,
  3653,
] as const;

/** The tag every resource of this program carries, so its resources can be found and audited. */
export const PROGRAM_TAG = { ManagedBy: "aws-config-guardrails" } as const;

const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** A remediation's modes as the stack chooses them: `off`, or one of what its Lambda accepts. */
function modes<T extends string>(acting: readonly T[]): Check<"off" | T> {
  return oneOf(["off", ...acting] as const);
}

/** The managed rule's own format: "443,1020-1025", each port 1-65535 (AWS rejects 0). */
const AWS_PORT_LIST_FORM = 'comma-separated ports 1-65535 or ranges, e.g. "443,1020-1025"';
const awsPortList: Check<PortRange[]> = (value) => {
  const textValue = typeof value === "number" ? String(value) : value;
  if (typeof textValue !== "string" || textValue.trim() === "") {
    throw invalidValue(AWS_PORT_LIST_FORM);
  }
  return textValue.split(",").map((item) => {
    let range: PortRange;
    if (item.trim() === "") throw invalidValue(AWS_PORT_LIST_FORM, "an empty item");
    try {
      range = portRange(item.trim());
    } catch (error) {
      if (!isInvalidValue(error)) throw error;
      const reason = error.flaws[0]?.reason;
      throw invalidValue(
        AWS_PORT_LIST_FORM,
        `${JSON.stringify(item.trim())}: ${reason ?? "not a port"}`,
      );
    }
    if (range.from < 1) throw invalidValue(AWS_PORT_LIST_FORM, "port 0 is not accepted by AWS");
    return range;
  });
};

const TAGS_FORM =
  "a map of tag keys (1-128 characters, not starting with aws:) to text values (at most 256)";

/** Every tag is checked, so that all bad tags are reported at once. */
const tagMap: Check<Record<string, string>> = (value) => {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw invalidValue(TAGS_FORM);
  }
  const tags: Record<string, string> = {};
  const flaws = [];
  for (const [key, tagValue] of Object.entries(value as Record<string, unknown>)) {
    if (key.length === 0 || key.length > 128 || !TAG_TEXT.test(key) || /^aws:/i.test(key)) {
      flaws.push({ path: `[${JSON.stringify(key)}]`, value: key, reason: "not a tag key" });
      continue;
    }
    // Numbers are common in YAML (CostCenter: 1234); AWS stores them as text anyway.
    const textValue = typeof tagValue === "number" ? String(tagValue) : tagValue;
    if (typeof textValue !== "string" || textValue.length > 256 || !TAG_TEXT.test(textValue)) {
      flaws.push({ path: `[${JSON.stringify(key)}]`, value: tagValue, reason: "not a tag value" });
      continue;
    }
    tags[key] = textValue;
  }
  if (flaws.length > 0) throw invalidValue(TAGS_FORM, undefined, flaws);
  const total = Object.keys({ ...tags, ...PROGRAM_TAG }).length;
  if (total > 50)
    throw invalidValue(TAGS_FORM, `${total} tags with the program's own; AWS allows 50`);
  return tags;
};

/** What one member account, or every account under an organizational unit, may set apart. */
export const OVERRIDABLE_KEYS = [
  "exemptUsers",
  "exposedPortsRemediation",
  "mfaRemediation",
  "accessKeyRemediation",
] as const;
export type OverridableKey = (typeof OVERRIDABLE_KEYS)[number];

/** One account's or OU's exceptions: more exempt users, other remediation modes. */
export type AccountOverride = { readonly [K in OverridableKey]?: Settings[K] };

const ACCOUNT_OVERRIDES_FORM = `a map of member account ids (12 digits, quoted) or organizational units (ou-...-...) to settings among ${OVERRIDABLE_KEYS.join(", ")}`;
const OVERRIDE_TARGET = /^(\d{12}|ou-[0-9a-z]{4,32}-[0-9a-z]{8,32})$/;

/** Every account and setting is checked with that setting's own check, all flaws at once. */
const accountOverrides: Check<Record<string, AccountOverride>> = (value) => {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw invalidValue(ACCOUNT_OVERRIDES_FORM);
  }
  const overrides: Record<string, AccountOverride> = {};
  const flaws: Array<{ path: string; value: unknown; reason?: string }> = [];
  for (const [target, override] of Object.entries(value as Record<string, unknown>)) {
    const at = `[${JSON.stringify(target)}]`;
    if (!OVERRIDE_TARGET.test(target)) {
      flaws.push({
        path: at,
        value: target,
        reason: "not an account id or an organizational unit",
      });
      continue;
    }
    if (typeof override !== "object" || override === null || Array.isArray(override)) {
      flaws.push({ path: at, value: override, reason: "not a map of settings" });
      continue;
    }
    const checked: Record<string, unknown> = {};
    for (const [name, setting] of Object.entries(override as Record<string, unknown>)) {
      if (!(OVERRIDABLE_KEYS as readonly string[]).includes(name)) {
        flaws.push({
          path: `${at}.${name}`,
          value: setting,
          reason: "not a setting an account may override",
        });
        continue;
      }
      try {
        checked[name] = (CONFIG_SCHEMA[name as OverridableKey].check as Check<unknown>)(setting);
      } catch (error) {
        if (!isInvalidValue(error)) throw error;
        for (const flaw of error.flaws) {
          flaws.push({
            path: `${at}.${name}${flaw.path}`,
            value: flaw.path ? flaw.value : setting,
            reason: flaw.reason ?? `expected ${error.form}`,
          });
        }
      }
    }
    overrides[target] = checked;
  }
  if (flaws.length > 0) throw invalidValue(ACCOUNT_OVERRIDES_FORM, undefined, flaws);
  return overrides;
};

/** Every key this program reads, with its default. The one place defaults live. */
export const CONFIG_SCHEMA = {
  forbiddenPorts: {
    type: "array",
    default: ["22", "3389"],
    description: 'Ports or ranges ("1-1024") that must not be open to 0.0.0.0/0 or ::/0.',
    check: listOf(portRange, PORT_RANGE_FORM, {
      nonEmpty: "empty: use disabledRules to turn the rule off",
    }),
  },
  authorizedTcpPorts: {
    type: "string",
    default: "443",
    description:
      'TCP ports the managed rule vpc-sg-open-only-to-authorized-ports allows open to the internet, e.g. "443,1020-1025".',
    check: awsPortList,
  },
  authorizedUdpPorts: {
    type: "string",
    description:
      "UDP ports the managed rule vpc-sg-open-only-to-authorized-ports allows open to the internet (unset: none).",
    check: awsPortList,
  },
  restrictedSshTagKey: {
    type: "string",
    description:
      "Scope restricted-ssh to security groups with this tag key (unset: every security group).",
    check: text(TAG_TEXT, 128, "a tag key of 1-128 characters"),
  },
  restrictedSshTagValue: {
    type: "string",
    description: "With restrictedSshTagKey: only groups whose tag has this value.",
    check: text(TAG_TEXT, 256, "a tag value of 1-256 characters"),
  },
  maxInactiveDays: {
    type: "integer",
    default: 90,
    description: "Days without any credential use after which an IAM user is inactive.",
    check: days,
  },
  maxAccessKeyAge: {
    type: "integer",
    default: 90,
    description: "Days after its creation at which an active access key must be rotated.",
    check: days,
  },
  keyDeleteGraceDays: {
    type: "integer",
    default: 14,
    description: "Days a deactivated access key stays before the delete remediation removes it.",
    check: days,
  },
  evaluationRefreshDays: {
    type: "integer",
    default: 7,
    description:
      "Periodic rules send AWS Config (which bills each recorded evaluation) only verdicts that changed, plus those it recorded more than this many days ago (1-90).",
    check: wholeNumber(1, 90),
  },
  mfaPolicyName: {
    type: "string",
    default: "DenyActionWithoutMFA",
    description: "Name of the managed policy that denies everything but MFA set-up without MFA.",
    check: iamPolicyName,
  },
  mfaGroupName: {
    type: "string",
    default: "mfa-required",
    description: "IAM group that holds the MFA policy; remediation adds users to it.",
    check: iamGroupName,
  },
  mfaEnforcement: {
    type: "string",
    default: "group",
    description:
      "How the MFA remediation enforces the policy: group (add the user to the group) or attach (attach the policy to the user).",
    check: oneOf(MFA_ENFORCEMENTS),
  },
  exemptUsers: {
    type: "array",
    default: [],
    description:
      "IAM user names never reported as violating and never touched by a remediation (CI and monitoring users). Matched as IAM matches names, regardless of case: Readonly.Auditor exempts readonly.auditor.",
    check: iamUserNames,
  },
  notificationEmails: {
    type: "array",
    default: [],
    description: "E-mail addresses subscribed to compliance-change notifications.",
    check: listOf(text(EMAIL, 254, "an e-mail address"), "an e-mail address", {
      key: (email) => email.toLowerCase(),
    }),
  },
  accessKeyRemediation: {
    type: "string",
    default: "deactivate",
    description:
      "Expired access keys: off, report, deactivate (keys older than maxAccessKeyAge) or delete (keys inactive for keyDeleteGraceDays).",
    check: modes(ACCESS_KEY_MODES),
  },
  mfaRemediation: {
    type: "string",
    default: "report",
    description: "Users without the MFA policy: off, report or enforce (as mfaEnforcement says).",
    check: modes(MFA_MODES),
  },
  exposedPortsRemediation: {
    type: "string",
    default: "report",
    description:
      "Security group rules opening forbidden ports to the internet: off, report or revoke.",
    check: modes(EXPOSED_PORTS_MODES),
  },
  defaultSecurityGroupRemediation: {
    type: "string",
    default: "report",
    description:
      "Default security groups with rules: off, report (manual SSM remediation) or automatic.",
    check: modes(SSM_MODES),
  },
  publicSecurityGroupRemediation: {
    type: "string",
    default: "report",
    description:
      "Public SSH/RDP (AWS-DisablePublicAccessForSecurityGroup): off, report (manual) or automatic.",
    check: modes(SSM_MODES),
  },
  realtimeRemediation: {
    type: "boolean",
    default: false,
    description:
      "Also repair on the API call that broke a rule (EventBridge on CloudTrail: ingress opened, a user created or taken out of the MFA group or policy), in each remediation's mode; needs a trail logging management events, and aws:region.",
    check: trueOrFalse,
  },
  remediationAttempts: {
    type: "integer",
    default: 3,
    description: "MaximumAutomaticAttempts of automatic SSM remediations (1-25).",
    check: wholeNumber(1, 25),
  },
  remediationRetrySeconds: {
    type: "integer",
    default: 60,
    description: "RetryAttemptSeconds of automatic SSM remediations (1-2678000).",
    check: wholeNumber(1, 2678000),
  },
  createRecorder: {
    type: "boolean",
    default: true,
    description:
      "Create the configuration recorder, delivery channel and bucket; false reuses the account's recorder.",
    check: trueOrFalse,
  },
  recorderName: {
    type: "string",
    default: "default",
    description: "Name of the configuration recorder to create, or of the existing one to reuse.",
    check: text(/^[\w.-]+$/, 256, "a recorder name: 1-256 letters, digits or ._-"),
  },
  recordGlobalResources: {
    type: "boolean",
    default: true,
    description:
      "This region records global resources (IAM) and runs the IAM rules. Turn it on in exactly one region per account.",
    check: trueOrFalse,
  },
  logRetentionDays: {
    type: "integer",
    default: 90,
    description: "CloudWatch Logs retention of every Lambda, in days (a value CloudWatch accepts).",
    check: (value: unknown): number => {
      const days = LOG_RETENTION_DAYS.find((accepted) => accepted === value);
      if (days === undefined) throw invalidValue(`one of ${LOG_RETENTION_DAYS.join(", ")}`);
      return days;
    },
  },
  ruleSets: {
    type: "array",
    default: ["guardrails"],
    description:
      "Which rules to deploy: guardrails (this program's rules) and/or cis-foundations (the CIS AWS Foundations Benchmark v3.0.0 controls AWS Config can check; see the rule table).",
    check: listOf(oneOf(RULE_SETS), `a rule set: one of ${RULE_SETS.join(", ")}`, {
      nonEmpty: "empty: no rule would be deployed; use disabledRules to leave some out",
      key: (set) => set,
    }),
  },
  passwordMinimumLength: {
    type: "integer",
    default: 14,
    description:
      "iam-password-policy: the shortest password the account policy may allow (CIS 1.8 asks 14; IAM accepts 6-128).",
    check: wholeNumber(6, 128),
  },
  passwordReusePrevention: {
    type: "integer",
    default: 24,
    description:
      "iam-password-policy: how many earlier passwords the policy must forbid reusing (CIS 1.9; IAM accepts 1-24).",
    check: wholeNumber(1, 24),
  },
  passwordMaxAgeDays: {
    type: "integer",
    default: 90,
    description:
      "iam-password-policy: the longest a password may live before it expires (IAM accepts 1-1095).",
    check: wholeNumber(1, 1095),
  },
  passwordRequiredCharacters: {
    type: "array",
    default: [...PASSWORD_CHARACTER_CLASSES],
    description: `iam-password-policy: the character classes the policy must require, any of ${PASSWORD_CHARACTER_CLASSES.join(", ")}.`,
    check: listOf(
      oneOf(PASSWORD_CHARACTER_CLASSES),
      `a character class: one of ${PASSWORD_CHARACTER_CLASSES.join(", ")}`,
      { key: (characters) => characters },
    ),
  },
  disabledRules: {
    type: "array",
    default: [],
    description: "Config rules not to deploy, by rule name.",
    check: listOf(oneOf(RULE_NAMES), `a rule name: one of ${RULE_NAMES.join(", ")}`, {
      key: (rule) => rule,
    }),
  },
  deployment: {
    type: "string",
    default: "account",
    description:
      "What this stack deploys: account (one account and region), management (an organization's management account: trusted access for AWS Config, the audit account as delegated administrator, the member baseline StackSet) or audit (the delegated administrator: organization rules in every region, their functions, the central bucket and the aggregator).",
    check: oneOf(DEPLOYMENTS),
  },
  homeRegion: {
    type: "string",
    description:
      "deployment management and audit: the region where every member account records global resources (IAM) and holds the member roles, and where the IAM rules run; one of regions.",
    check: awsRegion,
  },
  regions: {
    type: "array",
    description:
      "deployment management and audit: every region the member baseline and the organization rules cover, homeRegion among them.",
    check: listOf(awsRegion, AWS_REGION_FORM, {
      nonEmpty: "empty: no region would be covered",
      key: (region) => region,
    }),
  },
  auditAccountId: {
    type: "string",
    description:
      "deployment management: the audit account, delegated administrator for AWS Config; its functions assume the member roles.",
    check: awsAccountId,
  },
  organizationTargets: {
    type: "array",
    description:
      "deployment management: where the member baseline deploys, the organization root (r-...) or organizational units (ou-...); new accounts there get it.",
    check: listOf(organizationTarget, ORGANIZATION_TARGET_FORM, {
      nonEmpty: "empty: no account would get the member baseline",
      key: (target) => target,
    }),
  },
  excludedAccounts: {
    type: "array",
    default: [],
    description:
      "deployment management and audit: member accounts the member baseline and the organization rules leave out.",
    check: listOf(awsAccountId, ACCOUNT_ID_FORM, { key: (account) => account }),
  },
  accountOverrides: {
    type: "object",
    default: {},
    description:
      "Organization deployments: exceptions per member account or OU, e.g. {\"111122223333\": {exemptUsers: [legacy-ci], mfaRemediation: report}}: more exempt users, other remediation modes. An account's own entry wins over its OUs', a nearer OU over a farther one.",
    check: accountOverrides,
  },
  tags: {
    type: "object",
    default: {},
    description: 'Tags for every taggable resource, e.g. {Owner: platform, CostCenter: "1234"}.',
    check: tagMap,
  },
} satisfies Record<string, ConfigKeySpec>;

export type ConfigKey = keyof typeof CONFIG_SCHEMA;

type Schema = typeof CONFIG_SCHEMA;

/** The checked settings: each key's checked type, `undefined` where a key has no default. */
export type Settings = {
  readonly [K in ConfigKey]: Schema[K] extends { default: unknown }
    ? ReturnType<Schema[K]["check"]>
    : ReturnType<Schema[K]["check"]> | undefined;
};
