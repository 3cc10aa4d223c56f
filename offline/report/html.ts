/**
 * `--html FILE`: the report as one self-contained page that opens from disk. Inline CSS, SVG and
 * a little script (sorting and filtering); a Content-Security-Policy of `default-src 'none'`
 * makes sure the page fetches nothing, whatever a resource name holds. Every text from the
 * account is escaped: user names and annotations are data, never markup.
 */
import { RuleName } from "../../functions/catalog";
import { Compliance } from "../../functions/rules/verdict";
import { Settings } from "../../config";
import { RuleVerdict, ruleDescriptions } from "../evaluate";
import { Snapshot } from "../snapshot";
import {
  BaselineComparison,
  COMPLIANCE_ORDER,
  RemediationPlan,
  RuleSummary,
  changeCounts,
  remediationPlans,
  summarize,
  verdictCells,
} from "./model";

export interface HtmlReportInput {
  verdicts: readonly RuleVerdict[];
  summaries: readonly RuleSummary[];
  plans: readonly RemediationPlan[];
  /** Per rule, what it checks, as the deployed rule describes itself. */
  descriptions: ReadonlyMap<RuleName, string>;
  account: { accountId: string; partition: string };
  snapshot: { dir: string; generatedTime: Date; notes: readonly string[] };
  stack: { file: string; project: string; stack: string; config: Record<string, unknown> };
  comparison?: BaselineComparison;
}

const COLOURS: Record<Compliance, string> = {
  NON_COMPLIANT: "#c62828",
  COMPLIANT: "#2e7d32",
  NOT_APPLICABLE: "#9e9e9e",
  INSUFFICIENT_DATA: "#f9a825",
};

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ESCAPES[character] ?? character);
}

/** The page's input for a snapshot judged with a stack's settings. */
export function htmlReportInput(report: {
  verdicts: readonly RuleVerdict[];
  snapshot: Snapshot;
  settings: Settings;
  stack: HtmlReportInput["stack"];
  comparison?: BaselineComparison;
}): HtmlReportInput {
  const { verdicts, snapshot, settings } = report;
  return {
    verdicts,
    summaries: summarize(verdicts),
    plans: remediationPlans(verdicts, settings),
    descriptions: ruleDescriptions(snapshot, settings),
    account: snapshot.account,
    snapshot,
    stack: report.stack,
    ...(report.comparison ? { comparison: report.comparison } : {}),
  };
}

