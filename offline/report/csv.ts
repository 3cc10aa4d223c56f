/**
 * `--csv FILE`: one row per verdict, RFC 4180 (fields with a comma, quote or line break quoted,
 * quotes doubled, CRLF between records), for spreadsheets and CI artifacts.
 */
import { RuleVerdict } from "../evaluate";
import { BaselineComparison, verdictCells } from "./model";

const COLUMNS = [
  "rule",
  "resource_type",
  "resource_id",
  "resource_name",
  "compliance",
  "annotation",
  "remediation",
] as const;

export function renderCsv(
  verdicts: readonly RuleVerdict[],
  comparison?: BaselineComparison,
): string {
  const header: string[] = [...COLUMNS, ...(comparison ? ["since_baseline"] : [])];
  const rows = verdicts.map((verdict) => [verdict.rule, ...verdictCells(verdict, comparison)]);
  return [header, ...rows].map((row) => row.map(csvField).join(",")).join("\r\n") + "\r\n";
}

/**
 * One field. A value a spreadsheet would run as a formula (=, +, -, @ first: IAM allows user
 * names such as "=HYPERLINK(...)") is kept as text by a leading apostrophe.
 */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
