/**
 * Runs a serialized Lambda (the `__index.js` Pulumi would upload) in a fresh Node process, the
 * way the Node.js 22 runtime would: its own folder, the AWS SDK resolvable from outside the
 * package (the runtime provides it), and no @pulumi packages (CallbackFunction excludes them, so
 * code that still needs one fails here as it would on Lambda).
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const NODE_MODULES = path.join(__dirname, "..", "..", "node_modules");

/** A node_modules with everything but @pulumi, standing in for the runtime's own. */
function runtimeModules(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lambda-runtime-"));
  for (const entry of fs.readdirSync(NODE_MODULES)) {
    if (entry === "@pulumi" || entry.startsWith(".")) continue;
    fs.symlinkSync(path.join(NODE_MODULES, entry), path.join(dir, entry));
  }
  return dir;
}

const RUNNER = `
const { handler } = require(process.argv[1]);
const event = JSON.parse(require("fs").readFileSync(process.argv[2], "utf8"));
handler(event, { getRemainingTimeInMillis: () => 60000 }).then(
  (result) => process.stdout.write("RESULT " + JSON.stringify(result) + "\\n"),
  (error) => { process.stdout.write("ERROR " + error.stack + "\\n"); process.exitCode = 1; },
);
`;

export interface LambdaRun {
  result?: unknown;
  error?: string;
  stdout: string;
  stderr: string;
}

/** Writes the package to a temp folder and invokes its `handler` once with `event`. */
export async function invokeSerialized(
  indexJs: string,
  event: unknown,
  env: Record<string, string>,
): Promise<LambdaRun> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lambda-task-"));
  fs.writeFileSync(path.join(dir, "__index.js"), indexJs);
  fs.writeFileSync(path.join(dir, "event.json"), JSON.stringify(event));
  const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      ["-e", RUNNER, path.join(dir, "__index.js"), path.join(dir, "event.json")],
      {
        cwd: dir,
        timeout: 30_000,
        env: {
          PATH: process.env.PATH ?? "",
          NODE_PATH: runtimeModules(),
          AWS_REGION: "eu-west-1",
          AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
          AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
          AWS_MAX_ATTEMPTS: "1",
          ...env,
        },
      },
      (_error, out, err) => resolve({ stdout: String(out), stderr: String(err) }),
    );
  });
  const resultLine = stdout.split("\n").find((line) => line.startsWith("RESULT "));
  const errorLine = stdout.split("ERROR ")[1];
  return {
    result: resultLine ? JSON.parse(resultLine.slice("RESULT ".length)) : undefined,
    error: errorLine,
    stdout,
    stderr,
  };
}
