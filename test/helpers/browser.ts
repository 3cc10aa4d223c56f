/**
 * Debian's Chromium driven by playwright-core (which downloads no browser). Throws, so a suite
 * fails rather than skips, when the browser is missing, saying how to install it; `.ci/run`
 * installs it.
 */
import * as fs from "fs";
import { Browser, chromium } from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

const INSTALL_HINT =
  "Install Debian's Chromium (as .ci/run does): apt-get update && apt-get install -y chromium, or set CHROMIUM_PATH";

export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`no browser at ${CHROMIUM}. ${INSTALL_HINT}`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    // Without the background-networking flags Chromium keeps trying hosts this closed network
    // refuses; --no-sandbox because CI runs as root.
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}
