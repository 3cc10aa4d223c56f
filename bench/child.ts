/**
 * One rule at one N, in a fresh Node process (so that its peak memory is its own), run by
 * bench/main.ts from a plain-JavaScript copy (no ts-node in memory):
 *
 *   node --expose-gc child.js <rule> <N>     prints one JSON line (ChildResult)
 *   node child.js steady <rule> <N>          only the steady runs, on N users (SteadyResult)
 *   node --max-old-space-size=<MB> --expose-gc child.js first-run <rule> <N>
 *                                            one full run on N users in a bounded heap
 *                                            (FirstRunResult; the process dies if it does not fit)
 *
 * Order matters: the full periodic run comes first, right after the synthetic account is built
 * and garbage collected, so that the peak RSS is the handler's peak on top of that baseline.
 */
import { SyntheticClients, syntheticClients } from "./counting-clients";
import {
  PeriodicRule,
  Run,
  SeedRule,
  evaluatorWork,
  instanceItem,
  median,
  runChanges,
  runPeriodic,
  runSeed,
  securityGroupItem,
  timeMs,
  userItem,
} from "./scenarios";
import { SyntheticAccount, syntheticAccount } from "./synthetic-account";

export const LATENCY_MS = 50;
/** Evaluator timings: median of this many runs. */
export const EVALUATOR_RUNS = 7;
/** Change notifications timed one by one (median), and at the simulated latency. */
const CHANGE_SAMPLE = 20;
const CHANGE_SAMPLE_AT_LATENCY = 3;
/** The seed's ec2-exposed-instance expands port lists: minutes for 10,000 instances. */
export const SEED_INSTANCE_SAMPLE = 500;

export type BenchRule = PeriodicRule | "exposed-ports";

export interface ChangeFigures {
  what: string;
  calls: Record<string, number>;
  /** Median milliseconds per invocation, no latency. */
  ms: number;
  /** Median milliseconds per invocation at LATENCY_MS per call. */
  msAtLatency: number;
}

export interface ChildResult {
  rule: BenchRule;
  n: number;
  /** The full periodic evaluation (periodic rules), or every item's change notification. */
  full: Run;
  /** exposed-ports: the calls for the N security groups and for the N instances. */
  parts?: { groups: Record<string, number>; instances: Record<string, number> };
  /** The same at LATENCY_MS per call (periodic rules only: 20,000 items in turn would take 25 min). */
  fullAtLatency?: { wallMs: number; totalCalls: number };
  /** Resources whose evaluation differs from the synthetic account's design (0 expected). */
  mismatches: number;
  /** RSS before the run, peak after the periodic run (exposed-ports: after a few items). */
  memory: { baselineRss: number; peakRss: number; peakHidden: boolean };
  /** Milliseconds for the whole account, median of EVALUATOR_RUNS. */
  evaluators: Record<string, number>;
  changes: ChangeFigures[];
  /**
   * Periodic rules: a run after a first one, with a share of the verdicts changed since: what it
   * sends (the billed evaluations) and the calls it makes.
   */
  steady?: SteadyRun[];
  seed: {
    rule: SeedRule;
    resources: number;
    run: Run & { errors: number };
    /**
     * Against this project's verdicts: NON_COMPLIANT resources the seed calls COMPLIANT,
     * COMPLIANT ones it calls NON_COMPLIANT, and invocations that fail (no verdict).
     */
    comparison: { missed: number; extra: number; failed: number };
  };
}

export interface SteadyRun {
  share: number;
  changed: number;
  sent: number;
  calls: Record<string, number>;
  totalCalls: number;
}

/** Shares of verdicts changing between two periodic runs. */
export const CHANGE_SHARES = [0.001, 0.01];

const rss = () => process.memoryUsage().rss;

async function changeFigures(
  what: string,
  rule: BenchRule,
  account: SyntheticAccount,
  clients: SyntheticClients,
  slow: SyntheticClients,
  item: (index: number) => Parameters<typeof runChanges>[3][number],
): Promise<ChangeFigures> {
  const times: number[] = [];
  let calls: Record<string, number> = {};
  for (let k = 0; k < CHANGE_SAMPLE; k++) {
    const run = await runChanges(rule, account, clients, [item(k)]);
    times.push(run.wallMs);
    // The calls of the item `what` describes.
    if (k === 0) calls = run.calls;
  }
  const slowTimes: number[] = [];
  for (let k = 0; k < CHANGE_SAMPLE_AT_LATENCY; k++) {
    slowTimes.push((await runChanges(rule, account, slow, [item(k)])).wallMs);
  }
  return { what, calls, ms: median(times), msAtLatency: median(slowTimes) };
}

