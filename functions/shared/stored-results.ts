/**
 * What AWS Config already holds for a rule, so that a periodic run pays only for what changed.
 * AWS bills every evaluation a rule records; reads of the results are not billed. A periodic
 * run that sends every resource's unchanged verdict again pays for each one (hourly over 10,000
 * users: 7.2 million a month).
 *
 * Config keeps a rule's latest result per resource until the rule, its results or the resource
 * are deleted; a periodic run that leaves a result unsent leaves it standing. Still, results are
 * sent again when they are older than the rule's refresh age, so that one deleted or lost on
 * AWS's side comes back within that many days.
 */
import {
  ConfigServiceClient,
  paginateGetComplianceDetailsByConfigRule,
} from "@aws-sdk/client-config-service";
import type { Verdict } from "../rules/verdict";
import { truncateAnnotation } from "./evaluations";
import type { Logger } from "./log";

/** The read a periodic rule makes before sending; its role needs this. */
export const STORED_RESULTS_PERMISSION = "config:GetComplianceDetailsByConfigRule";

/** GetComplianceDetailsByConfigRule returns at most 100 results per page. */
export const STORED_RESULTS_PAGE = 100;

const DAY_MS = 24 * 60 * 60 * 1000;

interface Stored {
  compliance: string;
  annotation: string;
  recorded?: Date;
}

export interface ChangedVerdicts {
  /** What to send: new, changed, or due for refresh; everything when the read failed. */
  send: Verdict[];
  /** Left unsent: Config already holds them, recently recorded. */
  unchanged: number;
  /** GetComplianceDetailsByConfigRule pages read (API calls). */
  pagesRead: number;
}

export async function changedVerdicts(
  config: ConfigServiceClient,
  ruleName: string,
  verdicts: readonly Verdict[],
  options: { refreshDays: number; now: Date; log: Logger },
): Promise<ChangedVerdicts> {
  const stored = new Map<string, Stored>();
  let pagesRead = 0;
  try {
    const pages = paginateGetComplianceDetailsByConfigRule(
      { client: config, pageSize: STORED_RESULTS_PAGE },
      {
        ConfigRuleName: ruleName,
        // Without the filter only COMPLIANT and NON_COMPLIANT come back.
        ComplianceTypes: ["COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE"],
      },
    );
    for await (const page of pages) {
      pagesRead++;
      for (const result of page.EvaluationResults ?? []) {
        const qualifier = result.EvaluationResultIdentifier?.EvaluationResultQualifier;
        if (!qualifier?.ResourceType || !qualifier.ResourceId) continue;
        stored.set(key(qualifier.ResourceType, qualifier.ResourceId), {
          compliance: result.ComplianceType ?? "",
          annotation: result.Annotation ?? "",
          recorded: result.ResultRecordedTime,
        });
      }
    }
  } catch (error) {
    // Fail safe: without what Config holds, nothing can be called unchanged.
    options.log("WARN", "Stored results unreadable: sending every verdict", {
      rule: ruleName,
      error: (error as Error).name,
      message: (error as Error).message,
    });
    return { send: [...verdicts], unchanged: 0, pagesRead };
  }
  const refreshBefore = options.now.getTime() - options.refreshDays * DAY_MS;
  const send = verdicts.filter((verdict) => {
    const held = stored.get(key(verdict.resourceType, verdict.resourceId));
    return (
      !held ||
      held.compliance !== verdict.compliance ||
      held.annotation !== truncateAnnotation(verdict.annotation) ||
      !held.recorded ||
      held.recorded.getTime() <= refreshBefore
    );
  });
  return { send, unchanged: verdicts.length - send.length, pagesRead };
}

function key(resourceType: string, resourceId: string): string {
  return `${resourceType} ${resourceId}`;
}
