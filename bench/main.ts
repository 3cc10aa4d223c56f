/**
 * `npm run bench`: API calls, evaluator time, memory and wall time, package sizes and cold
 * starts, written to bench/results.md and printed.
 *
 * - API calls per evaluation, by API, counted by a middleware on the real SDK clients that
 *   answers from a synthetic account (bench/counting-clients.ts); the seed's Lambdas
 *   (bench/seed.ts) on the same account for comparison;
 * - evaluator time, peak memory, PutEvaluations batches, wall time at a simulated latency per
 *   call, each rule at each N in a fresh Node process (bench/child.ts);
 * - the exposed-ports evaluator against the seed's port lists (bench/port-expansion.ts);
 * - package size and cold start per Lambda (bench/packages.ts).
 *
 * Nothing touches the network or AWS.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as ts from "typescript";
import {
  BenchRule,
  ChildResult,
  FirstRunResult,
  EVALUATOR_RUNS,
  LATENCY_MS,
  SEED_INSTANCE_SAMPLE,
  SteadyResult,
} from "./child";
import { OfflineResult, measureOffline } from "./offline";
import {
  FUNCTION_POLICY_LIMIT_BYTES,
  invokePolicySizes,
  organizationFootprint,
} from "./organization";
import { REPORT_RUNS, ReportResult, measureReport } from "./report";
import { PAGE_ROWS } from "../offline/report/html";
import { measurePackages, packagesMarkdown } from "./packages";
import { SECTIONS, copySection, section } from "./sections";
import { MIXED_SAMPLE, PortCase, comparePortAlgorithms } from "./port-expansion";
import {
  DEFINITIONS,
  LAMBDA_MAX_SECONDS,
  PeriodicRule,
  SeedRule,
  TIMEOUT_SECONDS,
} from "./scenarios";
import { EXEMPT_COUNT, GROUP_COUNT } from "./synthetic-account";

const ROOT = path.join(__dirname, "..");
const RESULTS = path.join(__dirname, "results.md");
const PACKAGES = path.join(__dirname, "packages.md");
const README = path.join(__dirname, "..", "README.md");
export const SIZES = [1_000, 10_000];
const PERIODIC_RULES: PeriodicRule[] = ["iam-inactive-users", "mfa-policy-attached"];
const RULES: BenchRule[] = [...PERIODIC_RULES, "exposed-ports"];

/**
 * functions/ and bench/ as plain JavaScript in a temporary folder, so that each measuring
 * process holds the handlers and the SDK, not ts-node and the TypeScript compiler.
 */
function transpile(): string {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "guardrails-bench-"));
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
      const relative = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(relative);
      else if (entry.name.endsWith(".ts")) {
        const { outputText } = ts.transpileModule(
          fs.readFileSync(path.join(ROOT, relative), "utf8"),
          {
            compilerOptions: {
              module: ts.ModuleKind.CommonJS,
              target: ts.ScriptTarget.ES2022,
              esModuleInterop: true,
            },
            fileName: relative,
          },
        );
        fs.mkdirSync(path.join(out, dir), { recursive: true });
        fs.writeFileSync(path.join(out, relative.replace(/\.ts$/, ".js")), outputText);
      }
    }
  };
  walk("functions");
  walk("bench");
  return out;
}

function measureInChild(out: string, rule: BenchRule, n: number): ChildResult {
  return runChild<ChildResult>(out, [rule, String(n)]);
}

/** Users for the cost rows beyond SIZES: only the steady runs are measured at this size. */
const COST_ONLY_SIZE = 100_000;

function measureSteadyInChild(out: string, rule: PeriodicRule, n: number): SteadyResult {
  return runChild<SteadyResult>(out, ["steady", rule, String(n)]);
}

/** Heap limits tried for a full run at COST_ONLY_SIZE users, smallest first (MB). */
const HEAP_LADDER_MB = [128, 160, 192, 224, 256, 320, 384, 512, 640, 768, 1024];

export interface HeapNeed {
  rule: PeriodicRule;
  n: number;
  /** The smallest old space (MB) of the ladder in which a full run completed. */
  limitMb: number;
  /** What the synthetic account and its clients hold of it (MB). */
  accountMb: number;
}

/**
 * The smallest heap a full run fits in, by bisecting the ladder: V8 grows the heap freely on a
 * large machine, so the peak RSS overstates what the handler needs; a bounded heap shows it.
 */
