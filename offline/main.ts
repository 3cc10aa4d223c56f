/**
 * `npm start`: the program, offline. Runs the Pulumi program under Pulumi's mock runtime with a
 * stack's config and prints what `pulumi up` would create. No AWS account, credentials or
 * Pulumi CLI needed.
 *
 *   npm start                              plan for Pulumi.dev.yaml
 *   npm start -- --stack Pulumi.prod.yaml  another stack's config
 *   npm start -- --json                    one JSON document on stdout, everything else on stderr
 */
import * as pulumi from "@pulumi/pulumi";
import * as path from "path";
import { ConfigError } from "../config";
import { runProgram } from "./mock-runtime";
import { planDocument, renderPlan } from "./plan";
import { StackFileError, readStackFile } from "./stack-file";

const USAGE = `Usage: npm start -- [--stack Pulumi.<stack>.yaml] [--json]

  --stack FILE   stack config to plan with (default: Pulumi.dev.yaml beside the program)
  --json         print the plan as one JSON document on stdout
`;

interface Options {
  stackFile: string;
  json: boolean;
}

class UsageError extends Error {
  override name = "UsageError";
}

function parseArguments(argv: readonly string[]): Options | "help" {
  const options: Options = {
    stackFile: path.join(__dirname, "..", "Pulumi.dev.yaml"),
    json: false,
  };
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index];
    if (argument === "--help" || argument === "-h") return "help";
    if (argument === "--json") options.json = true;
    else if (argument === "--stack") {
      const value = argv[++index];
      if (!value) throw new UsageError("--stack needs a file, e.g. --stack Pulumi.prod.yaml");
      options.stackFile = value;
    } else throw new UsageError(`unknown option ${argument}`);
  }
  return options;
}

async function main(argv: readonly string[]): Promise<number> {
  const options = parseArguments(argv);
  if (options === "help") {
    process.stdout.write(USAGE);
    return 0;
  }
  const stack = readStackFile(options.stackFile);
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
  process.stdout.write(
    options.json ? `${JSON.stringify(plan, null, 2)}\n` : `${renderPlan(plan)}\n`,
  );
  return 0;
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
    pulumi.RunError.isInstance(error)
  ) {
    process.stderr.write(`error: ${cause}\n`);
    return 1;
  }
  process.stderr.write(`${(error as Error).stack ?? cause}\n`);
  return 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => process.exit(report(error)),
);
