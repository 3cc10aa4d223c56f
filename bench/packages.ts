/**
 * What each Lambda package holds and how big it is, as `pulumi up` would upload it, against what
 * `CallbackFunction` would zip if the AWS SDK clients were not left to the Node.js 22 runtime;
 * plus the cold start of each serialized handler in a fresh Node process (load + first
 * invocation on a NOT_APPLICABLE event), median of several runs.
 *
 *   npm run bench:packages   (prints a Markdown table; `npm run bench` includes it)
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as zlib from "zlib";
import { RUNTIME_PROVIDED_PACKAGES } from "../components/guardrails-function";
import { parseSettings } from "../config";
import { ResolvedArchive, runProgram } from "../offline/mock-runtime";
import { createGuardrails } from "../stack";

const ROOT = path.join(__dirname, "..");
const RUNS = 7;

/** Every folder the packages' dependency closure spans, as CallbackFunction would zip it. */
function closureBytes(packages: readonly string[]): { bytes: number; files: number } {
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name) || name.startsWith("@pulumi/")) return;
    const dir = path.join(ROOT, "node_modules", name);
    if (!fs.existsSync(dir)) return;
    seen.add(name);
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as {
      dependencies?: Record<string, string>;
    };
    for (const dependency of Object.keys(manifest.dependencies ?? {})) visit(dependency);
  };
  packages.forEach(visit);
  let bytes = 0;
  let files = 0;
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else {
        bytes += fs.statSync(full).size;
        files += 1;
      }
    }
  };
  for (const name of seen) walk(path.join(ROOT, "node_modules", name));
  return { bytes, files };
}

/**
 * The same event for every function, with the rule's own InputParameters from the plan (argv 2):
 * a rule reads them before anything else, so each reaches PutEvaluations as deployed.
 */
const COLD_START = `
const started = process.hrtime.bigint();
const { handler } = require(process.argv[1]);
const loaded = process.hrtime.bigint();
const item = { resourceType: "AWS::IAM::User", resourceId: "AIDAEXAMPLE", configurationItemStatus: "ResourceDeleted",
  configurationItemCaptureTime: "2026-01-01T00:00:00.000Z", configuration: null };
handler({ invokingEvent: JSON.stringify({ messageType: "ConfigurationItemChangeNotification", configurationItem: item,
  notificationCreationTime: "2026-01-01T00:00:01.000Z" }), resultToken: "bench",
  ruleParameters: process.argv[2] }).catch(() => {}).finally(() => {
  const done = process.hrtime.bigint();
  process.stdout.write(JSON.stringify({ loadMs: Number(loaded - started) / 1e6, firstInvocationMs: Number(done - loaded) / 1e6 }));
});`;

/** The measurement line, after whatever the handler itself logged. */
function lastJson(stdout: string): unknown {
  return JSON.parse(stdout.slice(stdout.lastIndexOf('{"loadMs"')));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** The measurement's conditions, then the table, as Markdown lines. */
export async function measurePackages(): Promise<string[]> {
  const run = await runProgram(() => createGuardrails(parseSettings({})), {
    project: "guardrails",
    stack: "bench",
    config: {},
  });
  const sdk = closureBytes(RUNTIME_PROVIDED_PACKAGES);
  const rows: string[] = [];
  for (const fn of run.resources.filter((r) => r.type === "aws:lambda/function:Function")) {
    const archive = (fn.inputs.code as ResolvedArchive).__archive;
    const text = archive["__index.js"]?.text ?? "";
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-lambda-"));
    fs.writeFileSync(path.join(dir, "__index.js"), text);
    const environment =
      (fn.inputs.environment as { variables?: Record<string, string> } | undefined)?.variables ??
      {};
    const component = run.resources.find((r) => r.urn === fn.parent)?.parent;
    const rule = run.resources.find(
      (r) => r.type === "aws:cfg/rule:Rule" && component !== undefined && r.parent === component,
    );
    const planned = rule?.inputs.inputParameters;
    const ruleParameters = typeof planned === "string" ? planned : "{}";
    const samples = Array.from(
      { length: RUNS },
      () =>
        lastJson(
          execFileSync(
            process.execPath,
            ["-e", COLD_START, path.join(dir, "__index.js"), ruleParameters],
            {
              env: {
                ...process.env,
                ...environment,
                NODE_PATH: path.join(ROOT, "node_modules"),
                AWS_REGION: "eu-west-1",
                AWS_ENDPOINT_URL: "http://127.0.0.1:9",
                AWS_MAX_ATTEMPTS: "1",
                AWS_ACCESS_KEY_ID: "x",
                AWS_SECRET_ACCESS_KEY: "y",
              },
              encoding: "utf8",
            },
          ),
        ) as { loadMs: number; firstInvocationMs: number },
    );
    fs.rmSync(dir, { recursive: true, force: true });
    rows.push(
      `| ${fn.name.replace(/-function$/, "")} | ${Object.keys(archive).join(", ")} | ${text.length.toLocaleString("en")} B ` +
        `(${zlib.deflateRawSync(text).length.toLocaleString("en")} B zipped) | ` +
        `${(sdk.bytes / 1e6).toFixed(1)} MB in ${sdk.files.toLocaleString("en")} files | ` +
        `${median(samples.map((s) => s.loadMs)).toFixed(0)} ms | ${median(samples.map((s) => s.firstInvocationMs)).toFixed(0)} ms |`,
    );
  }
  return [
    `Measured ${new Date().toISOString().slice(0, 10)} on ${os.cpus().length} x ${os.cpus()[0]?.model ?? "CPU"}, Node ${process.version}; median of ${RUNS} cold starts.`,
    "",
    "| function | package | size | SDK clients it would otherwise zip | load | first invocation |",
    "|---|---|---|---|---|---|",
    ...rows,
  ];
}

/** bench/packages.md: the table with what it is. */
export function packagesMarkdown(lines: readonly string[]): string {
  return [
    "# Lambda packages",
    "",
    "Output of `npm run bench:packages` (and of `npm run bench`).",
    "",
    ...lines,
    "",
  ].join("\n");
}

if (require.main === module) {
  measurePackages()
    .then((lines) => {
      const markdown = packagesMarkdown(lines);
      fs.writeFileSync(path.join(__dirname, "packages.md"), markdown);
      console.log(markdown);
    })
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
}
