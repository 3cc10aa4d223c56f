/**
 * `npm start`: the program, offline. Runs the Pulumi program under Pulumi's mock runtime with a
 * stack's config and prints what `pulumi up` would create, then evaluates an account snapshot
 * (the shipped demo account by default) with the same evaluators the Lambdas run. No AWS
 * account, credentials or Pulumi CLI needed.
 */
import * as pulumi from "@pulumi/pulumi";
import * as fs from "fs";
import * as path from "path";
import { ConfigError, Settings, settingsFromConfig, settingsIn } from "../config";
import { namesUnits } from "../functions/shared/account-overrides";
import { Compliance } from "../functions/rules/verdict";
import { RuleVerdict, evaluateSnapshot } from "./evaluate";
import { runProgram, toPulumiConfig } from "./mock-runtime";
import { planDocument, renderPlan } from "./plan";
import {
  isSnapshotError,
  organizationAccounts,
  readOrganizationSnapshot,
  readSnapshot,
} from "./snapshot";
import { StackFileError, readStackFile } from "./stack-file";
import { renderCsv } from "./report/csv";
import { htmlReportInput, renderHtml } from "./report/html";
import { BaselineError, COMPLIANCE_ORDER, compareWithBaseline, readBaseline } from "./report/model";
import { renderOrganizationSummary, renderText } from "./report/text";

const ROOT = path.join(__dirname, "..");
export const DEMO_SNAPSHOT = path.join(ROOT, "examples", "demo-account");

const USAGE = `Usage: npm start -- [--stack Pulumi.<stack>.yaml] [--snapshot DIR | --no-snapshot] [--no-plan]
                    [--json] [--html FILE] [--csv FILE] [--baseline FILE] [--fail-on VERDICTS]

  --stack FILE       stack config to use (default: Pulumi.dev.yaml)
  --snapshot DIR     account snapshot to evaluate (default: examples/demo-account), or an
                     organization's: one sub-folder per account, named by its 12-digit id
  --no-snapshot      only the plan
  --no-plan          only the verdicts: the program is not run (nor its Lambdas serialized); the
                     stack's settings are still checked
  --json             one JSON document on stdout: the verdicts, or with --no-snapshot the plan;
                     everything else goes to stderr (use npm start --silent, or npm's banner
                     lands on stdout too)
  --html FILE        also write the report as one self-contained HTML page
  --csv FILE         also write one CSV row per verdict
  --baseline FILE    an earlier --json output: mark violations new, unchanged or resolved
  --fail-on VERDICTS exit with 3 when any verdict is one of these (comma-separated:
                     ${COMPLIANCE_ORDER.join(", ")}), e.g. --fail-on NON_COMPLIANT

Exit codes: 0 done; 1 a stack file, setting, snapshot or baseline that cannot be used (named on
stderr); 2 a wrong option; 3 --fail-on matched a verdict (the reports are written first).
`;

/** `--fail-on` matched: the CI gate's exit code. */
export const FINDINGS_EXIT_CODE = 3;

interface Options {
  stackFile: string;
  snapshot?: string;
  plan: boolean;
  json: boolean;
  html?: string;
  csv?: string;
  baseline?: string;
  failOn: Compliance[];
}

class UsageError extends Error {
  override name = "UsageError";
}

function parseArguments(argv: readonly string[]): Options | "help" {
  const options: Options = {
    stackFile: path.join(ROOT, "Pulumi.dev.yaml"),
    snapshot: DEMO_SNAPSHOT,
    plan: true,
    json: false,
    failOn: [],
  };
  const value = (index: number, flag: string, example: string) => {
    const given = argv[index];
    if (!given || given.startsWith("--"))
      throw new UsageError(`${flag} needs a value, e.g. ${flag} ${example}`);
    return given;
  };
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index];
    if (argument === "--help" || argument === "-h") return "help";
    else if (argument === "--json") options.json = true;
    else if (argument === "--no-snapshot") options.snapshot = undefined;
    else if (argument === "--no-plan") options.plan = false;
    else if (argument === "--stack")
      options.stackFile = value(++index, "--stack", "Pulumi.prod.yaml");
    else if (argument === "--snapshot")
      options.snapshot = value(++index, "--snapshot", "./my-account");
    else if (argument === "--html") options.html = value(++index, "--html", "report.html");
    else if (argument === "--csv") options.csv = value(++index, "--csv", "verdicts.csv");
    else if (argument === "--baseline")
      options.baseline = value(++index, "--baseline", "previous.json");
    else if (argument === "--fail-on")
      options.failOn = failOn(value(++index, "--fail-on", "NON_COMPLIANT"));
    else throw new UsageError(`unknown option ${argument}`);
  }
  const needsSnapshot = [
    ["--html", options.html],
    ["--csv", options.csv],
    ["--baseline", options.baseline],
    ["--fail-on", options.failOn.length > 0 ? "set" : undefined],
  ].find(([, given]) => given !== undefined);
  if (needsSnapshot && !options.snapshot) {
    throw new UsageError(`${needsSnapshot[0]} judges verdicts: it cannot go with --no-snapshot`);
  }
  return options;
}

