/**
 * The EventBridge event "Config Rules Compliance Change" (source aws.config), as a remediation
 * Lambda receives it. Shape from the AWS Config developer guide ("Example Amazon EventBridge
 * events for AWS Config").
 */

export interface ComplianceChangeEvent {
  source?: string;
  "detail-type"?: string;
  account?: string;
  region?: string;
  detail?: {
    configRuleName?: string;
    resourceType?: string;
    resourceId?: string;
    awsRegion?: string;
    awsAccountId?: string;
    messageType?: string;
    newEvaluationResult?: { complianceType?: string; annotation?: string };
  };
}

/** What a remediation needs of the event. */
export interface ComplianceChange {
  ruleName: string;
  resourceType: string;
  resourceId: string;
  /** Where the trigger names it (an API call names a user by name): no need to look it up. */
  resourceName?: string;
  compliance: string;
  annotation?: string;
}

export const COMPLIANCE_CHANGE_DETAIL_TYPE = "Config Rules Compliance Change";

/**
 * The EventBridge pattern that sends one rule's NON_COMPLIANT results to its remediation,
 * exactly as AWS emits the event.
 */
export function nonCompliantPattern(ruleName: string, resourceTypes: readonly string[]) {
  return {
    source: ["aws.config"],
    "detail-type": [COMPLIANCE_CHANGE_DETAIL_TYPE],
    detail: {
      messageType: ["ComplianceChangeNotification"],
      configRuleName: [ruleName],
      resourceType: [...resourceTypes],
      newEvaluationResult: { complianceType: ["NON_COMPLIANT"] },
    },
  };
}

/**
 * How AWS Config names an organization rule in each member account: "OrgConfigRule-", the
 * organization rule's name, "-" and a random suffix (e.g. OrgConfigRule-exposed-ports-dbgzf8ba).
 * A member's compliance changes carry that name, not the organization rule's.
 */
export const ORGANIZATION_RULE_PREFIX = "OrgConfigRule-";

/** The organization rule a member account's rule was created for; undefined for any other. */
export function organizationRuleName(memberRuleName: string): string | undefined {
  return /^OrgConfigRule-(.+)-[a-z0-9]+$/.exec(memberRuleName)?.[1];
}

/**
 * The member accounts' rules created for these organization rules, as an EventBridge match:
 * by prefix, since the suffix is random. The prefix ends with "-", and no rule of the catalogue
 * is another's name followed by "-", so each prefix matches one rule's events.
 */
export function memberRuleNames(organizationRules: readonly string[]) {
  return organizationRules.map((name) => ({ prefix: `${ORGANIZATION_RULE_PREFIX}${name}-` }));
}

/** Every compliance change (either way) of the rules these names match. */
export function complianceChangesPattern(configRuleName: readonly unknown[]) {
  return {
    source: ["aws.config"],
    "detail-type": [COMPLIANCE_CHANGE_DETAIL_TYPE],
    detail: { messageType: ["ComplianceChangeNotification"], configRuleName: [...configRuleName] },
  };
}

/** The compliance changes of members' rules created for these organization rules. */
export function organizationChangesPattern(organizationRules: readonly string[]) {
  return complianceChangesPattern(memberRuleNames(organizationRules));
}

/** nonCompliantPattern for an organization rule, matching its rule in every member account. */
export function organizationNonCompliantPattern(
  organizationRule: string,
  resourceTypes: readonly string[],
) {
  const pattern = nonCompliantPattern(organizationRule, resourceTypes);
  return {
    ...pattern,
    detail: { ...pattern.detail, configRuleName: memberRuleNames([organizationRule]) },
  };
}

export interface ComplianceChangeError extends Error {
  name: "ComplianceChangeError";
}

/** Returns undefined when the event is not a compliance change (an invocation by hand, a test). */
export function parseComplianceChange(event: ComplianceChangeEvent): ComplianceChange | undefined {
  const detail = event.detail;
  if (event["detail-type"] !== COMPLIANCE_CHANGE_DETAIL_TYPE || !detail) return undefined;
  if (!detail.configRuleName || !detail.resourceType || !detail.resourceId) return undefined;
  return {
    ruleName: detail.configRuleName,
    resourceType: detail.resourceType,
    resourceId: detail.resourceId,
    compliance: detail.newEvaluationResult?.complianceType ?? "",
    annotation: detail.newEvaluationResult?.annotation,
  };
}
