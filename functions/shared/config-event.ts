/**
 * The event AWS Config sends a custom rule's Lambda, parsed once for every rule. Shapes from
 * the AWS Config developer guide ("Example Events for AWS Config Rules").
 */

/** The Lambda event. `invokingEvent` and `ruleParameters` are JSON text. */
export interface ConfigRuleEvent {
  version?: string;
  invokingEvent: string;
  ruleParameters?: string;
  resultToken: string;
  eventLeftScope?: boolean;
  executionRoleArn?: string;
  configRuleArn?: string;
  configRuleName?: string;
  configRuleId?: string;
  accountId?: string;
  evaluationMode?: string;
}

/** A configuration item as the invoking event carries it (camelCase, `configuration` an object). */
export interface ConfigurationItem {
  resourceType: string;
  resourceId: string;
  resourceName?: string | null;
  configurationItemStatus: string;
  configurationItemCaptureTime: string;
  configuration: unknown;
  ARN?: string;
  awsAccountId?: string;
  awsRegion?: string;
  tags?: Record<string, string>;
  relationships?: Array<{
    resourceType?: string;
    resourceId?: string;
    name?: string;
    resourceName?: string;
  }>;
  supplementaryConfiguration?: Record<string, unknown>;
}

/** What an oversized notification carries instead of the item. */
export interface ConfigurationItemSummary {
  resourceType: string;
  resourceId: string;
  configurationItemStatus: string;
  configurationItemCaptureTime: string;
  resourceName?: string | null;
  changeType?: string;
}

export type Notification =
  | { kind: "change"; item: ConfigurationItem; notificationTime: string }
  | { kind: "oversized"; summary: ConfigurationItemSummary; notificationTime: string }
  | { kind: "scheduled"; notificationTime: string };

/** Statuses of an item whose resource is gone: its evaluation is NOT_APPLICABLE. */
export const DELETED_STATUSES: readonly string[] = [
  "ResourceDeleted",
  "ResourceDeletedNotRecorded",
];

export interface ConfigEventError extends Error {
  name: "ConfigEventError";
}

/** Not a class: this code is serialized into Lambdas, where Error subclasses break. */
export function configEventError(message: string): ConfigEventError {
  return Object.assign(new Error(message), { name: "ConfigEventError" as const });
}

export function isConfigEventError(error: unknown): error is ConfigEventError {
  return error instanceof Error && error.name === "ConfigEventError";
}