function measureHeapNeed(out: string, rule: PeriodicRule, n: number): HeapNeed {
  let low = 0;
  let high = HEAP_LADDER_MB.length - 1;
  let fitted: { limitMb: number; result: FirstRunResult } | undefined;
  while (low <= high) {
    const middle = Math.floor((low + high) / 2);
    const limitMb = HEAP_LADDER_MB[middle] ?? 0;
    const result = tryFirstRun(out, rule, n, limitMb);
    if (result) {
      fitted = { limitMb, result };
      high = middle - 1;
    } else {
      low = middle + 1;
    }
  }
  if (!fitted) throw new Error(`${rule} at ${n} users did not fit in ${HEAP_LADDER_MB.at(-1)} MB`);
  return { rule, n, limitMb: fitted.limitMb, accountMb: fitted.result.accountHeap / 2 ** 20 };
}

function tryFirstRun(
  out: string,
  rule: PeriodicRule,
  n: number,
  limitMb: number,
): FirstRunResult | undefined {
  try {
    const stdout = execFileSync(
      process.execPath,
      [
        `--max-old-space-size=${limitMb}`,
        "--expose-gc",
        path.join(out, "bench", "child.js"),
        "first-run",
        rule,
        String(n),
      ],
      {
        env: { ...process.env, NODE_PATH: path.join(ROOT, "node_modules") },
        encoding: "utf8",
        stdio: ["ignore", "pipe", "ignore"],
      },
    );
    return JSON.parse(stdout.trim().split("\n").pop() ?? "") as FirstRunResult;
  } catch {
    // Out of heap: V8 aborts the process.
    return undefined;
  }
}