/** Two runs as one: calls, verdicts and time added up. */
function combine(a: Run, b: Run): Run {
  const add = (x: Record<string, number>, y: Record<string, number>) => {
    const sum = { ...x };
    for (const [key, count] of Object.entries(y)) sum[key] = (sum[key] ?? 0) + count;
    return Object.fromEntries(Object.entries(sum).sort(([k1], [k2]) => k1.localeCompare(k2)));
  };
  return {
    calls: add(a.calls, b.calls),
    totalCalls: a.totalCalls + b.totalCalls,
    verdicts: add(a.verdicts, b.verdicts),
    evaluations: a.evaluations + b.evaluations,
    wallMs: a.wallMs + b.wallMs,
    summaries: [...a.summaries, ...b.summaries],
  };
}

/**
 * Per share of CHANGE_SHARES: a full run, then that share of the results Config holds made to
 * differ, then the run measured: what it sends and the calls it makes.
 */
async function steadyRuns(
  rule: PeriodicRule,
  account: SyntheticAccount,
  clients: SyntheticClients,
): Promise<SteadyRun[]> {
  const steady: SteadyRun[] = [];
  for (const share of CHANGE_SHARES) {
    await runPeriodic(rule, account, clients);
    const changed = Math.round(account.n * share);
    clients.stored.alter(changed);
    const run = await runPeriodic(rule, account, clients, { steady: true });
    steady.push({
      share,
      changed,
      sent: run.evaluations,
      calls: run.calls,
      totalCalls: run.totalCalls,
    });
  }
  return steady;
}

/** The steady runs alone, on N users without security groups: the cost at sizes beyond SIZES. */
export async function measureSteady(rule: PeriodicRule, n: number): Promise<SteadyResult> {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  // Node, the SDK and the handlers' modules: what a Lambda holds before its first event.
  const bareRss = rss();
  const account = syntheticAccount(n, "users");
  const clients = syntheticClients(account);
  gc?.();
  const baselineRss = rss();
  const peakBefore = process.resourceUsage().maxRSS * 1024;
  // The process's peak after one run that sends every verdict: what one invocation adds to it.
  await runPeriodic(rule, account, clients);
  const firstRunPeakRss = Math.max(process.resourceUsage().maxRSS * 1024, rss());
  const steady = await steadyRuns(rule, account, clients);
  const peakRss = Math.max(process.resourceUsage().maxRSS * 1024, rss());
  return {
    rule,
    n,
    steady,
    memory: {
      bareRss,
      baselineRss,
      firstRunPeakRss,
      peakRss,
      peakHidden: firstRunPeakRss <= peakBefore,
    },
  };
}

export interface SteadyResult {
  rule: PeriodicRule;
  n: number;
  steady: SteadyRun[];
  /**
   * RSS with the modules loaded only, once the synthetic account is built, the peak after the
   * first run and over all runs; peakHidden: building the account peaked higher than the run.
   */
  memory: {
    bareRss: number;
    baselineRss: number;
    firstRunPeakRss: number;
    peakRss: number;
    peakHidden: boolean;
  };
}

