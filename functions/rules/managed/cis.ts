/**
 * The CIS AWS Foundations Benchmark controls AWS manages a Config rule for (rule set
 * `cis-foundations`), under AWS's identifiers and parameter names, with offline mirrors
 * (./cis-evaluate.ts). The controls no managed rule checks are listed in the README.
 */
import { booleanField, boundaryCodec, integerField, textField } from "../../shared/boundary";
import { oneOf, text, wholeNumber } from "../../shared/checks";
import type { ManagedRuleDefinition } from "../../shared/definitions";
import type { Verdict } from "../verdict";
import { RESOURCE_TYPES } from "../verdict";
import {
  PASSWORD_CHARACTER_CLASSES,
  PasswordPolicyParameters,
  evaluateAdminAccessPolicy,
  evaluateExternalAccessAnalyzer,
  evaluateConsoleMfa,
  evaluateImdsv2,
  evaluateNetworkAcl,
  evaluatePasswordPolicy,
  evaluatePolicyInUse,
  PolicyInUseParameters,
  evaluateRootAccessKeys,
  evaluateRootHardwareMfa,
  evaluateRootMfa,
  evaluateUserNoPolicies,
} from "./cis-evaluate";

type NoParameters = Record<string, never>;
const NO_PARAMETERS = boundaryCodec<NoParameters>("ruleParameters", {});
const CIS = ["cis-foundations"] as const;

/** A managed rule AWS runs without parameters. */
function withoutParameters(
  rule: Omit<ManagedRuleDefinition<NoParameters>, "owner" | "parameters" | "fromSettings">,
): ManagedRuleDefinition<NoParameters> {
  return { owner: "AWS", parameters: NO_PARAMETERS, fromSettings: () => ({}), ...rule };
}

/** A verdict, or none where the snapshot lacks the data. */
const present = (verdict: Verdict | undefined): Verdict[] => (verdict ? [verdict] : []);

export const iamRootAccessKeyCheck = withoutParameters({
  name: "iam-root-access-key-check",
  ruleSets: CIS,
  cis: ["1.4"],
  identifier: "IAM_ROOT_ACCESS_KEY_CHECK",
  description: () => "The root user has no access key.",
  resourceTypes: [RESOURCE_TYPES.account],
  onChange: false,
  periodic: "TwentyFour_Hours",
  global: true,
  mirror: (account) =>
    present(evaluateRootAccessKeys(account.accountId, account.credentialReport.root)),
});

export const rootAccountMfaEnabled = withoutParameters({
  name: "root-account-mfa-enabled",
  ruleSets: CIS,
  cis: ["1.5"],
  identifier: "ROOT_ACCOUNT_MFA_ENABLED",
  description: () => "The root user signs in with MFA.",
  resourceTypes: [RESOURCE_TYPES.account],
  onChange: false,
  periodic: "TwentyFour_Hours",
  global: true,
  mirror: (account) => present(evaluateRootMfa(account.accountId, account.credentialReport.root)),
});

export const rootAccountHardwareMfaEnabled = withoutParameters({
  name: "root-account-hardware-mfa-enabled",
  ruleSets: CIS,
  cis: ["1.6"],
  identifier: "ROOT_ACCOUNT_HARDWARE_MFA_ENABLED",
  description: () => "The root user signs in with a hardware MFA device, not a virtual one.",
  resourceTypes: [RESOURCE_TYPES.account],
  onChange: false,
  periodic: "TwentyFour_Hours",
  global: true,
  mirror: (account) =>
    present(
      evaluateRootHardwareMfa(
        account.accountId,
        account.credentialReport.root,
        account.virtualMfaDevices,
      ),
    ),
});

export const iamPasswordPolicy: ManagedRuleDefinition<PasswordPolicyParameters> = {
  owner: "AWS",
  name: "iam-password-policy",
  ruleSets: CIS,
  cis: ["1.8", "1.9"],
  identifier: "IAM_PASSWORD_POLICY",
  description: (p) =>
    `The account password policy requires at least ${p.MinimumPasswordLength} characters, remembers ${p.PasswordReusePrevention} passwords and expires them within ${p.MaxPasswordAge} days.`,
  resourceTypes: [RESOURCE_TYPES.account],
  onChange: false,
  periodic: "TwentyFour_Hours",
  global: true,
  parameters: boundaryCodec<PasswordPolicyParameters>("ruleParameters", {
    MinimumPasswordLength: {
      name: "MinimumPasswordLength",
      codec: integerField(wholeNumber(6, 128)),
    },
    PasswordReusePrevention: {
      name: "PasswordReusePrevention",
      codec: integerField(wholeNumber(1, 24)),
    },
    MaxPasswordAge: { name: "MaxPasswordAge", codec: integerField(wholeNumber(1, 1095)) },
    RequireUppercaseCharacters: { name: "RequireUppercaseCharacters", codec: booleanField },
    RequireLowercaseCharacters: { name: "RequireLowercaseCharacters", codec: booleanField },
    RequireSymbols: { name: "RequireSymbols", codec: booleanField },
    RequireNumbers: { name: "RequireNumbers", codec: booleanField },
  }),
  fromSettings: (settings) => {
    const requires = (characters: (typeof PASSWORD_CHARACTER_CLASSES)[number]) =>
      settings.passwordRequiredCharacters.includes(characters);
    return {
      MinimumPasswordLength: settings.passwordMinimumLength,
      PasswordReusePrevention: settings.passwordReusePrevention,
      MaxPasswordAge: settings.passwordMaxAgeDays,
      RequireUppercaseCharacters: requires("uppercase"),
      RequireLowercaseCharacters: requires("lowercase"),
      RequireSymbols: requires("symbols"),
      RequireNumbers: requires("numbers"),
    };
  },
  mirror: (account, parameters) =>
    present(evaluatePasswordPolicy(account.accountId, account.passwordPolicy, parameters)),
};

