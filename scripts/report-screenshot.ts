/**
 * Writes docs/report.png, the README's picture of the HTML report: the demo account with the dev
 * stack, as `npm start -- --html` writes it, in Debian's Chromium. `npm run screenshot`.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { launchBrowser } from "./browser";

const ROOT = path.join(__dirname, "..");
export const SCREENSHOT = path.join(ROOT, "docs", "report.png");

async function main(): Promise<void> {
  const html = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "report-")), "report.html");
  execFileSync("npm", ["start", "--silent", "--", "--no-plan", "--html", html], {
    cwd: ROOT,
    stdio: "ignore",
  });
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1400 } });
    await page.goto(`file://${html}`);
    // A filter applied, so the picture shows the violations rather than the first compliant rows.
    await page.selectOption("#compliance", "NON_COMPLIANT");
    fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });
  } finally {
    await browser.close();
  }
  console.log(`wrote ${path.relative(ROOT, SCREENSHOT)}`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
