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