export const mfaEnabledForIamConsoleAccess = withoutParameters({
  name: "mfa-enabled-for-iam-console-access",
  ruleSets: CIS,
  cis: ["1.10"],
  identifier: "MFA_ENABLED_FOR_IAM_CONSOLE_ACCESS",
  description: () => "Every IAM user with a console password has an MFA device.",
  resourceTypes: [RESOURCE_TYPES.iamUser],
  onChange: false,
  periodic: "TwentyFour_Hours",
  global: true,
  mirror: (account) =>
    [...account.users.values()].flatMap((user) =>
      present(evaluateConsoleMfa(user, account.credentialReport.byArn.get(user.arn))),
    ),
});

export const iamUserNoPoliciesCheck = withoutParameters({
  name: "iam-user-no-policies-check",
  ruleSets: CIS,
  cis: ["1.15"],
  identifier: "IAM_USER_NO_POLICIES_CHECK",
  description: () => "IAM users get permissions only through groups: no policy of their own.",
  resourceTypes: [RESOURCE_TYPES.iamUser],
  onChange: true,
  global: true,
  mirror: (account) => [...account.users.values()].map(evaluateUserNoPolicies),
});

export const iamPolicyNoStatementsWithAdminAccess = withoutParameters({
  name: "iam-policy-no-statements-with-admin-access",
  ruleSets: CIS,
  cis: ["1.16"],
  identifier: "IAM_POLICY_NO_STATEMENTS_WITH_ADMIN_ACCESS",
  description: () =>
    'No customer managed policy allows "*" actions on "*" resources (full administrator access).',
  resourceTypes: [RESOURCE_TYPES.iamPolicy],
  onChange: true,
  global: true,
  mirror: (account) =>
    [...(account.customerManagedPolicies?.values() ?? [])].map(evaluateAdminAccessPolicy),
});

/** The AWS managed policy CIS asks a support role to hold. */
export const SUPPORT_POLICY_NAME = "AWSSupportAccess";

export const iamPolicyInUse: ManagedRuleDefinition<PolicyInUseParameters> = {
  owner: "AWS",
  name: "iam-policy-in-use",
  ruleSets: CIS,
  cis: ["1.17"],
  identifier: "IAM_POLICY_IN_USE",
  description: () =>
    `Someone can manage incidents with AWS Support: ${SUPPORT_POLICY_NAME} is attached to a role, a user or a group with members.`,
  resourceTypes: [RESOURCE_TYPES.iamPolicy],
  onChange: false,
  periodic: "TwentyFour_Hours",
  global: true,
  parameters: boundaryCodec<PolicyInUseParameters>("ruleParameters", {
    policyARN: {
      name: "policyARN",
      codec: textField(
        text(/^arn:aws[\w-]*:iam::aws:policy\/[\w+=,.@/-]+$/, 2048, "an AWS managed policy ARN"),
      ),
    },
    policyUsageType: {
      name: "policyUsageType",
      codec: textField(oneOf(["ANY", "IAM_USER", "IAM_GROUP", "IAM_ROLE"] as const)),
    },
  }),
  // The policy's ARN names the account's partition: AWS's policies live in each partition.
  fromSettings: (_settings, facts) => ({
    policyARN: `arn:${facts.partition ?? "aws"}:iam::aws:policy/${SUPPORT_POLICY_NAME}`,
    policyUsageType: "ANY",
  }),
  mirror: (account, parameters) => {
    const members = new Set([...account.users.values()].flatMap((user) => [...user.groupNames]));
    return present(
      evaluatePolicyInUse(parameters, account.supportAccessEntities, (group) => members.has(group)),
    );
  },
};

export const iamExternalAccessAnalyzerEnabled = withoutParameters({
  name: "iam-external-access-analyzer-enabled",
  ruleSets: CIS,
  cis: ["1.20"],
  identifier: "IAM_EXTERNAL_ACCESS_ANALYZER_ENABLED",
  description: () => "IAM Access Analyzer looks for external access in this region.",
  resourceTypes: [RESOURCE_TYPES.account],
  onChange: false,
  periodic: "TwentyFour_Hours",
  // Analyzers are regional: every region needs one.
  global: false,
  mirror: (account) =>
    present(evaluateExternalAccessAnalyzer(account.accountId, account.accessAnalyzers)),
});

export const naclNoUnrestrictedSshRdp = withoutParameters({
  name: "nacl-no-unrestricted-ssh-rdp",
  ruleSets: CIS,
  cis: ["5.1"],
  identifier: "NACL_NO_UNRESTRICTED_SSH_RDP",
  description: () => "No network ACL allows SSH (22) or RDP (3389) in from 0.0.0.0/0 or ::/0.",
  resourceTypes: [RESOURCE_TYPES.networkAcl],
  onChange: true,
  global: false,
  mirror: (account) => [...account.networkAcls.values()].map(evaluateNetworkAcl),
});

export const ec2Imdsv2Check = withoutParameters({
  name: "ec2-imdsv2-check",
  ruleSets: CIS,
  cis: ["5.6"],
  identifier: "EC2_IMDSV2_CHECK",
  description: () => "Every instance requires IMDSv2 (session tokens) for its metadata.",
  resourceTypes: [RESOURCE_TYPES.instance],
  onChange: true,
  global: false,
  mirror: (account) => [...account.instances.values()].map(evaluateImdsv2),
});