function runChild<Result>(out: string, args: string[]): Result {
  const stdout = execFileSync(
    process.execPath,
    ["--expose-gc", path.join(out, "bench", "child.js"), ...args],
    {
      env: { ...process.env, NODE_PATH: path.join(ROOT, "node_modules") },
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  return JSON.parse(stdout.trim().split("\n").pop() ?? "") as Result;
}

// Formatting.

const int = (value: number) => Math.round(value).toLocaleString("en");
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const memory = ({ memory: m }: ChildResult) =>
  `${m.peakHidden ? "≤ " : ""}${mb(m.peakRss)} (${mb(m.baselineRss)})`;
const seconds = (value: number) =>
  value >= 60_000
    ? `${(value / 60_000).toFixed(1)} min`
    : value >= 1000
      ? `${(value / 1000).toFixed(1)} s`
      : `${value.toFixed(0)} ms`;
const ms = (value: number) =>
  value >= 100
    ? `${int(value)} ms`
    : value >= 1
      ? `${value.toFixed(1)} ms`
      : value >= 0.001
        ? `${(value * 1000).toFixed(1)} µs`
        : `${(value * 1e6).toFixed(0)} ns`;
const ratio = (value: number) =>
  `${value >= 10 ? int(value) : value >= 1 ? value.toFixed(1) : value.toFixed(2)}x`;
const percent = (part: number, whole: number) => `${((part / whole) * 100).toFixed(1)}%`;
const calls = (byApi: Record<string, number>) =>
  Object.entries(byApi)
    .map(([api, count]) => `${api.split(":")[1]} ${int(count)}`)
    .join(", ");
const total = (byApi: Record<string, number>) => Object.values(byApi).reduce((a, b) => a + b, 0);
const scaled = (byApi: Record<string, number>, factor: number) =>
  Object.fromEntries(Object.entries(byApi).map(([api, count]) => [api, count * factor]));

/** Users, security groups and instances each: 3,000, 30,000 and 100,002 resources. */
const OFFLINE_SIZES = [1_000, 10_000, 33_334];

/** Fresh processes per size and flags: a cold process's timings vary by a fifth from run to run. */
const OFFLINE_RUNS = 7;

function render(
  results: ChildResult[],
  ports: PortCase[],
  packages: string[],
  elapsedMs: number,
  offline: OfflineResult[],
  large: SteadyResult[],
  report: ReportResult,
  heap: readonly HeapNeed[],
) {
  const cpus = os.cpus();
  const sorted = [...results].sort(
    (a, b) => RULES.indexOf(a.rule) - RULES.indexOf(b.rule) || a.n - b.n,
  );
  const periodic = sorted.filter((r) => r.rule !== "exposed-ports");
  const exposed = sorted.filter((r) => r.rule === "exposed-ports");
  const lambdaMs = LAMBDA_MAX_SECONDS * 1000;
  const lines: string[] = [
    "# Benchmarks",
    "",
    "Output of `npm run bench` (bench/main.ts). Nothing here touches AWS: the real handlers and SDK",
    "clients run, and a middleware on each client counts every call by API and answers it from a",
    "synthetic account (bench/counting-clients.ts).",
    "",
    `Measured ${new Date().toISOString().slice(0, 10)} on ${cpus.length} x ${cpus[0]?.model ?? "CPU"}, ` +
      `Node ${process.version}, ${os.platform()} ${os.arch()}; the whole run took ${seconds(elapsedMs)}.`,
    "",
    "Synthetic accounts of N users and N security groups (bench/synthetic-account.ts). Users, 1 in 10",
    "each: idle password, idle access key, never used (created 400 days ago), never used (10 days),",
    "newer than the credential report, idle password but active key; 2 in 10 each: active password,",
    `active key; the first ${EXEMPT_COUNT} with an idle password exempt. MFA policy attached to 1 in 4 users, through one`,
    `of ${GROUP_COUNT} groups for 1 in 4, in a group without it for 1 in 4, nowhere for 1 in 4. Security`,
    "groups, 1 in 8 each: compliant, SSH open, all TCP ports open, SSH open over IPv6, protocol -1 open,",
    "ICMP open, 10000-65535 open, private CIDRs only; forbidden ports `8080,1-1024,2375` (the seed's",
    "example parameters). N instances in 1 to 3 of the groups.",
    "",
    "## API calls per full evaluation",
    "",
    "Periodic rules: the handler on one ScheduledNotification. exposed-ports is change-triggered:",
    "one invocation per item, as Config's initial evaluation or a re-evaluation runs it. Seed: its",
    "Lambdas, ported in bench/seed.ts, one invocation per resource on the same account.",
    "",
    "| rule | N | this project, by API | calls | PutEvaluations (ceil(N/100)) | seed's approach, by API | calls | seed / ours |",
    "|---|---|---|---|---|---|---|---|",
  ];
  for (const r of periodic) {
    const put = r.full.calls["config:PutEvaluations"] ?? 0;
    lines.push(
      `| ${r.rule} | ${int(r.n)} | ${calls(r.full.calls)} | ${int(r.full.totalCalls)} | ` +
        `${int(put)} (${int(Math.ceil(r.n / 100))}) | ${r.seed.rule}: ${calls(r.seed.run.calls)} | ` +
        `${int(r.seed.run.totalCalls)} | ${ratio(r.seed.run.totalCalls / r.full.totalCalls)} |`,
    );
  }
  for (const r of exposed) {
    const groups = r.parts?.groups ?? {};
    const instances = r.parts?.instances ?? {};
    const seedScale = r.n / r.seed.resources;
    const seedCalls = r.seed.run.totalCalls * seedScale;
    lines.push(
      `| exposed-ports, every security group | ${int(r.n)} | ${calls(groups)} | ${int(total(groups))} | ` +
        `${int(groups["config:PutEvaluations"] ?? 0)} (one per item) | (the seed evaluates instances only) | - | - |`,
      `| exposed-ports, every instance | ${int(r.n)} | ${calls(instances)} | ${int(total(instances))} | ` +
        `${int(instances["config:PutEvaluations"] ?? 0)} (one per item) | ec2-exposed-instance (seed), the first ` +
        `${int(r.seed.resources)} scaled to N: ${calls(scaled(r.seed.run.calls, seedScale))} | ${int(seedCalls)} | ` +
        `${ratio(seedCalls / total(instances))} |`,
    );
  }

  lines.push(
    "",
    "## Time and memory",
    "",
    `Evaluator: the pure functions on prepared inputs, per 1,000 resources, median of ${EVALUATOR_RUNS} runs.`,
    "Handler: the whole invocation with instant answers (the first in its process). Peak RSS: of the",
    "measuring process (Node, the three SDK clients, the synthetic account, the handler), from",
    "`process.resourceUsage().maxRSS`, and in brackets its RSS before the run; the functions have 256 MB.",
    `Wall time: every call waits ${LATENCY_MS} ms in the middleware; the handler's own concurrency (the credential`,
    "report and ListUsers in parallel; pages and PutEvaluations batches one after another).",
    `Seed's approach: its calls one after another at ${LATENCY_MS} ms. Which design the last column judges:`,
    ...SEED_DESIGNS_TEXT,
    "",
    "| rule | N | evaluator per 1,000 | handler, no latency | peak RSS (before) | wall at 50 ms/call | share of the limits | seed's approach at 50 ms/call | its design vs 15 min |",
    "|---|---|---|---|---|---|---|---|---|",
  );
  const evaluator = (r: ChildResult) =>
    Object.entries(r.evaluators)
      .map(([name, value]) => `${name} ${ms((value * 1000) / r.n)}`)
      .join(" + ");
  for (const r of periodic) {
    const wall = r.fullAtLatency?.wallMs ?? 0;
    const timeout = TIMEOUT_SECONDS[r.rule] * 1000;
    const seedMs = r.seed.run.totalCalls * LATENCY_MS;
    lines.push(
      `| ${r.rule} | ${int(r.n)} | ${evaluator(r)} | ${ms(r.full.wallMs)} | ` +
        `${memory(r)} | ${seconds(wall)} | ` +
        `${percent(wall, timeout)} of ${timeout / 1000} s; ${percent(wall, lambdaMs)} of 15 min | ` +
        `${seconds(seedMs)} (${int(r.seed.run.totalCalls)} calls) | ` +
        `${seedVersusLimit(r.seed.rule, seedMs, r.seed.run.totalCalls / r.seed.resources)} |`,
    );
  }
  for (const r of exposed) {
    const group = r.changes.find((c) => c.what === "security group");
    const instance = r.changes.find((c) => c.what === "instance");
    const seedPerInstance = (r.seed.run.totalCalls / r.seed.resources) * LATENCY_MS;
    lines.push(
      `| exposed-ports, per item | ${int(r.n)} | ${evaluator(r)} | group ${ms(group?.ms ?? 0)}, instance ${ms(instance?.ms ?? 0)} | ` +
        `${memory(r)} | group ${ms(group?.msAtLatency ?? 0)}, instance ${ms(instance?.msAtLatency ?? 0)} | ` +
        `${percent(instance?.msAtLatency ?? 0, TIMEOUT_SECONDS["exposed-ports"] * 1000)} of 30 s | ` +
        `instance ${ms(seedPerInstance)} (mean) | - |`,
    );
  }

  lines.push(
    "",
    "## Per change notification",
    "",
    "One configuration item change: the handler's calls, its time (median of 20 items, no latency) and",
    `its time at ${LATENCY_MS} ms per call (median of 3).`,
    "",
    "| rule | item | N | calls | no latency | at 50 ms/call | timeout |",
    "|---|---|---|---|---|---|---|",
  );
  for (const r of sorted) {
    for (const change of r.changes) {
      lines.push(
        `| ${r.rule} | ${change.what} | ${int(r.n)} | ${calls(change.calls)} | ${ms(change.ms)} | ` +
          `${ms(change.msAtLatency)} | ${TIMEOUT_SECONDS[r.rule]} s |`,
      );
    }
  }

  const mixed = ports.at(-1);
  lines.push(
    "",
    "## exposed-ports evaluator against the seed's port lists",
    "",
    "Same ingress rules, same process: `securityGroupFromApi` + `evaluateSecurityGroup` (intervals)",
    "against the seed's `find_violation` (bench/seed.ts: lists of single ports, `in` on a list).",
    "",
    "| case | this project | seed | seed / ours | seed's verdicts |",
    "|---|---|---|---|---|",
    ...ports.map(
      (c) =>
        `| ${c.name} | ${ms(c.oursMs)} | ${ms(c.seedMs)} | ${ratio(c.seedMs / c.oursMs)} | ${c.seedOutcome} |`,
    ),
    "",
    `Per 1,000 mixed groups: this project ${ms(((mixed?.oursMs ?? 0) * 1000) / MIXED_SAMPLE)}, ` +
      `the seed ${ms(((mixed?.seedMs ?? 0) * 1000) / MIXED_SAMPLE)}.`,
    "",
    "## Verdicts",
    "",
    "This project's verdicts against the synthetic account's design (every resource's kind says what",
    "it should be), and the seed's against this project's.",
    "",
    "| rule | N | this project | seed's approach: NON_COMPLIANT missed, COMPLIANT flagged, invocations failed |",
    "|---|---|---|---|",
    ...sorted.map((r) => {
      const verdicts = Object.entries(r.full.verdicts)
        .map(([verdict, count]) => `${int(count)} ${verdict}`)
        .join(", ");
      const { missed, extra, failed } = r.seed.comparison;
      return (
        `| ${r.rule} | ${int(r.n)} | ${r.mismatches === 0 ? "as designed" : `${int(r.mismatches)} NOT as designed`}: ${verdicts} | ` +
        `${r.seed.rule} on ${int(r.seed.resources)}: ${int(missed)}, ${int(extra)}, ${int(failed)} |`
      );
    }),
    "",
    `The seed's ec2-exposed-instance runs on the first ${SEED_INSTANCE_SAMPLE} instances only (its port lists`,
    "make 10,000 take minutes); its calls above are scaled to N. mfa (seed-style) is the MFA article's",
    "rule (IAM read and one PutEvaluations per user) with mfa-policy-attached's group lookups added, so",
    "that the verdicts compare (bench/seed.ts).",
    "",
    "## Lambda packages",
    "",
    "bench/packages.ts: each serialized handler as `pulumi up` would upload it, and its cold start in a",
    "fresh Node process (load + first invocation on a NOT_APPLICABLE event).",
    "",
    ...section("packages", packages),
    "",
    "## Offline evaluation (npm start --snapshot DIR --no-plan)",
    "",
    ...section("offline", offlineSection(offline)),
    "",
    "## HTML report (npm start --html FILE)",
    "",
    ...section("report", reportSection(report)),
    "",
    "## Cost: billed evaluations per month",
    "",
    ...section("cost", costSection(periodic, large, heap)),
    "",
    "## Organization: the invoke permission per member account",
    "",
    ...section("organization", organizationSection()),
    "## Summary (quoted by the README)",
    "",
    ...section("scale", summary(periodic, exposed)),
    "",
  );
  return lines.join("\n");
}

/** When and where: every section the README quotes starts with it. */
function measuredOn(): string {
  const cpus = os.cpus();
  return `Measured ${new Date().toISOString().slice(0, 10)} on ${cpus.length} x ${cpus[0]?.model ?? "CPU"}, Node ${process.version}`;
}

function reportSection(report: ReportResult): string[] {
  return [
    `${measuredOn()}.`,
    "",
    `bench/report.ts: the report of a generated snapshot of ${int(report.resources)} resources (${int(report.verdicts)} verdicts),`,
    "written as `npm start -- --html` writes it, then opened in Debian's Chromium (headless, no GPU):",
    `the time from navigation to the first frame after the load event, median of ${REPORT_RUNS} fresh pages. The`,
    `tables draw ${PAGE_ROWS} rows per rule at first (more on demand); filtering and the counts run on every row.`,
    "",
    "| resources | verdicts | page size | writing it | on screen | goal |",
    "|---|---|---|---|---|---|",
    `| ${int(report.resources)} | ${int(report.verdicts)} | ${(report.bytes / 1024 / 1024).toFixed(1)} MB | ${ms(report.writeMs)} | ` +
      `${ms(report.firstFrameMs)} | under ${seconds(report.goalMs)}: ${report.firstFrameMs < report.goalMs ? "met" : "not met"} |`,
    "",
  ];
}

/** The issue's goals for the offline evaluation, by resources: time, and memory where set. */
const OFFLINE_GOALS: Array<{ resources: number; ms: number; rssMb?: number }> = [
  { resources: 30_000, ms: 1_000 },
  { resources: 100_002, ms: 10_000, rssMb: 1_024 },
];

function offlineGoal(o: OfflineResult): string {
  const goal = OFFLINE_GOALS.find((candidate) => candidate.resources === o.resources);
  if (!goal) return "-";
  const met =
    o.readMs + o.evaluateMs < goal.ms && (goal.rssMb === undefined || o.peakRssMb < goal.rssMb);
  const limits = [`under ${seconds(goal.ms)}`, ...(goal.rssMb ? [`${goal.rssMb / 1024} GiB`] : [])];
  return `${limits.join(" and ")}: ${met ? "met" : "missed"}`;
}

function offlineSection(offline: OfflineResult[]): string[] {
  const both = (o: OfflineResult) => o.readMs + o.evaluateMs;
  const first = offline[0];
  const start = ["node", ...(first?.flags ?? []), "-r ts-node/register/transpile-only"].join(" ");
  return [
    `${measuredOn()}.`,
    "",
    "bench/offline.ts: a generated snapshot of N users, N security groups and N instances in the AWS",
    "CLI's shapes, written once per N, then read and checked (`read`), and every deployed rule's",
    "mirror and every remediation's plan run with the default settings (`evaluate`), each time in",
    `a fresh process started as \`npm start\` starts it (\`${start}\`), so the code runs cold;`,
    `median of ${first?.runs ?? 0} processes. Not included: the program's plan (--no-plan), printing, and the`,
    "start of node and ts-node. `read` includes parsing the JSON text of every configuration item",
    "(the CLI's `select-resource-config` gives each as a string). \"V8's defaults\": read + evaluate",
    "of as many processes without `npm start`'s flags, each run right after one with them. The goal",
    "is judged by the median; the range says how much this shared machine varied meanwhile (its",
    "host lends and takes back CPU time). The job runs its code once and cold, where",
    "TurboFan's inlining costs more compile time, on the second core too, than it saves, and keeps",
    "nearly all it builds: a heap started large spares it the full collection V8's defaults make",
    "while the heap grows.",
    "",
    "| N each | resources | read | evaluate | read + evaluate | fastest to slowest run | V8's defaults | per 1,000 resources | verdicts | peak RSS | goal |",
    "|---|---|---|---|---|---|---|---|---|---|---|",
    ...offline.map(
      (o) =>
        `| ${int(o.n)} | ${int(o.resources)} | ${ms(o.readMs)} | ${ms(o.evaluateMs)} | ${ms(both(o))} | ` +
        `${ms(o.rangeMs[0])} to ${ms(o.rangeMs[1])} | ` +
        `${ms(o.v8DefaultsMs)} | ${ms((both(o) * 1000) / o.resources)} | ${int(o.verdicts)} | ` +
        `${int(o.peakRssMb)} MB | ${offlineGoal(o)} |`,
    ),
    "",
  ];
}

/** AWS Config's public price per recorded rule evaluation, per region and month, by tier. */
const PRICE_TIERS = [
  { upTo: 100_000, usd: 0.001 },
  { upTo: 500_000, usd: 0.0008 },
  { upTo: Infinity, usd: 0.0005 },
];

function monthlyUsd(evaluations: number): number {
  let usd = 0;
  let from = 0;
  for (const tier of PRICE_TIERS) {
    const inTier = Math.max(0, Math.min(evaluations, tier.upTo) - from);
    usd += inTier * tier.usd;
    from = tier.upTo;
  }
  return usd;
}

const RUNS_PER_MONTH: Record<string, number> = {
  One_Hour: 720,
  Three_Hours: 240,
  Six_Hours: 120,
  Twelve_Hours: 60,
  TwentyFour_Hours: 30,
};
/** The stack default of evaluationRefreshDays. */
const REFRESH_DAYS = 7;

function organizationSection(): string[] {
  const { sizes, fitting } = invokePolicySizes([10, 50, 100, 200]);
  return [
    "",
    "bench/organization.ts: the resource-based policy of an organization custom rule's function if it",
    "held one statement per member account (AWS Config of that account, `AWS:SourceAccount`), as",
    "Lambda's GetPolicy returns it, with the longest function name this program makes. Lambda allows",
    `${int(FUNCTION_POLICY_LIMIT_BYTES)} bytes per function: ${fitting} accounts fit. Computed, not timed; left out: statements of`,
    "other principals. Hence the permission names no account, and the function may assume member roles",
    "only in the organization's accounts (see Organizations).",
    "",
    "| member accounts | policy bytes | within 20 KB |",
    "|---|---|---|",
    ...sizes.map(
      (size) =>
        `| ${int(size.accounts)} | ${int(size.bytes)} | ${size.bytes <= FUNCTION_POLICY_LIMIT_BYTES ? "yes" : "no"} |`,
    ),
    "",
    "What an organization deploys with the stack defaults, counted from the catalogue (the IAM rules",
    "and their remediations in the home region only): one StackSet instance per member and region;",
    "the rules AWS Config creates in each member, over its regions; the audit account's functions",
    "(one per custom rule and per Lambda remediation, per region), which do not grow with members.",
    "What AWS bills follows from these per member and region: each configuration item recorded, and",
    "each evaluation the member's rules record (the Cost table's figures, per member, for its own",
    "users). 17 regions: those every account has enabled by default. Left out: Lambda, EventBridge",
    "and S3 charges.",
    "",
    "| regions | member accounts | StackSet instances | rules per member | rules across members | audit functions |",
    "|---|---|---|---|---|---|",
    ...organizationFootprint([1, 4, 17], [10, 50, 200]).map(
      (f) =>
        `| ${f.regions} | ${int(f.accounts)} | ${int(f.stackInstances)} | ${int(f.rulesPerMember)} | ${int(f.rulesPerMember * f.accounts)} | ${int(f.auditFunctions)} |`,
    ),
    "",
  ];
}

function costSection(
  periodic: ChildResult[],
  large: SteadyResult[],
  heap: readonly HeapNeed[],
): string[] {
  const dollars = (usd: number) => `$${usd >= 100 ? int(usd) : usd.toFixed(2)}`;
  const lines = [
    `${measuredOn()}.`,
    "",
    "AWS Config bills every evaluation a rule records ($0.001 each for the first 100,000 per region",
    "and month, $0.0008 up to 500,000, $0.0005 beyond); reads of the results are not. A periodic run",
    "reads what Config holds (100 results per call) and sends only what changed. Measured: a second",
    "run after a first one, with the given share of the held results made to differ (as if that many",
    `verdicts had changed), on the synthetic account (at ${int(COST_ONLY_SIZE)}: its users only); \`sent\` and \`calls\` are that run's. The month`,
    `extrapolates it: runs a month (hourly 720, daily 30) x sent, plus the refresh of every held result`,
    `once in ${REFRESH_DAYS} days (evaluationRefreshDays: N x 30 / ${REFRESH_DAYS}; an upper bound, a changed result restarts its`,
    "clock). Left out: change notifications (always sent, one per changed user), other rules in the",
    'same region sharing the tiers, and the configuration items Config bills apart. "Every verdict',
    "every run\" is the design that resends all N each run (the seeds' way, and this program's before);",
    "iam-user-unused-credentials-check is AWS's managed periodic rule for inactive credentials, daily,",
    "assumed to record one evaluation per user per run.",
    "",
    "| rule | N | changed per run | sent per run | calls per run | billed per month | cost | every verdict every run | cost | iam-user-unused-credentials-check, daily | cost |",
    "|---|---|---|---|---|---|---|---|---|---|---|",
  ];
  for (const r of [...periodic, ...large]) {
    const frequency = DEFINITIONS[r.rule]?.periodic ?? "TwentyFour_Hours";
    const runs = RUNS_PER_MONTH[frequency] ?? 30;
    for (const steady of r.steady ?? []) {
      const billed = runs * steady.sent + Math.ceil((r.n * 30) / REFRESH_DAYS);
      const everything = runs * r.n;
      const managed = r.rule === "iam-inactive-users" ? 30 * r.n : undefined;
      lines.push(
        `| ${r.rule} | ${int(r.n)} | ${int(steady.changed)} (${(steady.share * 100).toFixed(1)}%) | ${int(steady.sent)} | ` +
          `${int(steady.totalCalls)} (${calls(steady.calls)}) | ${int(billed)} | ${dollars(monthlyUsd(billed))} | ` +
          `${int(everything)} | ${dollars(monthlyUsd(everything))} | ` +
          `${managed === undefined ? "-" : int(managed)} | ${managed === undefined ? "-" : dollars(monthlyUsd(managed))} |`,
      );
    }
  }
  lines.push(
    "",
    "Memory at the largest size. RSS overstates what a function needs (V8 grows its heap freely",
    "on a large machine, and the synthetic account shares the process), so each rule's first run",
    "sending every verdict is also run in a bounded heap: the smallest limit it completes in, less",
    "what the account holds, is the handler's own heap need. A function's memory must hold that",
    "and Node with the SDK and the handler loaded (`modules` below, RSS before the account is",
    "built); left out: the Lambda runtime's own process, and a real SDK's parsing of XML and JSON",
    "responses (the synthetic clients build the results directly).",
    "",
    "| rule | N | RSS: modules | RSS: with the account | RSS: first-run peak | heap limit it fits in | of which the account | handler's heap need | modules + need | function memory |",
    "|---|---|---|---|---|---|---|---|---|---|",
    ...large.map((r) => {
      const need = heap.find((h) => h.rule === r.rule && h.n === r.n);
      const needMb = need ? need.limitMb - need.accountMb : undefined;
      const total = needMb === undefined ? undefined : r.memory.bareRss / 2 ** 20 + needMb;
      const memoryMb = DEFINITIONS[r.rule].memoryMb;
      const verdict = total === undefined ? "-" : total <= memoryMb ? "fits" : "too small";
      return (
        `| ${r.rule} | ${int(r.n)} | ${mb(r.memory.bareRss)} | ${mb(r.memory.baselineRss)} | ` +
        `${r.memory.peakHidden ? "≤ " : ""}${mb(r.memory.firstRunPeakRss)} | ` +
        `${need ? `${need.limitMb} MB` : "-"} | ${need ? `${need.accountMb.toFixed(0)} MB` : "-"} | ` +
        `${needMb === undefined ? "-" : `≤ ${needMb.toFixed(0)} MB`} | ${total === undefined ? "-" : `${total.toFixed(0)} MB`} | ` +
        `${memoryMb} MB (${verdict}) |`
      );
    }),
  );
  lines.push("");
  return lines;
}

/**
 * What the seeds' time means against Lambda's 15 minutes depends on the design: a change-triggered
 * rule spends it over N invocations of a few calls each; a periodic rule that judges every user in
 * one invocation spends it in one.
 */
const SEED_DESIGNS: Record<SeedRule, "per resource" | "one pass"> = {
  // Triggered by each user's configuration change: one short invocation per user.
  "iam-inactive-user (seed)": "per resource",
  // The MFA article's rule also runs every hour, checking every user in that one invocation.
  "mfa (seed-style)": "one pass",
  "ec2-exposed-instance (seed)": "per resource",
};

const SEED_DESIGNS_TEXT = [
  "iam-inactive-user (seed) is change-triggered: its time is spread over N invocations of a few",
  "calls each, every one far inside the limit, so the 15 minutes do not apply to it. mfa",
  "(seed-style) follows the MFA article's rule, which also runs every hour and checks every user",
  "in that one invocation: its whole time is one invocation's, against the 15-minute limit.",
];

function seedVersusLimit(rule: SeedRule, totalMs: number, callsPerResource: number): string {
  const lambdaMs = LAMBDA_MAX_SECONDS * 1000;
  if (SEED_DESIGNS[rule] === "per resource") {
    return `per invocation ${seconds(callsPerResource * LATENCY_MS)}: inside it`;
  }
  return totalMs > lambdaMs
    ? `one invocation: exceeds it ${ratio(totalMs / lambdaMs)}`
    : `one invocation: ${percent(totalMs, lambdaMs)}`;
}

/** The README's table: per rule and N, calls, time and the seed's approach, with the date and machine. */
function summary(periodic: ChildResult[], exposed: ChildResult[]): string[] {
  const evaluatorTotal = (r: ChildResult) =>
    Object.values(r.evaluators).reduce((sum, value) => sum + value, 0);
  const lines = [
    `${measuredOn()}:`,
    "",
    `| rule, N | API calls | seeds' approach | evaluator per 1,000 | wall at ${LATENCY_MS} ms per call (timeout) | seeds' approach at ${LATENCY_MS} ms per call, its calls in turn | its design vs Lambda's 15 min |`,
    "|---|---|---|---|---|---|---|",
  ];
  for (const r of periodic) {
    lines.push(
      `| ${r.rule}, ${int(r.n)} | ${int(r.full.totalCalls)} | ${int(r.seed.run.totalCalls)} | ` +
        `${ms((evaluatorTotal(r) * 1000) / r.n)} | ${seconds(r.fullAtLatency?.wallMs ?? 0)} (${TIMEOUT_SECONDS[r.rule]} s) | ` +
        `${seconds(r.seed.run.totalCalls * LATENCY_MS)} | ` +
        `${seedVersusLimit(r.seed.rule, r.seed.run.totalCalls * LATENCY_MS, r.seed.run.totalCalls / r.seed.resources)} |`,
    );
  }
  const largest = exposed[exposed.length - 1];
  if (largest) {
    const group = largest.changes.find((c) => c.what === "security group");
    const instance = largest.changes.find((c) => c.what === "instance");
    lines.push(
      `| exposed-ports, one group / one instance | ${int(total(group?.calls ?? {}))} / ${int(total(instance?.calls ?? {}))} | ` +
        `– / ${(largest.seed.run.totalCalls / largest.seed.resources).toFixed(1)} | ${ms((evaluatorTotal(largest) * 1000) / largest.n)} | ` +
        `${seconds(group?.msAtLatency ?? 0)} / ${seconds(instance?.msAtLatency ?? 0)} (${TIMEOUT_SECONDS["exposed-ports"]} s) | ` +
        `${seconds((largest.seed.run.totalCalls / largest.seed.resources) * LATENCY_MS)} | per invocation: inside it |`,
    );
  }
  lines.push("", ...SEED_DESIGNS_TEXT);
  return lines;
}

async function main() {
  const started = Date.now();
  // The bench runs on the Node of the checkout; the SDK's notice about Node 20 is noise here.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
  const out = transpile();
  const results: ChildResult[] = [];
  const large: SteadyResult[] = [];
  const heap: HeapNeed[] = [];
  try {
    for (const n of SIZES) {
      for (const rule of RULES) {
        const t0 = Date.now();
        results.push(measureInChild(out, rule, n));
        console.error(`measured ${rule} at N=${n} in ${seconds(Date.now() - t0)}`);
      }
    }
    for (const rule of PERIODIC_RULES) {
      const t0 = Date.now();
      large.push(measureSteadyInChild(out, rule, COST_ONLY_SIZE));
      console.error(
        `measured ${rule}'s steady runs at N=${COST_ONLY_SIZE} in ${seconds(Date.now() - t0)}`,
      );
      const t1 = Date.now();
      heap.push(measureHeapNeed(out, rule, COST_ONLY_SIZE));
      console.error(`measured ${rule}'s heap need in ${seconds(Date.now() - t1)}`);
    }
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
  const t1 = Date.now();
  const ports = comparePortAlgorithms();
  console.error(`compared port algorithms in ${seconds(Date.now() - t1)}`);
  const t3 = Date.now();
  const offline = OFFLINE_SIZES.map((n) => measureOffline(n, OFFLINE_RUNS));
  console.error(`measured the offline evaluation in ${seconds(Date.now() - t3)}`);
  const t4 = Date.now();
  const report = await measureReport();
  console.error(`measured the HTML report in ${seconds(Date.now() - t4)}`);
  const t2 = Date.now();
  const packages = await measurePackages();
  console.error(`measured packages in ${seconds(Date.now() - t2)}`);
  const markdown = render(
    results,
    ports,
    packages,
    Date.now() - started,
    offline,
    large,
    report,
    heap,
  );
  fs.writeFileSync(RESULTS, markdown);
  fs.writeFileSync(PACKAGES, packagesMarkdown(packages));
  let readme = fs.readFileSync(README, "utf8");
  for (const name of SECTIONS) readme = copySection(readme, markdown, name);
  fs.writeFileSync(README, readme);
  console.log(markdown);
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
