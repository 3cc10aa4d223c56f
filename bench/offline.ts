/**
 * The offline evaluation (`npm start -- --snapshot DIR --no-plan`) at scale: a generated snapshot
 * of N IAM users, N security groups and N instances, in the AWS CLI's own shapes, read and
 * evaluated with the stack's default settings in a fresh process started as `npm start` starts.
 * What it measures: reading and checking the files, and every rule's mirror and every
 * remediation's plan; not the plan of the program (`--no-plan`) nor printing the report.
 *
 *   ts-node bench/offline.ts DIR   (prints one JSON line; bench/main.ts runs it per N)
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseSettings } from "../config";
import { evaluateSnapshot } from "../offline/evaluate";
import { readSnapshot } from "../offline/snapshot";

const ACCOUNT = "111122223333";
const GENERATED = "2026-11-20T12:00:00+00:00";
const COLUMNS =
  "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated";

/** Security groups of the kinds the rules tell apart, in turn. */
const PERMISSIONS = [
  [{ ipProtocol: "tcp", fromPort: 443, toPort: 443, ipv4Ranges: [{ cidrIp: "0.0.0.0/0" }] }],
  [
    {
      ipProtocol: "tcp",
      fromPort: 22,
      toPort: 22,
      ipv4Ranges: [{ cidrIp: "0.0.0.0/0" }, { cidrIp: "10.0.0.0/8" }],
    },
  ],
  [{ ipProtocol: "-1", ipv6Ranges: [{ cidrIpv6: "::/0" }] }],
  [
    {
      ipProtocol: "tcp",
      fromPort: 3389,
      toPort: 3389,
      ipv4Ranges: [{ cidrIp: "0.0.0.0/1" }, { cidrIp: "128.0.0.0/1" }],
    },
  ],
  [{ ipProtocol: "tcp", fromPort: 5432, toPort: 5432, ipv4Ranges: [{ cidrIp: "10.0.0.0/8" }] }],
];

