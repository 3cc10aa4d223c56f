/**
 * The HTML report in a real browser (Debian's Chromium): what the page shows must be what the
 * JSON output says, its filters and sorting must work, and it must load nothing from anywhere.
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { Browser, Page } from "playwright-core";
import { writeSnapshot } from "../../../bench/offline";
import { parseSettings } from "../../../config";
import { evaluateSnapshot } from "../../../offline/evaluate";
import { PAGE_ROWS, escapeHtml, htmlReportInput, renderHtml } from "../../../offline/report/html";
import { readSnapshot } from "../../../offline/snapshot";
import { launchBrowser } from "../../helpers/browser";

const ROOT = path.join(__dirname, "..", "..", "..");

interface Verdict {
  rule: string;
  compliance: string;
  resourceId: string;
}

/** `npm start` as a user runs it: the verdicts as JSON, and the report written beside them. */
function report(...args: string[]): { verdicts: Verdict[]; html: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "report-"));
  const html = path.join(dir, "report.html");
  const result = spawnSync(
    "npm",
    ["start", "--silent", "--", "--no-plan", "--json", "--html", html, ...args],
    { cwd: ROOT, encoding: "utf8", timeout: 120_000, maxBuffer: 256 * 1024 * 1024 },
  );
  assert.equal(result.status, 0, result.stderr);
  return { verdicts: JSON.parse(result.stdout) as Verdict[], html };
}

function expectedCounts(verdicts: readonly Verdict[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { rule, compliance } of verdicts) {
    counts[`${rule} ${compliance}`] = (counts[`${rule} ${compliance}`] ?? 0) + 1;
  }
  return counts;
}

/** The summary table's non-zero counts, as the page shows them. */
async function pageCounts(page: Page): Promise<Record<string, number>> {
  const cells = await page.$$eval("td.count[data-rule]", (elements) =>
    elements.map((element) => [
      `${element.getAttribute("data-rule")} ${element.getAttribute("data-compliance")}`,
      Number(element.textContent),
    ]),
  );
  return Object.fromEntries(cells.filter(([, count]) => count !== 0));
}

interface Opened {
  page: Page;
  /** Console errors and uncaught exceptions. */
  errors: string[];
  /** Every request the page made other than for the file itself. */
  requests: string[];
}

async function open(browser: Browser, file: string): Promise<Opened> {
  const page = await browser.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  const url = `file://${file}`;
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("request", (request) => {
    if (request.url() !== url) requests.push(request.url());
  });
  await page.goto(url, { waitUntil: "load" });
  return { page, errors, requests };
}

/** The rows the tables have drawn (a page of each rule's matching rows). */
const visibleRows = (page: Page) =>
  page.$$eval("table.resources tbody tr", (rows) =>
    rows.map((row) => ({
      id: row.children[1]?.textContent ?? "",
      compliance: row.getAttribute("data-compliance") ?? "",
      text: row.textContent ?? "",
    })),
  );

