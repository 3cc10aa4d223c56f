/**
 * The EventBridge event "AWS API Call via CloudTrail": an API call as CloudTrail recorded it,
 * which EventBridge receives only where a trail logs management events. Shapes from AWS's
 * CloudTrail record contents (test/fixtures/cloudtrail holds examples as EventBridge delivers
 * them).
 */

export const API_CALL_DETAIL_TYPE = "AWS API Call via CloudTrail";

/** The services whose calls can break this program's rules, as CloudTrail names them. */
export const API_CALL_SERVICES = {
  ec2: { source: "aws.ec2", eventSource: "ec2.amazonaws.com" },
  iam: { source: "aws.iam", eventSource: "iam.amazonaws.com" },
} as const;
export type ApiCallService = keyof typeof API_CALL_SERVICES;

/** What a remediation reacts to: calls of one service, optionally narrowed by their detail. */
export interface ApiCallTrigger {
  service: ApiCallService;
  eventNames: readonly string[];
  /** More of the detail to match, e.g. `{ requestParameters: { groupName: ["mfa"] } }`. */
  detail?: Record<string, unknown>;
}

export interface ApiCallEvent {
  source?: string;
  "detail-type"?: string;
  account?: string;
  region?: string;
  detail?: {
    eventSource?: string;
    eventName?: string;
    awsRegion?: string;
    errorCode?: string;
    requestParameters?: Record<string, unknown> | null;
    responseElements?: Record<string, unknown> | null;
  };
}

/** What an adapter needs of the call. */
export interface ApiCall {
  eventName: string;
  requestParameters: Record<string, unknown>;
  responseElements: Record<string, unknown>;
}

/**
 * The EventBridge pattern of a trigger: only calls that succeeded (a failed call changed
 * nothing), as CloudTrail records them.
 */
export function apiCallPattern(trigger: ApiCallTrigger) {
  const service = API_CALL_SERVICES[trigger.service];
  return {
    source: [service.source],
    "detail-type": [API_CALL_DETAIL_TYPE],
    detail: {
      eventSource: [service.eventSource],
      eventName: [...trigger.eventNames],
      errorCode: [{ exists: false }],
      ...trigger.detail,
    },
  };
}

/** Undefined when the event is not a successful API call (a compliance change, a schedule). */
export function parseApiCall(event: ApiCallEvent): ApiCall | undefined {
  const detail = event?.detail;
  if (event?.["detail-type"] !== API_CALL_DETAIL_TYPE || !detail?.eventName) return undefined;
  if (detail.errorCode !== undefined) return undefined;
  return {
    eventName: detail.eventName,
    requestParameters: detail.requestParameters ?? {},
    responseElements: detail.responseElements ?? {},
  };
}

/** A text field of a CloudTrail record's parameters, by path; undefined where absent. */
export function textAt(record: unknown, ...path: string[]): string | undefined {
  let value: unknown = record;
  for (const key of path) {
    if (typeof value !== "object" || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return typeof value === "string" && value !== "" ? value : undefined;
}