export async function measureRule(rule: BenchRule, n: number): Promise<ChildResult> {
  const account = syntheticAccount(n);
  const clients = syntheticClients(account);
  const slow = syntheticClients(account, { latencyMs: LATENCY_MS });
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const baselineRss = rss();
  // If building the account peaked higher than the run will, the run's own peak is hidden.
  const peakBefore = process.resourceUsage().maxRSS * 1024;
  const peak = () => {
    const peakRss = Math.max(process.resourceUsage().maxRSS * 1024, rss());
    return { baselineRss, peakRss, peakHidden: peakRss <= peakBefore };
  };

  let full: Run;
  let parts: ChildResult["parts"];
  let memory: ChildResult["memory"];
  let changes: ChangeFigures[];
  let fullAtLatency: ChildResult["fullAtLatency"];
  const ours = new Map<string | undefined, string | undefined>();
  let expected: Map<string, string>;
  if (rule === "exposed-ports") {
    // One invocation evaluates one item: its memory is that of the first few invocations,
    // not of the 2N in a row below (which hold every item and summary).
    changes = [
      await changeFigures("security group", rule, account, clients, slow, (k) =>
        securityGroupItem(account, k),
      ),
      // The first is instance 0, in one group.
      await changeFigures("instance", rule, account, clients, slow, (k) =>
        instanceItem(account, k),
      ),
    ];
    memory = peak();
    const groups = await runChanges(
      rule,
      account,
      clients,
      account.securityGroups.map((_, index) => securityGroupItem(account, index)),
    );
    clients.evaluations.forEach((e) => ours.set(e.ComplianceResourceId, e.ComplianceType));
    const instances = await runChanges(
      rule,
      account,
      clients,
      account.instances.map((_, index) => instanceItem(account, index)),
    );
    clients.evaluations.forEach((e) => ours.set(e.ComplianceResourceId, e.ComplianceType));
    full = combine(groups, instances);
    parts = { groups: groups.calls, instances: instances.calls };
    const byId = new Map(account.securityGroups.map((group) => [group.groupId, group]));
    expected = new Map([
      ...account.securityGroups.map((group) => [group.groupId, group.expected.ours] as const),
      ...account.instances.map(
        (instance) =>
          [
            instance.instanceId,
            instance.groupIds.some((id) => byId.get(id)?.expected.ours === "NON_COMPLIANT")
              ? "NON_COMPLIANT"
              : "COMPLIANT",
          ] as const,
      ),
    ]);
  } else {
    full = await runPeriodic(rule, account, clients);
    memory = peak();
    clients.evaluations.forEach((e) => ours.set(e.ComplianceResourceId, e.ComplianceType));
    expected = new Map(
      account.users.map((user) => [
        user.userId,
        rule === "iam-inactive-users" ? user.expected.inactive : user.expected.mfa,
      ]),
    );
    const run = await runPeriodic(rule, account, slow);
    fullAtLatency = { wallMs: run.wallMs, totalCalls: run.totalCalls };
    changes = [
      // The first is user 1, in two groups (mfa-policy-attached reads each group's policies).
      await changeFigures(
        rule === "mfa-policy-attached" ? "user in 2 groups" : "user",
        rule,
        account,
        clients,
        slow,
        (k) => userItem(account, (k * 4 + 1) % n),
      ),
    ];
  }
  let mismatches = Math.abs(ours.size - expected.size);
  for (const [id, compliance] of ours) if (expected.get(id ?? "") !== compliance) mismatches++;

  const evaluators = Object.fromEntries(
    Object.entries(evaluatorWork(rule, account)).map(([name, work]) => [
      name,
      timeMs(work, EVALUATOR_RUNS),
    ]),
  );

  const seedRule: SeedRule =
    rule === "iam-inactive-users"
      ? "iam-inactive-user (seed)"
      : rule === "mfa-policy-attached"
        ? "mfa (seed-style)"
        : "ec2-exposed-instance (seed)";
  const resources = rule === "exposed-ports" ? Math.min(SEED_INSTANCE_SAMPLE, n) : n;
  const seedRun = await runSeed(seedRule, account, clients, resources);
  const comparison = { missed: 0, extra: 0, failed: seedRun.errors };
  for (const evaluation of clients.evaluations) {
    const mine = ours.get(evaluation.ComplianceResourceId);
    if (mine === "NON_COMPLIANT" && evaluation.ComplianceType === "COMPLIANT") comparison.missed++;
    if (mine === "COMPLIANT" && evaluation.ComplianceType === "NON_COMPLIANT") comparison.extra++;
  }

  const steady = rule === "exposed-ports" ? undefined : await steadyRuns(rule, account, clients);

  return {
    rule,
    n,
    full,
    parts,
    steady,
    fullAtLatency,
    mismatches,
    memory,
    evaluators,
    changes,
    seed: { rule: seedRule, resources, run: seedRun, comparison },
  };
}

export interface FirstRunResult {
  rule: PeriodicRule;
  n: number;
  /** Live heap once the synthetic account and its clients are built, garbage collected. */
  accountHeap: number;
  evaluations: number;
}

/** One periodic run that sends every verdict: run in a heap bounded by the caller. */
export async function measureFirstRun(rule: PeriodicRule, n: number): Promise<FirstRunResult> {
  const account = syntheticAccount(n, "users");
  const clients = syntheticClients(account);
  (globalThis as { gc?: () => void }).gc?.();
  const accountHeap = process.memoryUsage().heapUsed;
  const run = await runPeriodic(rule, account, clients);
  return { rule, n, accountHeap, evaluations: run.evaluations };
}

if (require.main === module) {
  const [first, second, third] = process.argv.slice(2);
  const measured: Promise<ChildResult | SteadyResult | FirstRunResult> =
    first === "steady"
      ? measureSteady(second as PeriodicRule, Number(third))
      : first === "first-run"
        ? measureFirstRun(second as PeriodicRule, Number(third))
        : measureRule(first as BenchRule, Number(second));
  measured
    .then((result) => process.stdout.write(`${JSON.stringify(result)}\n`))
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
}
