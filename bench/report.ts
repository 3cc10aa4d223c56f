/**
 * The HTML report at scale: a generated snapshot of 10,002 resources (3,334 users, security
 * groups and instances each, bench/offline.ts's generator), written as `npm start -- --html`
 * writes it, then opened in Debian's Chromium: the time from navigation to the first frame after
 * the load event (parsing, style, layout and the first paint of the visible part), median of
 * REPORT_RUNS fresh pages in one browser.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseSettings } from "../config";
import { evaluateSnapshot } from "../offline/evaluate";
import { htmlReportInput, renderHtml } from "../offline/report/html";
import { readSnapshot } from "../offline/snapshot";
import { launchBrowser } from "../scripts/browser";
import { writeSnapshot } from "./offline";

export const REPORT_EACH = 3_334;
export const REPORT_RUNS = 5;

export interface ReportResult {
  resources: number;
  verdicts: number;
  bytes: number;
  writeMs: number;
  firstFrameMs: number;
  /** The goal: the 10,000-resource report on screen in under this. */
  goalMs: number;
}

export async function measureReport(): Promise<ReportResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-report-"));
  try {
    writeSnapshot(dir, REPORT_EACH);
    const settings = parseSettings({});
    const snapshot = readSnapshot(dir);
    const verdicts = evaluateSnapshot(snapshot, settings);
    const t0 = process.hrtime.bigint();
    const html = renderHtml(
      htmlReportInput({
        verdicts,
        snapshot,
        settings,
        stack: { file: "Pulumi.bench.yaml", project: "guardrails", stack: "bench", config: {} },
      }),
    );
    const file = path.join(dir, "report.html");
    fs.writeFileSync(file, html);
    const writeMs = Number(process.hrtime.bigint() - t0) / 1e6;
    const browser = await launchBrowser();
    const times: number[] = [];
    try {
      for (let run = 0; run < REPORT_RUNS; run++) {
        const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
        await page.goto(`file://${file}`, { waitUntil: "load" });
        // performance.now() counts from the navigation's start.
        times.push(
          await page.evaluate(
            () =>
              new Promise<number>((resolve) => {
                // The page's own global (the bench's tsconfig has no DOM types).
                const window = globalThis as unknown as {
                  requestAnimationFrame: (frame: () => void) => void;
                };
                window.requestAnimationFrame(() => setTimeout(() => resolve(performance.now()), 0));
              }),
          ),
        );
        await page.close();
      }
    } finally {
      await browser.close();
    }
    times.sort((a, b) => a - b);
    return {
      resources: 3 * REPORT_EACH,
      verdicts: verdicts.length,
      bytes: Buffer.byteLength(html),
      writeMs,
      firstFrameMs: times[Math.floor(times.length / 2)] ?? 0,
      goalMs: 2000,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