export function writeSnapshot(dir: string, n: number): void {
  const item = (resourceType: string, resourceId: string, configuration: object) =>
    JSON.stringify({
      resourceId,
      resourceType,
      configuration,
      configurationItemCaptureTime: GENERATED,
      configurationItemStatus: "OK",
    });
  const group = (index: number) => `sg-${index.toString(16).padStart(17, "0")}`;
  const results: string[] = [];
  for (let index = 0; index < n; index++) {
    results.push(
      item("AWS::EC2::SecurityGroup", group(index), {
        groupId: group(index),
        groupName: index % 50 === 0 ? "default" : `group-${index}`,
        ipPermissions: PERMISSIONS[index % PERMISSIONS.length],
        ipPermissionsEgress: [{ ipProtocol: "-1", ipv4Ranges: [{ cidrIp: "0.0.0.0/0" }] }],
      }),
    );
  }
  for (let index = 0; index < n; index++) {
    const id = `i-${index.toString(16).padStart(17, "0")}`;
    const groups = Array.from({ length: 1 + (index % 3) }, (_, k) => ({
      groupId: group((index * 7 + k) % n),
    }));
    results.push(
      item("AWS::EC2::Instance", id, {
        instanceId: id,
        state: { name: "running" },
        securityGroups: groups,
      }),
    );
  }
  fs.writeFileSync(path.join(dir, "config-items.json"), JSON.stringify({ Results: results }));

  const users = Array.from({ length: n }, (_, index) => {
    const userName = `user-${index}`;
    return {
      Path: "/",
      UserName: userName,
      UserId: `AIDA${index.toString(36).toUpperCase().padStart(17, "0")}`,
      Arn: `arn:aws:iam::${ACCOUNT}:user/${userName}`,
      CreateDate: "2024-01-10T09:00:00+00:00",
      GroupList: index % 4 === 0 ? ["mfa-required"] : ["developers"],
      AttachedManagedPolicies: [],
    };
  });
  fs.writeFileSync(
    path.join(dir, "authorization-details.json"),
    JSON.stringify({
      UserDetailList: users,
      GroupDetailList: [
        {
          GroupName: "mfa-required",
          AttachedManagedPolicies: [
            { PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/DenyActionWithoutMFA` },
          ],
        },
        { GroupName: "developers", AttachedManagedPolicies: [] },
      ],
    }),
  );
  const rows = users.map((user, index) => {
    const used = index % 3 === 0 ? "2026-11-01T00:00:00+00:00" : "2025-01-01T00:00:00+00:00";
    return [
      user.UserName,
      user.Arn,
      user.CreateDate,
      "true",
      used,
      "N/A",
      "N/A",
      "false",
      "true",
      "2024-01-10T09:00:00+00:00",
      used,
      "us-east-1",
      "iam",
      "false",
      "N/A",
      "N/A",
      "N/A",
      "N/A",
      "false",
      "N/A",
      "false",
      "N/A",
    ].join(",");
  });
  fs.writeFileSync(
    path.join(dir, "credential-report.json"),
    JSON.stringify({
      Content: Buffer.from(`${COLUMNS}\n${rows.join("\n")}\n`).toString("base64"),
      ReportFormat: "text/csv",
      GeneratedTime: GENERATED,
    }),
  );
}

/** One fresh process's reading and evaluation of a snapshot folder. */
export interface OfflineRun {
  readMs: number;
  evaluateMs: number;
  verdicts: number;
  peakRssMb: number;
}

export interface OfflineResult extends OfflineRun {
  n: number;
  resources: number;
  /** The processes measured; the figures are the median's by read + evaluate. */
  runs: number;
  /** Read + evaluate of the fastest and the slowest of them: how much the machine varied. */
  rangeMs: [number, number];
  /** Read + evaluate, median, with V8's own defaults instead of `npm start`'s flags. */
  v8DefaultsMs: number;
  /** The node flags `npm start` runs with, as its script gives them. */
  flags: string[];
}

const ROOT = path.join(__dirname, "..");
const ENTRY = "offline/main.ts";
const TS_NODE = ["-r", "ts-node/register/transpile-only"];

/**
 * The node flags of `npm start`, read from its script (`node FLAGS -r
 * ts-node/register/transpile-only offline/main.ts`) so that the bench runs the job as users do.
 */
export function startNodeFlags(script: string): string[] {
  const words = script.trim().split(/\s+/);
  const flags = words.slice(1, -3);
  if (
    words[0] !== "node" ||
    words.slice(-3).join(" ") !== [...TS_NODE, ENTRY].join(" ") ||
    flags.some((flag) => !flag.startsWith("--"))
  ) {
    throw new Error(
      `package.json's start script is ${JSON.stringify(script)}; expected "node [--flag ...] ${[...TS_NODE, ENTRY].join(" ")}"`,
    );
  }
  return flags;
}

function startScript(): string {
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
    scripts?: { start?: string };
  };
  return manifest.scripts?.start ?? "";
}

/**
 * N users, N security groups and N instances, written once, then read and evaluated by `runs`
 * fresh processes with `npm start`'s flags and as many with V8's defaults, for comparison, each
 * of the one right after one of the other, so that both meet the machine's slower and faster
 * spells alike: the median by read + evaluate, and the range.
 */
export function measureOffline(n: number, runs: number): OfflineResult {
  const flags = startNodeFlags(startScript());
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-snapshot-"));
  try {
    writeSnapshot(dir, n);
    const shipped: OfflineRun[] = [];
    const defaults: OfflineRun[] = [];
    for (let run = 0; run < runs; run++) {
      shipped.push(measureOnce(dir, flags));
      defaults.push(measureOnce(dir, []));
    }
    const total = (run: OfflineRun) => run.readMs + run.evaluateMs;
    const byTotal = (measured: OfflineRun[]) => [...measured].sort((a, b) => total(a) - total(b));
    const median = (sorted: OfflineRun[]) => sorted[Math.floor(sorted.length / 2)] as OfflineRun;
    const sorted = byTotal(shipped);
    return {
      ...median(sorted),
      n,
      resources: 3 * n,
      runs,
      rangeMs: [total(sorted[0] as OfflineRun), total(sorted[sorted.length - 1] as OfflineRun)],
      v8DefaultsMs: total(median(byTotal(defaults))),
      flags,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** One fresh process, through ts-node as `npm start` runs. */
function measureOnce(dir: string, flags: readonly string[]): OfflineRun {
  const stdout = execFileSync(
    process.execPath,
    [...flags, ...TS_NODE, path.join(__dirname, "offline.ts"), dir],
    { cwd: ROOT, encoding: "utf8", maxBuffer: 16 * 1024 * 1024 },
  );
  return JSON.parse(stdout.trim().split("\n").pop() ?? "") as OfflineRun;
}

/** What `npm start -- --snapshot DIR --no-plan` does before printing: read, then evaluate. */
function run(dir: string): OfflineRun {
  const settings = parseSettings({});
  const t0 = process.hrtime.bigint();
  const snapshot = readSnapshot(dir);
  const t1 = process.hrtime.bigint();
  const verdicts = evaluateSnapshot(snapshot, settings);
  const t2 = process.hrtime.bigint();
  return {
    readMs: Number(t1 - t0) / 1e6,
    evaluateMs: Number(t2 - t1) / 1e6,
    verdicts: verdicts.length,
    peakRssMb: (process.resourceUsage().maxRSS * 1024) / 1024 / 1024,
  };
}

if (require.main === module) {
  process.stdout.write(`${JSON.stringify(run(process.argv[2] ?? ""))}\n`);
}