describe("offline report: HTML in a browser", function () {
  this.timeout(180_000);
  let browser: Browser;

  before(async () => {
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
  });

  describe("on the demo snapshot", () => {
    let demo: { verdicts: Verdict[]; html: string };
    let opened: Opened;

    before(async () => {
      demo = report();
      opened = await open(browser, demo.html);
    });

    it("shows the JSON output's counts, per rule and verdict", async () => {
      assert.deepEqual(await pageCounts(opened.page), expectedCounts(demo.verdicts));
      const failing = demo.verdicts.filter((v) => v.compliance === "NON_COMPLIANT").length;
      assert.equal(await opened.page.textContent("#failing"), String(failing));
      assert.equal((await visibleRows(opened.page)).length, demo.verdicts.length);
    });

    it("loads nothing and logs no error", () => {
      assert.deepEqual(opened.errors, []);
      assert.deepEqual(opened.requests, []);
    });

    it("filters by text and by verdict, and says how many it shows", async () => {
      const { page } = opened;
      await page.fill("#filter", "bob");
      const bob = await visibleRows(page);
      assert.ok(bob.length > 0);
      assert.ok(bob.every((row) => row.text.toLowerCase().includes("bob")));
      assert.equal(await page.textContent("#shown-total"), String(bob.length));

      await page.fill("#filter", "");
      await page.selectOption("#compliance", "NON_COMPLIANT");
      const failing = await visibleRows(page);
      assert.deepEqual(
        failing.map((row) => row.id).sort(),
        demo.verdicts
          .filter((v) => v.compliance === "NON_COMPLIANT")
          .map((v) => v.resourceId)
          .sort(),
      );
      const perRule = await page.$$eval("section.rule", (sections) =>
        sections.map((section) => [
          section.getAttribute("data-rule"),
          Number(section.querySelector(".shown")?.textContent),
        ]),
      );
      assert.deepEqual(
        Object.fromEntries(perRule),
        Object.fromEntries(
          [...new Set(demo.verdicts.map((v) => v.rule))].map((rule) => [
            rule,
            demo.verdicts.filter((v) => v.rule === rule && v.compliance === "NON_COMPLIANT").length,
          ]),
        ),
      );
      await page.selectOption("#compliance", "");
    });

    it("sorts a table by the column clicked, both ways", async () => {
      const { page } = opened;
      const ids = () =>
        page.$$eval("#rule-exposed-ports tbody tr", (rows) =>
          rows.map((row) => row.children[1]?.textContent ?? ""),
        );
      const before = await ids();
      const button = page.locator("#rule-exposed-ports th button", { hasText: "id" });
      await button.click();
      const ascending = await ids();
      // Ids by code point, whatever the browser's locale; the demo does not list them so.
      assert.deepEqual(ascending, [...before].sort());
      assert.notDeepEqual(ascending, before);
      await button.click();
      assert.deepEqual(await ids(), [...ascending].reverse());
    });
  });

  it("marks new and resolved violations against a baseline", async () => {
    const baselineFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "baseline-")), "b.json");
    const previous = report().verdicts;
    // One violation of today was compliant then; one of then is gone today.
    const first = previous.findIndex((v) => v.compliance === "NON_COMPLIANT");
    const changed = previous.map((v, index) =>
      index === first ? { ...v, compliance: "COMPLIANT" } : v,
    );
    changed.push({ ...(previous[first] as Verdict), resourceId: "sg-0deleted0000000000" });
    fs.writeFileSync(baselineFile, JSON.stringify(changed));

    const { html } = report("--baseline", baselineFile);
    const { page, errors } = await open(browser, html);
    assert.match((await page.textContent("#baseline")) ?? "", /1\s+new,\s+1\s+resolved/);
    await page.selectOption("#change", "new");
    assert.deepEqual(
      (await visibleRows(page)).map((row) => row.id),
      [previous[first]?.resourceId],
    );
    assert.deepEqual(errors, []);
  });

  it("keeps account data as text: a name cannot become markup", async () => {
    const snapshot = readSnapshot(path.join(ROOT, "examples", "demo-account"));
    const settings = parseSettings({});
    const verdicts = evaluateSnapshot(snapshot, settings).map((verdict, index) =>
      index === 0
        ? {
            ...verdict,
            // A name that closes the rows' script element, then markup, were it not escaped.
            resourceName: `</script><img src=x onerror="document.title='owned'">`,
          }
        : verdict,
    );
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "report-")), "report.html");
    fs.writeFileSync(
      file,
      renderHtml(
        htmlReportInput({
          verdicts,
          snapshot,
          settings,
          stack: { file: "Pulumi.test.yaml", project: "guardrails", stack: "test", config: {} },
        }),
      ),
    );
    const { page, errors, requests } = await open(browser, file);
    assert.equal(await page.$("img"), null);
    assert.ok(((await page.textContent("table.resources")) ?? "").includes("</script><img src=x"));
    assert.notEqual(await page.title(), "owned");
    assert.deepEqual([errors, requests], [[], []]);
    assert.equal(escapeHtml(`<a href="x">&'`), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
  });

  it("renders a 10,000-resource snapshot with the JSON output's counts", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "snapshot-"));
    writeSnapshot(dir, 3_334);
    const large = report("--snapshot", dir);
    const { page, errors, requests } = await open(browser, large.html);
    assert.deepEqual(await pageCounts(page), expectedCounts(large.verdicts));
    // Every verdict counted as shown; a page of each rule's rows drawn.
    assert.equal(await page.textContent("#shown-total"), String(large.verdicts.length));
    const drawn = () => page.$$eval("#rule-exposed-ports tbody tr", (rows) => rows.length);
    assert.equal(await drawn(), PAGE_ROWS);
    await page.click("#rule-exposed-ports button.more");
    assert.equal(await drawn(), 2 * PAGE_ROWS);

    await page.selectOption("#compliance", "NON_COMPLIANT");
    const failing = large.verdicts.filter((v) => v.compliance === "NON_COMPLIANT");
    assert.equal(await page.textContent("#shown-total"), String(failing.length));
    const rows = await visibleRows(page);
    assert.ok(rows.length > 0 && rows.every((row) => row.compliance === "NON_COMPLIANT"));
    assert.deepEqual([errors, requests], [[], []]);
  });
});
