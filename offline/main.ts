/**
 * `npm start`: the program, offline. Runs the Pulumi program under Pulumi's mock runtime with a
 * stack's config and prints what `pulumi up` would create, then evaluates an account snapshot
 * (the shipped demo account by default) with the same evaluators the Lambdas run. No AWS
 * account, credentials or Pulumi CLI needed.
 */
import * as pulumi from "@pulumi/pulumi";
import * as path from "path";
import { ConfigError, settingsFromConfig } from "../config";
import { evaluateSnapshot, renderVerdicts } from "./evaluate";
import { runProgram, toPulumiConfig } from "./mock-runtime";
import { planDocument, renderPlan } from "./plan";
import { isSnapshotError, readSnapshot } from "./snapshot";
import { StackFileError, readStackFile } from "./stack-file";

const ROOT = path.join(__dirname, "..");
export const DEMO_SNAPSHOT = path.join(ROOT, "examples", "demo-account");

const USAGE = `Usage: npm start -- [--stack Pulumi.<stack>.yaml] [--snapshot DIR | --no-snapshot] [--no-plan] [--json]

  --stack FILE     stack config to use (default: Pulumi.dev.yaml)
  --snapshot DIR   account snapshot to evaluate (default: examples/demo-account)
  --no-snapshot    only the plan
  --no-plan        only the verdicts: the program is not run (nor its Lambdas serialized); the
                   stack's settings are still checked
  --json           one JSON document on stdout: the verdicts, or with --no-snapshot the plan;
                   everything else goes to stderr (use npm start --silent, or npm's banner
                   lands on stdout too)
`;

interface Options {
  stackFile: string;
  snapshot?: string;
  plan: boolean;
  json: boolean;
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
    else throw new UsageError(`unknown option ${argument}`);
  }
  return options;
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
  const snapshot = options.snapshot ? readSnapshot(options.snapshot) : undefined;
  if (!options.plan && !snapshot) {
    throw new UsageError("--no-plan with --no-snapshot leaves nothing to do");
  }
  if (options.plan) await printPlan(stack, options, human, !snapshot);

  if (snapshot) {
    const verdicts = evaluateSnapshot(snapshot, settings);
    if (options.json) process.stdout.write(`${JSON.stringify(verdicts, null, 2)}\n`);
    else human(`${options.plan ? "\n" : ""}${renderVerdicts(verdicts, snapshot)}`);
  }
  return 0;
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
    pulumi.RunError.isInstance(error)
  ) {
    process.stderr.write(`error: ${cause}\n`);
    return 1;
  }
  process.stderr.write(`${(error as Error).stack ?? cause}\n`);
  return 1;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => process.exit(report(error)),
  );
}
