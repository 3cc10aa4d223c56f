/** Verdicts as AWS Config's PutEvaluations wants them: limits from the ConfigService API. */
import { Verdict } from "../rules/verdict";

/** PutEvaluations accepts at most 100 evaluations per call. */
export const MAX_EVALUATIONS_PER_CALL = 100;
/** Evaluation.Annotation is at most 256 characters. */
export const MAX_ANNOTATION_LENGTH = 256;

export interface Evaluation {
  ComplianceResourceType: string;
  ComplianceResourceId: string;
  ComplianceType: Verdict["compliance"];
  Annotation: string;
  OrderingTimestamp: Date;
}

export function truncateAnnotation(annotation: string): string {
  return annotation.length <= MAX_ANNOTATION_LENGTH
    ? annotation
    : `${annotation.slice(0, MAX_ANNOTATION_LENGTH - 3)}...`;
}

export function toEvaluation(verdict: Verdict, orderingTimestamp: Date): Evaluation {
  return {
    ComplianceResourceType: verdict.resourceType,
    ComplianceResourceId: verdict.resourceId,
    ComplianceType: verdict.compliance,
    Annotation: truncateAnnotation(verdict.annotation),
    OrderingTimestamp: orderingTimestamp,
  };
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  // A size below 1 would never advance.
  if (!Number.isInteger(size) || size < 1)
    throw new RangeError(`chunk size ${size} is not a positive integer`);
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size)
    chunks.push(items.slice(start, start + size));
  return chunks;
}