export function renderHtml(input: HtmlReportInput): string {
  const { account, snapshot, stack, comparison } = input;
  const failing = input.summaries.reduce((sum, s) => sum + s.counts.NON_COMPLIANT, 0);
  const title = `Compliance of account ${account.accountId}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${escapeHtml(title)}</h1>
<p>Snapshot <code>${escapeHtml(snapshot.dir)}</code> as of <time>${snapshot.generatedTime.toISOString()}</time>,
evaluated offline with stack <code>${escapeHtml(stack.stack)}</code> of project <code>${escapeHtml(stack.project)}</code>
(<code>${escapeHtml(stack.file)}</code>), by the evaluators the deployed rules run.</p>
<p class="headline"><strong id="failing">${failing}</strong> NON_COMPLIANT of ${input.verdicts.length} verdicts
in ${input.summaries.length} rules.</p>
${snapshot.notes.map((note) => `<p class="note">${escapeHtml(note)}</p>`).join("\n")}
</header>
<main>
${summarySection(input)}
${comparison ? baselineSection(comparison) : ""}
${plansSection(input.plans)}
<section id="resources">
<h2>Resources</h2>
<form class="filters" role="search" onsubmit="return false">
<label>Filter <input id="filter" type="search" placeholder="id, name, annotation, remediation"></label>
<label>Verdict <select id="compliance"><option value="">any</option>${COMPLIANCE_ORDER.map(
    (compliance) => `<option>${compliance}</option>`,
  ).join("")}</select></label>
${comparison ? `<label>Since the baseline <select id="change"><option value="">any</option><option>new</option><option>unchanged</option></select></label>` : ""}
<output id="shown-total">${input.verdicts.length}</output> shown
</form>
${ruleTables(input)}
</section>
${settingsSection(stack)}
</main>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

function summarySection({ summaries, comparison }: HtmlReportInput): string {
  const rows = summaries.map((summary) => {
    const change = comparison && changeCounts(comparison, summary.rule);
    return `<tr>
<th scope="row"><a href="#rule-${summary.rule}">${summary.rule}</a></th>
<td>${stackedBar(summary)}</td>
${COMPLIANCE_ORDER.map(
  (compliance) =>
    `<td class="count" data-rule="${summary.rule}" data-compliance="${compliance}">${summary.counts[compliance]}</td>`,
).join("")}
${change ? `<td class="count">${change.new}</td><td class="count">${change.resolved}</td>` : ""}
</tr>`;
  });
  return `<section id="summary">
<h2>Summary</h2>
<table class="summary">
<thead><tr><th scope="col">rule</th><th scope="col">verdicts</th>${COMPLIANCE_ORDER.map(
    (compliance) =>
      `<th scope="col"><span class="swatch" style="background:${COLOURS[compliance]}"></span>${compliance}</th>`,
  ).join(
    "",
  )}${comparison ? `<th scope="col">new</th><th scope="col">resolved</th>` : ""}</tr></thead>
<tbody>
${rows.join("\n")}
</tbody>
</table>
</section>`;
}

/** NON_COMPLIANT, COMPLIANT, NOT_APPLICABLE (and INSUFFICIENT_DATA) side by side, to scale. */
function stackedBar({ counts, total }: RuleSummary): string {
  const width = 240;
  let x = 0;
  const parts = COMPLIANCE_ORDER.filter((compliance) => counts[compliance] > 0).map(
    (compliance) => {
      const part = (counts[compliance] / total) * width;
      const rect = `<rect x="${x.toFixed(2)}" width="${part.toFixed(2)}" height="14" fill="${COLOURS[compliance]}"><title>${counts[compliance]} ${compliance}</title></rect>`;
      x += part;
      return rect;
    },
  );
  return `<svg class="bar" width="${width}" height="14" viewBox="0 0 ${width} 14" role="img" aria-label="${COMPLIANCE_ORDER.map(
    (compliance) => `${counts[compliance]} ${compliance}`,
  ).join(", ")}">${parts.join("")}</svg>`;
}

function baselineSection(comparison: BaselineComparison): string {
  const all = changeCounts(comparison);
  return `<section id="baseline">
<h2>Since the baseline</h2>
<p>Against <code>${escapeHtml(comparison.file)}</code>: <strong>${all.new}</strong> new,
<strong>${all.resolved}</strong> resolved and <strong>${all.unchanged}</strong> unchanged violations.</p>
${
  comparison.resolved.length > 0
    ? `<details><summary>Resolved (${comparison.resolved.length})</summary><ul>${comparison.resolved
        .map(
          (entry) =>
            `<li>${escapeHtml(entry.rule)}: ${escapeHtml(entry.resourceType)} <code>${escapeHtml(entry.resourceId)}</code></li>`,
        )
        .join("")}</ul></details>`
    : ""
}
</section>`;
}

function plansSection(plans: readonly RemediationPlan[]): string {
  const rows = plans.map(
    (plan) => `<tr>
<th scope="row">${plan.remediation}</th>
<td><span class="mode">${escapeHtml(plan.mode)}</span></td>
<td><a href="#rule-${plan.rule}">${plan.rule}</a></td>
<td class="count">${plan.actions.length}</td>
<td>${
      plan.actions.length > 0
        ? `<details><summary>what it would do</summary><ul>${plan.actions
            .map(
              (action) =>
                `<li><code>${escapeHtml(action.resourceId)}</code>: ${escapeHtml(action.action)}</li>`,
            )
            .join("")}</ul></details>`
        : "nothing to do"
    }</td>
</tr>`,
  );
  return `<section id="remediation">
<h2>Remediation plan</h2>
<p>What <code>pulumi up</code> with this stack would set to work on the account: each remediation in its configured mode, on its rule's violations.</p>
<table class="plans">
<thead><tr><th scope="col">remediation</th><th scope="col">mode</th><th scope="col">on the violations of</th><th scope="col">actions</th><th scope="col"></th></tr></thead>
<tbody>
${rows.join("\n")}
</tbody>
</table>
</section>`;
}