function failOn(text: string): Compliance[] {
  return text.split(",").map((part) => {
    const verdict = part.trim();
    if (!(COMPLIANCE_ORDER as readonly string[]).includes(verdict)) {
      throw new UsageError(
        `--fail-on ${JSON.stringify(text)}: ${JSON.stringify(verdict)} is not a verdict; expected one or more of ${COMPLIANCE_ORDER.join(", ")}, comma-separated`,
      );
    }
    return verdict as Compliance;
  });
}

async function main(argv: readonly string[]): Promise<number> {
  const options = parseArguments(argv);
  if (options === "help") {
    process.stdout.write(USAGE);
    return 0;
  }
  // With --json, stdout carries the one document and people read stderr.
  const human = (text: string) =>
    (options.json ? process.stderr : process.stdout).write(`${text}\n`);

  const stack = readStackFile(options.stackFile);
  // Decoded exactly as the deployed program decodes what the engine hands it.
  const settings = settingsFromConfig(toPulumiConfig(stack.config), stack.project);
  // A management account holds no rule: there is nothing to judge a snapshot with.
  const judges = settings.deployment !== "management";
  const accounts = options.snapshot && judges ? organizationAccounts(options.snapshot) : undefined;
  if (options.snapshot && accounts) {
    return organizationReport(options.snapshot, accounts, settings, options, human, stack);
  }
  const snapshot = options.snapshot && judges ? readSnapshot(options.snapshot) : undefined;
  if (options.snapshot && !judges) {
    human(
      `deployment ${settings.deployment} deploys no Config rule: the snapshot is not evaluated.`,
    );
  }
  if (!options.plan && !snapshot) {
    throw new UsageError("--no-plan with --no-snapshot leaves nothing to do");
  }
  // Read before anything is printed: a bad baseline is an error, not half a report.
  const baseline = options.baseline ? readBaseline(options.baseline) : undefined;
  if (!snapshot) {
    if (options.plan) await printPlan(stack, options, human, true);
    return 0;
  }

  const verdicts = evaluateSnapshot(snapshot, settings);
  const comparison =
    baseline && options.baseline
      ? compareWithBaseline(verdicts, baseline, options.baseline)
      : undefined;
  // The verdicts first, so a terminal shows the result; the plan's resource tree after them.
  if (options.json) process.stdout.write(`${JSON.stringify(verdicts, null, 2)}\n`);
  else human(renderText(verdicts, snapshot, comparison));
  if (options.plan) {
    human("");
    await printPlan(stack, options, human, false);
  }
  if (options.csv) {
    fs.writeFileSync(options.csv, renderCsv(verdicts, comparison));
    human(`Wrote ${verdicts.length} verdicts to ${options.csv}`);
  }
  if (options.html) {
    fs.writeFileSync(
      options.html,
      renderHtml(
        htmlReportInput({
          verdicts,
          snapshot: { ...snapshot, dir: shown(snapshot.dir) },
          settings,
          stack: { file: shown(options.stackFile), ...stack },
          comparison,
        }),
      ),
    );
    human(`Wrote the report to ${options.html}`);
  }
  return exitCode(verdicts, options, human);
}

