/** The report for a terminal: the counts first, then each rule's resources. */
import { RuleVerdict } from "../evaluate";
import { Snapshot } from "../snapshot";
import { BaselineComparison, RuleSummary, changeCounts, summarize, violationKey } from "./model";

export function renderText(
  verdicts: readonly RuleVerdict[],
  snapshot: Snapshot,
  comparison?: BaselineComparison,
): string {
  const summaries = summarize(verdicts);
  const width = Math.max(...summaries.map((summary) => summary.rule.length));
  const lines = [
    `Account ${snapshot.account.accountId}, snapshot ${snapshot.dir} (as of ${snapshot.generatedTime.toISOString()}), evaluated with the stack's settings:`,
    ...snapshot.notes.map((note) => `(${note})`),
    "",
    ...summaries.map((summary) => `  ${summary.rule.padEnd(width)}  ${countsText(summary)}`),
  ];
  if (comparison) {
    const all = changeCounts(comparison);
    lines.push(
      "",
      `Against the baseline ${comparison.file}: ${all.new} new, ${all.resolved} resolved, ${all.unchanged} unchanged violations.`,
      ...comparison.resolved.map(
        (entry) => `  resolved  ${entry.rule}  ${entry.resourceType}  ${entry.resourceId}`,
      ),
    );
  }
  const byRule = new Map<string, RuleVerdict[]>();
  for (const verdict of verdicts) {
    const ofRule = byRule.get(verdict.rule);
    if (ofRule) ofRule.push(verdict);
    else byRule.set(verdict.rule, [verdict]);
  }
  for (const [rule, ofRule] of byRule) {
    const failing = ofRule.filter((verdict) => verdict.compliance === "NON_COMPLIANT").length;
    lines.push("", `${rule}: ${failing} NON_COMPLIANT of ${ofRule.length}`);
    for (const verdict of ofRule) {
      const change = comparison?.changes.get(violationKey(verdict));
      lines.push(
        `  ${verdict.compliance.padEnd(14)} ${verdict.resourceType.padEnd(24)} ${verdict.resourceId.padEnd(22)} ${verdict.annotation}${change === "new" ? "  [new]" : ""}`,
      );
      if (verdict.remediation) lines.push(`  ${"".padEnd(62)} -> ${verdict.remediation}`);
    }
  }
  return lines.join("\n");
}

function countsText({ counts, total }: RuleSummary): string {
  return (
    `${counts.NON_COMPLIANT} NON_COMPLIANT, ${counts.COMPLIANT} COMPLIANT, ${counts.NOT_APPLICABLE} NOT_APPLICABLE` +
    `${counts.INSUFFICIENT_DATA > 0 ? `, ${counts.INSUFFICIENT_DATA} INSUFFICIENT_DATA` : ""} (of ${total})`
  );
}

/** Across an organization's accounts: per rule, the violations in all and in each account. */
export function renderOrganizationSummary(
  accounts: ReadonlyArray<{ accountId: string; verdicts: readonly RuleVerdict[] }>,
): string {
  const perAccount = accounts.map(({ accountId, verdicts }) => ({
    accountId,
    summaries: new Map(summarize(verdicts).map((summary) => [summary.rule, summary])),
  }));
  const rules = [...new Set(perAccount.flatMap(({ summaries }) => [...summaries.keys()]))];
  const width = Math.max(...rules.map((rule) => rule.length));
  const failing = (rule: string, summaries: Map<string, RuleSummary>) =>
    summaries.get(rule)?.counts.NON_COMPLIANT ?? 0;
  return [
    `Organization: ${accounts.length} account${accounts.length === 1 ? "" : "s"} (${accounts.map((account) => account.accountId).join(", ")}); NON_COMPLIANT per rule, in all and per account:`,
    "",
    ...rules.map((rule) => {
      const each = perAccount.map(
        ({ accountId, summaries }) => `${accountId} ${failing(rule, summaries)}`,
      );
      const total = perAccount.reduce((sum, { summaries }) => sum + failing(rule, summaries), 0);
      return `  ${rule.padEnd(width)}  ${String(total).padStart(5)}  (${each.join(", ")})`;
    }),
  ].join("\n");
}
