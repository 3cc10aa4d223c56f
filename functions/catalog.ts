/**
 * Every rule and remediation this program can deploy, and which of them a stack deploys. The
 * stack, the offline evaluation, the policy pack, the bench and the docs all iterate these
 * lists; adding a rule is its folder plus one line here.
 */
import type { Settings } from "../config";
import { remediateAccessKeys } from "./remediation/access-keys";
import { remediateExposedPorts } from "./remediation/exposed-ports";
import { remediateMfaPolicy } from "./remediation/mfa-policy";
import { closeDefaultSecurityGroup, disablePublicSsh } from "./remediation/ssm";
import { exposedPorts } from "./rules/exposed-ports";
import { iamInactiveUsers } from "./rules/iam-inactive-users";
import { iamUserOneActiveKey } from "./rules/iam-user-one-active-key";
import {
  accessKeysRotated,
  restrictedSsh,
  vpcDefaultSecurityGroupClosed,
  vpcSgOpenOnlyToAuthorizedPorts,
} from "./rules/managed";
import { mfaPolicyAttached } from "./rules/mfa-policy-attached";
import {
  ec2Imdsv2Check,
  iamExternalAccessAnalyzerEnabled,
  iamPasswordPolicy,
  iamPolicyInUse,
  iamPolicyNoStatementsWithAdminAccess,
  iamRootAccessKeyCheck,
  iamUserNoPoliciesCheck,
  mfaEnabledForIamConsoleAccess,
  naclNoUnrestrictedSshRdp,
  rootAccountHardwareMfaEnabled,
  rootAccountMfaEnabled,
} from "./rules/managed/cis";
import {
  MAX_ENVIRONMENT_BYTES,
  MAX_INPUT_PARAMETERS_LENGTH,
  environmentBytes,
  inputParametersText,
} from "./shared/boundary";
import type {
  LambdaRemediationDefinition,
  RemediationDefinition,
  RuleDefinition,
  StackFacts,
} from "./shared/definitions";

/** A rule's name in AWS Config. */
export type RuleName = string;

export const RULES: readonly RuleDefinition[] = [
  exposedPorts,
  iamInactiveUsers,
  mfaPolicyAttached,
  vpcDefaultSecurityGroupClosed,
  vpcSgOpenOnlyToAuthorizedPorts,
  accessKeysRotated,
  restrictedSsh,
  iamRootAccessKeyCheck,
  rootAccountMfaEnabled,
  rootAccountHardwareMfaEnabled,
  iamPasswordPolicy,
  mfaEnabledForIamConsoleAccess,
  iamUserOneActiveKey,
  iamUserNoPoliciesCheck,
  iamPolicyNoStatementsWithAdminAccess,
  iamPolicyInUse,
  iamExternalAccessAnalyzerEnabled,
  naclNoUnrestrictedSshRdp,
  ec2Imdsv2Check,
] as RuleDefinition[];

export const REMEDIATIONS: readonly RemediationDefinition[] = [
  remediateExposedPorts,
  remediateMfaPolicy,
  remediateAccessKeys,
  closeDefaultSecurityGroup,
  disablePublicSsh,
] as RemediationDefinition[];

/** The vocabulary of `disabledRules`, of the EventBridge patterns and of the reports. */
export const RULE_NAMES: readonly RuleName[] = RULES.map((rule) => rule.name);

/**
 * The rules a stack deploys: those not disabled, and those judging IAM (a global service) only
 * in the region that records global resources, or every region would judge the same users.
 */
export function rulesFor(settings: Settings): RuleDefinition[] {
  return RULES.filter(
    (rule) =>
      rule.ruleSets.some((set) => settings.ruleSets.includes(set)) &&
      !settings.disabledRules.includes(rule.name) &&
      (!rule.global || settings.recordGlobalResources),
  );
}

/** The remediations a stack deploys: those whose rule it deploys and whose mode is not off. */
export function remediationsFor(settings: Settings): RemediationDefinition[] {
  const deployed = new Set(rulesFor(settings).map((rule) => rule.name));
  return REMEDIATIONS.filter(
    (remediation) => deployed.has(remediation.rule) && remediation.mode(settings) !== "off",
  );
}

export function isLambdaRemediation(
  remediation: RemediationDefinition,
): remediation is LambdaRemediationDefinition<{ mode: string }> {
  return remediation.kind === "lambda";
}

/**
 * Facts of the deployment at their longest: the MFA policy's ARN in the longest partition name
 * (aws-us-gov). What fits with these fits in every account.
 */
export function longestFacts(settings: Settings): StackFacts {
  // Read when asked for, so that only the rules using the ARN count mfaPolicyName as theirs.
  return {
    get mfaPolicyArn() {
      return `arn:aws-us-gov:iam::123456789012:policy/${settings.mfaPolicyName}`;
    },
    partition: "aws-us-gov",
  };
}

/**
 * What would not fit across a boundary: a rule's InputParameters over AWS Config's 1024
 * characters, or a function's environment over Lambda's 4 KB. Checked with the stack's settings
 * before anything is deployed, naming the settings that fill it (`pulumi up` would otherwise fail
 * halfway, on the rule or the function).
 */
export function boundaryProblems(settings: Settings, namespace = "guardrails"): string[] {
  const problems: string[] = [];
  const measure = (what: string, limit: string, size: (s: Settings) => number, max: number) => {
    const read = new Set<string>();
    const watched = new Proxy(settings, {
      get(target, key: string) {
        read.add(key);
        return target[key as keyof Settings];
      },
    });
    const actual = size(watched);
    if (actual > max) {
      const keys = [...read].sort().map((key) => `${namespace}:${key}`);
      problems.push(
        `${keys.join(", ")}: ${what} would be ${actual.toLocaleString("en")} ${limit}; expected at most ${max.toLocaleString("en")}. Exempt fewer users or shorten the names.`,
      );
    }
  };
  for (const rule of rulesFor(settings)) {
    measure(
      `the InputParameters of the rule ${rule.name}`,
      "characters (AWS Config's limit)",
      (watched) =>
        inputParametersText(
          rule.parameters.encode(rule.fromSettings(watched, longestFacts(watched))),
        ).length,
      MAX_INPUT_PARAMETERS_LENGTH,
    );
  }
  for (const remediation of remediationsFor(settings).filter(isLambdaRemediation)) {
    measure(
      `the environment of the function ${remediation.name}`,
      "bytes (Lambda's limit)",
      (watched) =>
        environmentBytes(
          remediation.environment.encode(remediation.fromSettings(watched, longestFacts(watched))),
        ),
      MAX_ENVIRONMENT_BYTES,
    );
  }
  return problems;
}
