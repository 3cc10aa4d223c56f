/**
 * The member baseline for a stack's settings: which calls the audit account's functions make in
 * a member account, read from the rules and remediations those settings deploy.
 */
import { Settings, settingsIn } from "../config";
import {
  RULES,
  isLambdaRemediation,
  longestFacts,
  remediationsFor,
  rulesFor,
} from "../functions/catalog";
import { CloudFormationTemplate, memberTemplate } from "./member-template";

/** The organization's central delivery bucket, which the audit stack creates under this name. */
export function organizationBucketName(auditAccountId: string, homeRegion: string): string {
  return `aws-config-guardrails-${auditAccountId}-${homeRegion}`;
}

/**
 * Where an organization deploys a rule, or the remediation of that rule: those judging IAM (a
 * global service) in the home region only, the others in every region.
 */
export function organizationRegions(
  ruleName: string,
  regions: readonly string[],
  homeRegion: string,
): string[] {
  const global = RULES.find((rule) => rule.name === ruleName)?.global ?? false;
  return global ? [homeRegion] : [...regions];
}

/**
 * The settings as every member account runs them: each records IAM in its home region, so the
 * IAM rules (and their remediations) are deployed for it whatever this stack's own region does.
 */
export function memberSettings(settings: Settings): Settings {
  return { ...settings, recordGlobalResources: true };
}

/** Every call the deployed rules' functions make in the account they judge. */
export function evaluationPermissions(settings: Settings): string[] {
  return rulesFor(settings).flatMap((rule) =>
    rule.owner === "CUSTOM_LAMBDA" ? [...rule.permissions] : [],
  );
}

/**
 * Every call the deployed remediation functions make in the account they repair, in the
 * stack's modes and in each override's (one account may be repaired where the others are
 * reported).
 */
export function remediationPermissions(settings: Settings): string[] {
  const facts = longestFacts(settings);
  const everywhere = [
    settings,
    ...Object.keys(settings.accountOverrides).map((target) => settingsIn(settings, [target])),
  ];
  const permissions = everywhere.flatMap((applied) =>
    remediationsFor(applied)
      .filter(isLambdaRemediation)
      .flatMap((remediation) =>
        remediation.permissions(
          remediation.environment.decode(
            remediation.environment.encode(remediation.fromSettings(applied, facts)),
          ),
        ),
      ),
  );
  return [...new Set(permissions)];
}

/** The StackSet's template for an organization's settings (deployment management). */
export function memberBaseline(settings: Settings): CloudFormationTemplate {
  const { auditAccountId, homeRegion } = settings;
  if (auditAccountId === undefined || homeRegion === undefined) {
    throw new Error("the member baseline needs auditAccountId and homeRegion");
  }
  const member = memberSettings(settings);
  const deploysMfaRule = rulesFor(member).some((rule) => rule.name === "mfa-policy-attached");
  return memberTemplate({
    auditAccountId,
    homeRegion,
    deliveryBucketName: organizationBucketName(auditAccountId, homeRegion),
    recorderName: settings.recorderName,
    evaluationPermissions: evaluationPermissions(member),
    remediationPermissions: remediationPermissions(member),
    forwardedRules: rulesFor(member).map((rule) => rule.name),
    ...(deploysMfaRule
      ? { mfa: { policyName: settings.mfaPolicyName, groupName: settings.mfaGroupName } }
      : {}),
  });
}
