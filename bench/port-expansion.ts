/**
 * The exposed-ports evaluator (interval arithmetic) against the seed's find_violation (lists of
 * single ports, bench/seed.ts) on the same ingress rules, timed in the same process.
 */
import {
  evaluateSecurityGroup,
  securityGroupFromApi,
} from "../functions/rules/exposed-ports/evaluate";
import { parsePortList } from "../functions/rules/ports";
import { median } from "./scenarios";
import { findViolation } from "./seed";
import {
  ApiIpPermission,
  FORBIDDEN_PORTS,
  SEED_FORBIDDEN_PORTS,
  ipPermissions,
  syntheticAccount,
} from "./synthetic-account";

export interface PortCase {
  name: string;
  /** Milliseconds per evaluation of the case's groups, median. */
  oursMs: number;
  seedMs: number;
  /** What the seed concluded, when it is not what this project concludes. */
  seedOutcome: string;
}

/**
 * Median milliseconds per call of `work`: calls are batched until a batch takes at least
 * `minBatchMs`, so that timer resolution does not matter for sub-microsecond work.
 */
export function perCallMs(work: () => unknown, runs = 5, minBatchMs = 20): number {
  let batch = 1;
  for (;;) {
    const started = process.hrtime.bigint();
    for (let k = 0; k < batch; k++) work();
    if (Number(process.hrtime.bigint() - started) / 1e6 >= minBatchMs || batch >= 1 << 20) break;
    batch *= 4;
  }
  const samples: number[] = [];
  for (let run = 0; run < runs; run++) {
    const started = process.hrtime.bigint();
    for (let k = 0; k < batch; k++) work();
    samples.push(Number(process.hrtime.bigint() - started) / 1e6 / batch);
  }
  return median(samples);
}

const open = (from: number, to: number): ApiIpPermission => ({
  IpProtocol: "tcp",
  FromPort: from,
  ToPort: to,
  IpRanges: [{ CidrIp: "0.0.0.0/0" }],
  Ipv6Ranges: [],
});

function compare(
  name: string,
  groups: ReadonlyArray<{ GroupId: string; IpPermissions: ApiIpPermission[] }>,
  forbidden: string,
  seedForbidden: Record<string, string>,
  runs: number,
): PortCase {
  const ranges = parsePortList(forbidden);
  const ours = () =>
    groups.map((group) => evaluateSecurityGroup(securityGroupFromApi(group), ranges).compliance);
  const seed = () =>
    groups.map((group) => {
      try {
        return findViolation(group.IpPermissions, seedForbidden) ? "NON_COMPLIANT" : "COMPLIANT";
      } catch (error) {
        return (error as Error).name;
      }
    });
  const expected = ours();
  const outcome = seed();
  const differing = outcome.filter((verdict, index) => verdict !== expected[index]);
  const seedOutcome =
    differing.length === 0
      ? "same verdicts"
      : Object.entries(
          differing.reduce<Record<string, number>>((counts, verdict) => {
            counts[verdict] = (counts[verdict] ?? 0) + 1;
            return counts;
          }, {}),
        )
          .map(
            ([verdict, count]) =>
              `${count} ${verdict === "KeyError" ? "KeyError" : `wrongly ${verdict}`}`,
          )
          .join(", ");
  return { name, oursMs: perCallMs(ours, runs), seedMs: perCallMs(seed, runs, 1), seedOutcome };
}

/** Single rules that show the difference, then a mix of groups per 1,000. */
export const MIXED_SAMPLE = 200;

export function comparePortAlgorithms(): PortCase[] {
  const one = (permission: ApiIpPermission) => [{ GroupId: "sg-1", IpPermissions: [permission] }];
  const mixed = syntheticAccount(MIXED_SAMPLE).securityGroups.map((group) => ({
    GroupId: group.groupId,
    IpPermissions: ipPermissions(group.kind),
  }));
  return [
    compare(
      "`0-65535` open, forbidden `1-1024` (violation)",
      one(open(0, 65535)),
      "1-1024",
      { range: "1-1024" },
      5,
    ),
    compare(
      "`1025-65535` open, forbidden `1-1024` (compliant)",
      one(open(1025, 65535)),
      "1-1024",
      { range: "1-1024" },
      5,
    ),
    compare("`22` open, forbidden `22`", one(open(22, 22)), "22", { port: "22" }, 5),
    compare(
      `${MIXED_SAMPLE} mixed groups (the account's 8 kinds), forbidden \`${FORBIDDEN_PORTS}\``,
      mixed,
      FORBIDDEN_PORTS,
      SEED_FORBIDDEN_PORTS,
      3,
    ),
  ];
}
