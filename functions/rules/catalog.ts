/**
 * The Config rules this program deploys, by the name each has in AWS Config. The names are the
 * vocabulary of `disabledRules`, of the EventBridge patterns and of the offline report, so they
 * live once, here.
 */

/** Custom rules: Lambdas serialized from TypeScript. */
export const CUSTOM_RULE_NAMES = [
  "exposed-ports",
  "iam-inactive-users",
  "mfa-policy-attached",
] as const;

/** AWS managed rules, named as AWS names them in its documentation. */
export const MANAGED_RULE_NAMES = [
  "vpc-default-security-group-closed",
  "vpc-sg-open-only-to-authorized-ports",
  "access-keys-rotated",
  "restricted-ssh",
] as const;

export const RULE_NAMES = [...CUSTOM_RULE_NAMES, ...MANAGED_RULE_NAMES] as const;

export type CustomRuleName = (typeof CUSTOM_RULE_NAMES)[number];
export type ManagedRuleName = (typeof MANAGED_RULE_NAMES)[number];
export type RuleName = (typeof RULE_NAMES)[number];
