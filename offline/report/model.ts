/**
 * What every report of a snapshot's verdicts says, computed once for the text, the CSV and the
 * HTML: counts per rule, what each remediation would do in its mode, and, against a baseline
 * (an earlier `--json` output), which violations are new, resolved or unchanged.
 */
import * as fs from "fs";
import { Settings } from "../../config";
import { REMEDIATIONS, RuleName } from "../../functions/catalog";
import { Compliance } from "../../functions/rules/verdict";
import { RuleVerdict } from "../evaluate";

/** In the order reports show them: what needs attention first. */
export const COMPLIANCE_ORDER: readonly Compliance[] = [
  "NON_COMPLIANT",
  "COMPLIANT",
  "NOT_APPLICABLE",
  "INSUFFICIENT_DATA",
];

export type Counts = Record<Compliance, number>;

export interface RuleSummary {
  rule: RuleName;
  counts: Counts;
  total: number;
}

/** Per rule, in the order the verdicts come (the catalogue's), how many of each compliance. */
export function summarize(verdicts: readonly RuleVerdict[]): RuleSummary[] {
  const byRule = new Map<RuleName, RuleSummary>();
  for (const verdict of verdicts) {
    let summary = byRule.get(verdict.rule);
    if (!summary) {
      summary = { rule: verdict.rule, counts: emptyCounts(), total: 0 };
      byRule.set(verdict.rule, summary);
    }
    summary.counts[verdict.compliance]++;
    summary.total++;
  }
  return [...byRule.values()];
}

function emptyCounts(): Counts {
  return { NON_COMPLIANT: 0, COMPLIANT: 0, NOT_APPLICABLE: 0, INSUFFICIENT_DATA: 0 };
}

/** A remediation of a deployed rule, its mode, and what it would do about each violation. */
export interface RemediationPlan {
  remediation: string;
  rule: RuleName;
  mode: string;
  actions: Array<{ resourceType: string; resourceId: string; action: string }>;
}

export function remediationPlans(
  verdicts: readonly RuleVerdict[],
  settings: Settings,
): RemediationPlan[] {
  const rules = new Set(verdicts.map((verdict) => verdict.rule));
  return REMEDIATIONS.filter((remediation) => rules.has(remediation.rule)).map((remediation) => ({
    remediation: remediation.name,
    rule: remediation.rule,
    mode: remediation.mode(settings),
    actions: verdicts.flatMap((verdict) =>
      verdict.rule === remediation.rule && verdict.remediation
        ? [
            {
              resourceType: verdict.resourceType,
              resourceId: verdict.resourceId,
              action: verdict.remediation,
            },
          ]
        : [],
    ),
  }));
}

/** A violation's place against the baseline: new since it, or there already. */
export type Change = "new" | "unchanged";

export interface BaselineComparison {
  file: string;
  /** Per current violation (by `violationKey`). */
  changes: Map<string, Change>;
  /** Violations of the baseline that are not violations now (fixed, or the resource is gone). */
  resolved: BaselineEntry[];
}

export interface BaselineEntry {
  rule: string;
  resourceType: string;
  resourceId: string;
  compliance: string;
  annotation?: string;
}

/**
 * A verdict's cells as the CSV and the page's tables show them: type, id, name, compliance,
 * annotation, remediation and, against a baseline, whether it is new ("" when nothing to say).
 */
export function verdictCells(verdict: RuleVerdict, comparison?: BaselineComparison): string[] {
  return [
    verdict.resourceType,
    verdict.resourceId,
    verdict.resourceName ?? "",
    verdict.compliance,
    verdict.annotation,
    verdict.remediation ?? "",
    ...(comparison ? [comparison.changes.get(violationKey(verdict)) ?? ""] : []),
  ];
}

export const violationKey = (verdict: {
  rule: string;
  resourceType: string;
  resourceId: string;
}): string => `${verdict.rule} ${verdict.resourceType} ${verdict.resourceId}`;

export class BaselineError extends Error {
  override name = "BaselineError";
}

const BASELINE_FORM =
  "the JSON list an earlier `npm start --silent -- --json` printed, each entry with rule, resourceType, resourceId and compliance";

/** Reads a baseline file whole and strictly: a wrong entry is named, never skipped. */
export function readBaseline(file: string): BaselineEntry[] {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new BaselineError(
      `--baseline ${file}: cannot read it (${(error as NodeJS.ErrnoException).code}); expected ${BASELINE_FORM}`,
    );
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new BaselineError(
      `--baseline ${file}: not valid JSON (${(error as Error).message}); expected ${BASELINE_FORM}`,
    );
  }
  if (!Array.isArray(document)) {
    throw new BaselineError(`--baseline ${file}: not a list; expected ${BASELINE_FORM}`);
  }
  return document.map((entry: unknown, index) => {
    const record = entry as Record<string, unknown> | null;
    const missing = ["rule", "resourceType", "resourceId", "compliance"].filter(
      (field) => typeof record?.[field] !== "string",
    );
    if (missing.length > 0 || record === null) {
      throw new BaselineError(
        `--baseline ${file}: entry ${index} has no text ${missing.join(", ")}; expected ${BASELINE_FORM}`,
      );
    }
    return {
      rule: record.rule as string,
      resourceType: record.resourceType as string,
      resourceId: record.resourceId as string,
      compliance: record.compliance as string,
      ...(typeof record.annotation === "string" ? { annotation: record.annotation } : {}),
    };
  });
}

export function compareWithBaseline(
  verdicts: readonly RuleVerdict[],
  baseline: readonly BaselineEntry[],
  file: string,
): BaselineComparison {
  const before = new Set(
    baseline.filter((entry) => entry.compliance === "NON_COMPLIANT").map(violationKey),
  );
  const now = new Set<string>();
  const changes = new Map<string, Change>();
  for (const verdict of verdicts) {
    if (verdict.compliance !== "NON_COMPLIANT") continue;
    const key = violationKey(verdict);
    now.add(key);
    changes.set(key, before.has(key) ? "unchanged" : "new");
  }
  const resolved = baseline.filter(
    (entry) => entry.compliance === "NON_COMPLIANT" && !now.has(violationKey(entry)),
  );
  return { file, changes, resolved };
}

/** How many violations are new and unchanged, per rule or in all. */
export function changeCounts(
  comparison: BaselineComparison,
  rule?: string,
): { new: number; unchanged: number; resolved: number } {
  let added = 0;
  let unchanged = 0;
  for (const [key, change] of comparison.changes) {
    if (rule !== undefined && !key.startsWith(`${rule} `)) continue;
    if (change === "new") added++;
    else unchanged++;
  }
  const resolved = comparison.resolved.filter(
    (entry) => rule === undefined || entry.rule === rule,
  ).length;
  return { new: added, unchanged, resolved };
}