/** FINDINGS_EXIT_CODE when a verdict matches --fail-on (said on the way), else 0. */
function exitCode(
  verdicts: readonly RuleVerdict[],
  options: Options,
  human: (text: string) => void,
): number {
  const matched = verdicts.filter((verdict) => options.failOn.includes(verdict.compliance));
  if (matched.length > 0) {
    human(`--fail-on ${options.failOn.join(",")}: ${matched.length} verdicts match.`);
    return FINDINGS_EXIT_CODE;
  }
  return 0;
}

/**
 * An organization's snapshot, one folder per account: each account's report, then a summary
 * across the accounts; `--json` prints one document, a list of each account's verdicts.
 */
async function organizationReport(
  dir: string,
  accounts: readonly string[],
  settings: Settings,
  options: Options,
  human: (text: string) => void,
  stack: ReturnType<typeof readStackFile>,
): Promise<number> {
  const oneAccountOnly = [
    options.csv ? "--csv" : undefined,
    options.html ? "--html" : undefined,
    options.baseline ? "--baseline" : undefined,
  ].filter((option) => option !== undefined);
  if (oneAccountOnly.length > 0) {
    throw new UsageError(
      `${oneAccountOnly.join(", ")} take one account's snapshot; ${dir} holds ${accounts.length} (${accounts.join(", ")}): give one of their folders`,
    );
  }
  if (namesUnits(settings.accountOverrides)) {
    human(
      "Note: the accountOverrides of OUs are not applied: a snapshot does not say which OU its account is in.",
    );
  }
  const evaluated = readOrganizationSnapshot(dir, accounts).map((snapshot) => ({
    accountId: snapshot.account.accountId,
    snapshot,
    // The account's own exceptions, as its functions would apply them.
    verdicts: evaluateSnapshot(snapshot, settingsIn(settings, [snapshot.account.accountId])),
  }));
  if (options.json) {
    process.stdout.write(
      `${JSON.stringify(
        evaluated.map(({ accountId, verdicts }) => ({ accountId, verdicts })),
        null,
        2,
      )}\n`,
    );
  } else {
    for (const { snapshot, verdicts } of evaluated) human(`${renderText(verdicts, snapshot)}\n`);
  }
  human(renderOrganizationSummary(evaluated));
  if (options.plan) {
    human("");
    await printPlan(stack, options, human, false);
  }
  return exitCode(
    evaluated.flatMap(({ verdicts }) => verdicts),
    options,
    human,
  );
}

/** A path as people gave it, or relative to where they are when it lies below. */
function shown(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith("..") && !path.isAbsolute(relative) ? relative : file;
}

/** The program under Pulumi's mock runtime, printed as the plan `pulumi up` would carry out. */
async function printPlan(
  stack: ReturnType<typeof readStackFile>,
  options: Options,
  human: (text: string) => void,
  planIsTheDocument: boolean,
): Promise<void> {
  const region =
    typeof stack.config["aws:region"] === "string" ? stack.config["aws:region"] : "us-east-1";
  // Loaded only now: the program reads its config when it loads, after the mocks are set.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const run = await runProgram(() => require("../index"), { ...stack, region });
  const plan = planDocument(
    { project: stack.project, stack: stack.stack, region },
    run.resources,
    run.outputs,
  );
  if (options.json && planIsTheDocument) {
    process.stdout.write(`${JSON.stringify(plan, null, 2)}\n`);
  } else {
    human(renderPlan(plan));
  }
}

/** Errors a user can fix get one clear message and no stack trace. */
function report(error: unknown): number {
  const cause = (error as { message?: string }).message ?? String(error);
  if (error instanceof UsageError) {
    process.stderr.write(`error: ${cause}\n\n${USAGE}`);
    return 2;
  }
  if (
    error instanceof StackFileError ||
    error instanceof ConfigError ||
    isSnapshotError(error) ||
    error instanceof BaselineError ||
    pulumi.RunError.isInstance(error)
  ) {
    process.stderr.write(`error: ${cause}\n`);
    return 1;
  }
  process.stderr.write(`${(error as Error).stack ?? cause}\n`);
  return 1;
}

/**
 * Exits once stdout and stderr have taken everything: writes to a pipe are asynchronous, and
 * exiting at once would cut a large `--json` document short.
 */
function exitWhenFlushed(code: number): void {
  process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
}

if (require.main === module) {
  main(process.argv.slice(2)).then(exitWhenFlushed, (error: unknown) =>
    exitWhenFlushed(report(error)),
  );
}