function parseJsonObject(text: unknown, what: string): Record<string, unknown> {
  if (typeof text !== "string") {
    throw configEventError(
      text === undefined || text === null
        ? `${what} is missing (expected JSON text).`
        : `${what} is not JSON text but ${Array.isArray(text) ? "a list" : typeof text}.`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw configEventError(
      `${what} is not valid JSON (${(error as Error).message}): ${text.slice(0, 200)}`,
    );
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) {
    throw configEventError(`${what} is not a JSON object: ${text.slice(0, 200)}`);
  }
  return value as Record<string, unknown>;
}

const MESSAGE_TYPES: readonly string[] = [
  "ConfigurationItemChangeNotification",
  "OversizedConfigurationItemChangeNotification",
  "ScheduledNotification",
];

/** Statuses of an item AWS Config judges: anything else is not recorded, or unknown. */
export const EVALUATED_STATUSES: readonly string[] = ["OK", "ResourceDiscovered"];

/** Statuses of an item whose configuration AWS Config did not record: NOT_APPLICABLE. */
export const NOT_RECORDED_STATUSES: readonly string[] = [
  ...DELETED_STATUSES,
  "ResourceNotRecorded",
];

/** The identity, status and time of an item or its summary, checked before anything trusts it. */
function identifies(value: unknown, what: string): boolean {
  if (!value || typeof value !== "object") return false;
  const item = value as Record<string, unknown>;
  if (typeof item.resourceType !== "string" || item.resourceType === "") return false;
  if (typeof item.resourceId !== "string" || item.resourceId === "") return false;
  if (typeof item.configurationItemStatus !== "string") {
    throw configEventError(`The ${what} has no configurationItemStatus.`);
  }
  const captured = item.configurationItemCaptureTime;
  if (captured !== undefined && captured !== null && !isDate(captured)) {
    throw configEventError(
      `The ${what} has a configurationItemCaptureTime that is not a date: ${JSON.stringify(captured)}.`,
    );
  }
  return true;
}

function isDate(value: unknown): boolean {
  return typeof value === "string" && !Number.isNaN(new Date(value).getTime());
}

export function parseInvokingEvent(event: ConfigRuleEvent): Notification {
  const invoking = parseJsonObject(event.invokingEvent, "invokingEvent");
  if (!MESSAGE_TYPES.includes(invoking.messageType as string)) {
    throw configEventError(`Unknown messageType ${JSON.stringify(invoking.messageType)}.`);
  }
  const created = invoking.notificationCreationTime;
  if (typeof created === "string" && !isDate(created)) {
    throw configEventError(`notificationCreationTime is not a date: ${JSON.stringify(created)}.`);
  }
  const notificationTime = isDate(created) ? (created as string) : new Date().toISOString();
  switch (invoking.messageType) {
    case "ConfigurationItemChangeNotification": {
      if (!identifies(invoking.configurationItem, "configurationItem")) {
        throw configEventError("A change notification without a configurationItem.");
      }
      return {
        kind: "change",
        item: invoking.configurationItem as ConfigurationItem,
        notificationTime,
      };
    }
    case "OversizedConfigurationItemChangeNotification": {
      if (!identifies(invoking.configurationItemSummary, "configurationItemSummary")) {
        throw configEventError("An oversized notification without a configurationItemSummary.");
      }
      return {
        kind: "oversized",
        summary: invoking.configurationItemSummary as ConfigurationItemSummary,
        notificationTime,
      };
    }
    case "ScheduledNotification":
      return { kind: "scheduled", notificationTime };
    default:
      throw configEventError(`Unknown messageType ${JSON.stringify(invoking.messageType)}.`);
  }
}

/**
 * `ruleParameters` as the JSON map it is; absent or empty means none. Its values are checked by
 * the rule's parameter codec, which refuses anything but the text the program wrote.
 */
export function parseRuleParameters(event: ConfigRuleEvent): Record<string, unknown> {
  const text: unknown = event.ruleParameters;
  if (text === undefined || (typeof text === "string" && text.trim() === "")) return {};
  return parseJsonObject(event.ruleParameters, "ruleParameters");
}

/**
 * An item from GetResourceConfigHistory (the SDK's shape: `configuration` is JSON text,
 * `arn`/`accountId` names, Date capture time) in the invoking event's shape.
 */
export function itemFromHistory(item: {
  resourceType?: string;
  resourceId?: string;
  resourceName?: string;
  configurationItemStatus?: string;
  configurationItemCaptureTime?: Date | string;
  configuration?: string;
  arn?: string;
  accountId?: string;
  awsRegion?: string;
  tags?: Record<string, string>;
  supplementaryConfiguration?: Record<string, string>;
}): ConfigurationItem {
  const captured = item.configurationItemCaptureTime;
  return {
    resourceType: item.resourceType ?? "",
    resourceId: item.resourceId ?? "",
    resourceName: item.resourceName,
    configurationItemStatus: item.configurationItemStatus ?? "OK",
    configurationItemCaptureTime:
      captured instanceof Date ? captured.toISOString() : (captured ?? ""),
    configuration: item.configuration ? parseJsonObject(item.configuration, "configuration") : null,
    ARN: item.arn,
    awsAccountId: item.accountId,
    awsRegion: item.awsRegion,
    tags: item.tags,
    supplementaryConfiguration: item.supplementaryConfiguration,
  };
}
