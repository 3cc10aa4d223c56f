/**
 * The names an organization's accounts share: what the member baseline creates in every member
 * account and what the audit account's functions and policies name there. Constants only, so
 * that both the template generator and the serialized functions read them from one place.
 */

/** The member roles' names: the audit account's functions assume them by name in each member. */
export const MEMBER_ROLE_NAMES = {
  evaluation: "guardrails-member-evaluation",
  remediation: "guardrails-member-remediation",
  /** A prefix: each region's recorder role adds its region. */
  recorder: "guardrails-member-config-recorder",
  /** A prefix: each region's role forwarding compliance changes to the audit account adds its region. */
  forwarding: "guardrails-member-event-forwarding",
} as const;

/** The path of the audit account's roles that a member role trusts, per kind. */
export const AUDIT_ROLE_PATHS = {
  evaluation: "/guardrails/evaluation/",
  remediation: "/guardrails/remediation/",
} as const;

/** The audit account's event bus, in every region, that members forward compliance changes to. */
export const CENTRAL_EVENT_BUS = "aws-config-guardrails";

/**
 * The account organization rules name in account-relative ARNs (the MFA policy's): one
 * InputParameters (or environment) serves every member, and the function puts the member's
 * account in its place.
 */
export const MEMBER_ACCOUNT_PLACEHOLDER = "000000000000";
