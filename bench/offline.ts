/**
 * The offline evaluation (`npm start -- --snapshot DIR --no-plan`) at scale: a generated snapshot
 * of N IAM users, N security groups and N instances, in the AWS CLI's own shapes, read and
 * evaluated with the stack's default settings in a fresh process. What it measures: reading and
 * checking the files, and every rule's mirror and every remediation's plan; not the plan of the
 * program (`--no-plan`) nor printing the report.
 *
 *   ts-node bench/offline.ts N   (prints one JSON line; bench/main.ts runs it per N)
 */
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

export interface OfflineResult {
  n: number;
  resources: number;
  readMs: number;
  evaluateMs: number;
  verdicts: number;
  peakRssMb: number;
}

function measure(n: number): OfflineResult {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-snapshot-"));
  try {
    writeSnapshot(dir, n);
    const settings = parseSettings({});
    const t0 = process.hrtime.bigint();
    const snapshot = readSnapshot(dir);
    const t1 = process.hrtime.bigint();
    const verdicts = evaluateSnapshot(snapshot, settings);
    const t2 = process.hrtime.bigint();
    return {
      n,
      resources: 3 * n,
      readMs: Number(t1 - t0) / 1e6,
      evaluateMs: Number(t2 - t1) / 1e6,
      verdicts: verdicts.length,
      peakRssMb: (process.resourceUsage().maxRSS * 1024) / 1024 / 1024,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  process.stdout.write(`${JSON.stringify(measure(Number(process.argv[2])))}\n`);
}