/** Rows a table shows at first, and each "show more" adds: a browser lays out a few hundred rows at once, not 30,000. */
export const PAGE_ROWS = 100;

/**
 * The tables' rows as data the page's script draws from, a page at a time: filtering and
 * counting run on the data, so the counts are exact however many rows are drawn.
 */
function rowData(input: HtmlReportInput): Record<string, string[][]> {
  const { comparison } = input;
  const byRule: Record<string, string[][]> = {};
  for (const verdict of input.verdicts) {
    (byRule[verdict.rule] ??= []).push(verdictCells(verdict, comparison));
  }
  return byRule;
}

/** JSON inside a script element: `<` escaped, so no text can close the element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c");
}

function ruleTables(input: HtmlReportInput): string {
  const rows = rowData(input);
  const headings = [
    "type",
    "id",
    "name",
    "verdict",
    "annotation",
    "remediation",
    ...(input.comparison ? ["since baseline"] : []),
  ];
  const sections = Object.entries(rows).map(
    ([rule, ofRule]) => `<section class="rule" id="rule-${rule}" data-rule="${rule}">
<h3>${rule} <small><output class="shown">${ofRule.length}</output> of ${ofRule.length} shown</small></h3>
<p>${escapeHtml(input.descriptions.get(rule) ?? "")}</p>
<table class="resources">
<thead><tr>${headings.map((heading) => `<th scope="col"><button type="button">${heading}</button></th>`).join("")}</tr></thead>
<tbody></tbody>
</table>
<button type="button" class="more" hidden></button>
</section>`,
  );
  return `<noscript><p>The tables need JavaScript; <code>--csv</code> writes the same rows.</p></noscript>
${sections.join("\n")}
<script type="application/json" id="rows">${scriptJson({ pageRows: PAGE_ROWS, rows })}</script>`;
}

function settingsSection(stack: HtmlReportInput["stack"]): string {
  const entries = Object.entries(stack.config);
  return `<section id="settings">
<h2>Stack config</h2>
<p>As <code>${escapeHtml(stack.file)}</code> sets it; every other key has its default (see the README's config table).</p>
${
  entries.length === 0
    ? "<p>No keys set.</p>"
    : `<table class="settings"><tbody>${entries
        .map(
          ([key, value]) =>
            `<tr><th scope="row"><code>${escapeHtml(key)}</code></th><td><code>${escapeHtml(JSON.stringify(value))}</code></td></tr>`,
        )
        .join("")}</tbody></table>`
}
</section>`;
}

const STYLE = `
:root { color-scheme: light; --line: #d0d7de; --muted: #57606a; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2328; background: #f6f8fa; }
header, main { max-width: 1280px; margin: 0 auto; padding: 0 24px; }
header { padding-top: 24px; }
h1 { font-size: 24px; margin: 0 0 8px; }
h2 { font-size: 18px; margin: 32px 0 12px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 15px; margin: 20px 0 6px; }
h3 small { font-weight: normal; color: var(--muted); }
code { font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, monospace; }
.headline { font-size: 16px; }
.headline strong { color: ${COLOURS.NON_COMPLIANT}; font-size: 20px; }
.note { color: var(--muted); }
table { border-collapse: collapse; background: #fff; border: 1px solid var(--line); }
th, td { padding: 4px 8px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
table.summary td.count { text-align: right; font-variant-numeric: tabular-nums; }
table.resources { width: 100%; }
table.resources td.id { white-space: nowrap; font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, monospace; }
button.more { margin: 6px 0; }
table.resources td:nth-child(5), table.resources td:nth-child(6) { max-width: 420px; overflow-wrap: anywhere; }
th button { all: unset; cursor: pointer; font-weight: 600; }
th button::after { content: " \\2195"; color: var(--muted); }
th[aria-sort="ascending"] button::after { content: " \\2191"; }
th[aria-sort="descending"] button::after { content: " \\2193"; }
.swatch { display: inline-block; width: 10px; height: 10px; margin-right: 4px; border-radius: 2px; }
.verdict { font-weight: 600; white-space: nowrap; }
.verdict.NON_COMPLIANT { color: ${COLOURS.NON_COMPLIANT}; }
.verdict.COMPLIANT { color: ${COLOURS.COMPLIANT}; }
.verdict.NOT_APPLICABLE { color: ${COLOURS.NOT_APPLICABLE}; }
.verdict.INSUFFICIENT_DATA { color: #8a6d00; }
.filters { position: sticky; top: 0; z-index: 1; display: flex; gap: 16px; align-items: center; padding: 8px 0; background: #f6f8fa; }
.filters input { width: 320px; padding: 4px 6px; }
table.plans td.count { text-align: right; }
table.plans ul { margin: 4px 0; padding-left: 18px; }
.mode { font: 12px ui-monospace, monospace; background: #ddf4ff; border-radius: 10px; padding: 1px 8px; }
`;

// The rows live in a JSON element; each table draws the rows that match the filters, a page at
// a time, sorted by the column last clicked. Plain DOM: no framework to download.
const SCRIPT = `
(() => {
  const { pageRows, rows } = JSON.parse(document.getElementById("rows").textContent);
  const filter = document.getElementById("filter");
  const compliance = document.getElementById("compliance");
  const change = document.getElementById("change");
  const COMPLIANCE = 3, CHANGE = 6;
  const tables = Array.from(document.querySelectorAll("section.rule")).map((section) => {
    const ofRule = rows[section.dataset.rule];
    return {
      section,
      rows: ofRule,
      texts: ofRule.map((row) => row.join(" ").toLowerCase()),
      order: ofRule.map((_, index) => index),
      limit: pageRows,
      body: section.querySelector("tbody"),
      shown: section.querySelector(".shown"),
      more: section.querySelector("button.more"),
    };
  });
  const cell = (text, className) => {
    const td = document.createElement("td");
    if (className) td.className = className;
    td.textContent = text;
    return td;
  };
  const draw = (table) => {
    const query = filter.value.trim().toLowerCase();
    const wanted = compliance.value;
    const since = change ? change.value : "";
    const matching = table.order.filter((index) =>
      (!query || table.texts[index].includes(query)) &&
      (!wanted || table.rows[index][COMPLIANCE] === wanted) &&
      (!since || table.rows[index][CHANGE] === since));
    table.body.replaceChildren(...matching.slice(0, table.limit).map((index) => {
      const row = table.rows[index];
      const tr = document.createElement("tr");
      tr.dataset.compliance = row[COMPLIANCE];
      row.forEach((text, column) =>
        tr.append(cell(text, column === COMPLIANCE ? "verdict " + text : column === 1 ? "id" : "")));
      return tr;
    }));
    table.shown.textContent = String(matching.length);
    const hidden = matching.length - Math.min(matching.length, table.limit);
    table.more.hidden = hidden === 0;
    table.more.textContent = "show " + Math.min(hidden, pageRows) + " more (" + hidden + " not drawn)";
    return matching.length;
  };
  const drawAll = () => {
    let shown = 0;
    for (const table of tables) {
      table.limit = pageRows;
      shown += draw(table);
    }
    document.getElementById("shown-total").textContent = String(shown);
  };
  filter.addEventListener("input", drawAll);
  compliance.addEventListener("change", drawAll);
  if (change) change.addEventListener("change", drawAll);
  for (const table of tables) {
    table.more.addEventListener("click", () => {
      table.limit += pageRows;
      draw(table);
    });
    for (const button of table.section.querySelectorAll("th button")) {
      button.addEventListener("click", () => {
        const heading = button.parentElement;
        const column = Array.from(heading.parentElement.children).indexOf(heading);
        const ascending = heading.getAttribute("aria-sort") !== "ascending";
        for (const other of table.section.querySelectorAll("th")) other.removeAttribute("aria-sort");
        heading.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        // Numbers by value; text (ids, names) by code point, the same in every browser.
        const order = (a, b) => {
          const x = table.rows[a][column];
          const y = table.rows[b][column];
          const both = x !== "" && y !== "" && !isNaN(Number(x)) && !isNaN(Number(y));
          return both ? Number(x) - Number(y) : x < y ? -1 : x > y ? 1 : 0;
        };
        table.order.sort((a, b) => order(a, b) * (ascending ? 1 : -1));
        draw(table);
      });
    }
  }
  drawAll();
})();
`;
