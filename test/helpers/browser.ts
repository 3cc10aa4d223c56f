/** The browser the HTML tests drive: see scripts/browser.ts. */
export { launchBrowser } from "../../scripts/browser";
