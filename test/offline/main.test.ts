import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { RULE_NAMES } from "../../functions/catalog";
import { parseCsv } from "../helpers/csv";

const ROOT = path.join(__dirname, "..", "..");
const DEMO = path.join(ROOT, "examples", "demo-account");

/** `npm start` exactly as a user runs it, in a child process. */
function npmStart(...args: string[]) {
  const result = spawnSync("npm", ["start", "--silent", "--", ...args], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function stackFile(config: Record<string, unknown>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "guardrails-stack-"));
  const file = path.join(dir, "Pulumi.test.yaml");
  fs.writeFileSync(file, JSON.stringify({ config })); // JSON is YAML
  return file;
}

describe("npm start (offline plan)", function () {
  this.timeout(120_000);

  it("prints the recorder resources as a tree under their component", () => {
    const { status, stdout } = npmStart();
    assert.equal(status, 0);
    assert.match(stdout, /Offline plan for stack "dev" of project "guardrails"/);
    for (const line of [
      /^ {2}\+ config {2}\(guardrails:index:ConfigRecorder\)$/m,
      /^ {4}\+ config-recorder {2}\(aws:cfg\/recorder:Recorder\)$/m,
      /^ {4}\+ config-delivery-channel {2}\(aws:cfg\/deliveryChannel:DeliveryChannel\)$/m,
      /^ {4}\+ config-recorder-status {2}\(aws:cfg\/recorderStatus:RecorderStatus\)$/m,
      /recordingGroup: \{"allSupported":true,"includeGlobalResourceTypes":true\}/,
      /"Owner":"platform-team"/,
    ]) {
      assert.match(stdout, line);
    }
  });

  it("prints one JSON document with --json", () => {
    const { status, stdout } = npmStart("--json", "--no-snapshot");
    assert.equal(status, 0);
    const plan = JSON.parse(stdout);
    const recorder = plan.resources.find(
      (r: { type: string }) => r.type === "aws:cfg/recorder:Recorder",
    );
    assert.equal(recorder.parent, "config");
    assert.equal(recorder.inputs.recordingGroup.includeGlobalResourceTypes, true);
    const status_ = plan.resources.find(
      (r: { type: string }) => r.type === "aws:cfg/recorderStatus:RecorderStatus",
    );
    assert.ok(status_.dependsOn.includes("config-delivery-channel"));
    assert.equal(plan.region, "eu-west-1");
    assert.equal(plan.outputs.recorderName, "default");
  });

  it("plans another stack's config", () => {
    const { status, stdout } = npmStart(
      "--stack",
      stackFile({ "guardrails:createRecorder": false }),
      "--json",
      "--no-snapshot",
    );
    assert.equal(status, 0);
    const plan = JSON.parse(stdout);
    const types = plan.resources.map((r: { type: string }) => r.type);
    for (const type of [
      "aws:cfg/recorder:Recorder",
      "aws:cfg/deliveryChannel:DeliveryChannel",
      "aws:s3/bucket:Bucket",
    ]) {
      assert.ok(!types.includes(type), `no ${type} when reusing the recorder`);
    }
    assert.ok(types.includes("aws:cfg/rule:Rule"), "the rules still deploy");
    assert.equal(plan.stack, "test");
  });

  it("refuses bad config with every problem named, and plans nothing", () => {
    const file = stackFile({
      "guardrails:forbiddenPorts": ["ssh"],
      "guardrails:maxAccessKeyAge": -1,
    });
    const { status, stdout, stderr } = npmStart("--stack", file);
    assert.equal(status, 1);
    assert.equal(stdout, "");
    assert.match(stderr, /guardrails:forbiddenPorts\[0\]: "ssh" is invalid/);
    assert.match(stderr, /guardrails:maxAccessKeyAge: -1 is invalid/);
    assert.doesNotMatch(stderr, /\n\s+at /, "no stack trace");
  });

  it("names a missing stack file", () => {
    const missing = path.join(os.tmpdir(), "Pulumi.missing.yaml");
    const { status, stderr } = npmStart("--stack", missing);
    assert.equal(status, 1);
    assert.match(
      stderr,
      new RegExp(`${missing.replace(/[.]/g, "\\.")}: cannot read it \\(ENOENT\\)`),
    );
  });

  describe("account snapshots", () => {
    it("evaluates the shipped demo account: the counts, each rule's resources, then the plan", () => {
      const { status, stdout } = npmStart();
      assert.equal(status, 0);
      assert.ok(stdout.startsWith("Account 111122223333, snapshot "), stdout.slice(0, 200));
      // A terminal shows the result first: the counts per rule, the resources, the plan last.
      const summary = stdout.search(
        /^ {2}exposed-ports +6 NON_COMPLIANT, 4 COMPLIANT, 1 NOT_APPLICABLE \(of 11\)$/m,
      );
      const resources = stdout.indexOf("exposed-ports: 6 NON_COMPLIANT of 11");
      const plan = stdout.indexOf("Offline plan for stack");
      assert.ok(summary > 0 && summary < resources && resources < plan);
      const report = stdout.slice(0, plan);
      assert.match(report, /as of 2026-11-20T12:00:00.000Z/);
      for (const line of [
        /^exposed-ports: 6 NON_COMPLIANT of 11$/m,
        /NON_COMPLIANT +AWS::EC2::SecurityGroup +sg-01e6ac70a11c0ffee +all traffic open to ::\/0 \(includes 22, 1433/,
        /^iam-inactive-users: 3 NON_COMPLIANT of 8$/m,
        /NON_COMPLIANT +AWS::IAM::User +AIDAM2H8FK4WZ6RT9QB3N +dave never used a password or access key/,
        /COMPLIANT +AWS::IAM::User +AIDAC1D3PL0Y3R8XQ2W5E +ci-deployer is exempt/,
        /^mfa-policy-attached: 3 NON_COMPLIANT of 8$/m,
        /COMPLIANT +AWS::IAM::User +AIDAQ3T7RZ5MBV2KXW9LC +alice has DenyActionWithoutMFA through group mfa-required/,
        // What each remediation would do, in the dev stack's modes.
        /-> revoke mode, will revoke sg-0b4571011e5a1d2c3: 22\/tcp open to 0\.0\.0\.0\/0$/m,
        /-> report mode, would add bob to group mfa-required$/m,
        /^vpc-default-security-group-closed: 1 NON_COMPLIANT of 7$/m,
        /-> automatic mode, will revoke every rule of the default group \(SSM Automation\)$/m,
        /^access-keys-rotated: 3 NON_COMPLIANT of 8$/m,
        /-> deactivate mode, will deactivate access key 1 \(1256 days old\)$/m,
        /-> deactivate mode: nothing, ci-deployer is exempt$/m,
        /^restricted-ssh: 2 NON_COMPLIANT of 7$/m,
        /^vpc-sg-open-only-to-authorized-ports: 4 NON_COMPLIANT of 7$/m,
      ]) {
        assert.match(report, line);
      }
    });

    it("with --no-plan, only the verdicts: the same ones, and no plan", () => {
      const full = npmStart("--json");
      const { status, stdout, stderr } = npmStart("--no-plan", "--json");
      assert.equal(status, 0, stderr);
      assert.deepEqual(JSON.parse(stdout), JSON.parse(full.stdout));
      assert.doesNotMatch(stderr, /Offline plan/);
      assert.match(full.stderr, /Offline plan/);
    });

    it("prints exactly one JSON document on stdout with --json, people's text on stderr", () => {
      const { status, stdout, stderr } = npmStart("--json");
      assert.equal(status, 0);
      const verdicts = JSON.parse(stdout);
      assert.deepEqual(Object.keys(verdicts[0]).sort(), [
        "annotation",
        "compliance",
        "resourceId",
        "resourceName",
        "resourceType",
        "rule",
      ]);
      // The dev stack chooses both rule sets: every rule, in the catalogue's order.
      assert.deepEqual([...new Set(verdicts.map((v: any) => v.rule))], RULE_NAMES);
      const violation = verdicts.find(
        (v: any) => v.rule === "mfa-policy-attached" && v.compliance === "NON_COMPLIANT",
      );
      assert.equal(violation.remediation, "report mode, would add bob to group mfa-required");
      assert.ok(
        verdicts.some(
          (v: any) =>
            v.rule === "iam-inactive-users" &&
            v.resourceId === "AIDAK8P2WD6YHN4TQZ7MX" &&
            v.compliance === "NON_COMPLIANT",
        ),
        "users are identified by their id, as Config knows them",
      );
      assert.match(stderr, /Offline plan for stack "dev"/);
    });

    it("evaluates another snapshot with another stack's thresholds", () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "snapshot-"));
      for (const file of fs.readdirSync(DEMO))
        fs.copyFileSync(path.join(DEMO, file), path.join(dir, file));
      const stack = stackFile({
        "guardrails:maxInactiveDays": 300,
        "guardrails:disabledRules": [
          "exposed-ports",
          "mfa-policy-attached",
          "vpc-default-security-group-closed",
          "vpc-sg-open-only-to-authorized-ports",
          "access-keys-rotated",
          "restricted-ssh",
        ],
      });
      const { status, stdout } = npmStart("--stack", stack, "--snapshot", dir, "--json");
      assert.equal(status, 0);
      const failing = JSON.parse(stdout)
        .filter((v: any) => v.compliance === "NON_COMPLIANT")
        .map((v: any) => v.resourceId);
      assert.deepEqual(
        failing,
        ["AIDAM2H8FK4WZ6RT9QB3N"],
        "only dave: never used in 312 days; bob (203) and frank (171) are within 300",
      );
    });

    it("judges the demo against the CIS controls when the stack adds that rule set", () => {
      const stack = stackFile({ "guardrails:ruleSets": ["guardrails", "cis-foundations"] });
      const { status, stdout } = npmStart("--no-plan", "--stack", stack, "--json");
      assert.equal(status, 0);
      const failing = (rule: string) =>
        (JSON.parse(stdout) as any[])
          .filter((v) => v.rule === rule && v.compliance === "NON_COMPLIANT")
          .map((v) => v.resourceName ?? v.resourceId);
      // What the demo's exports hold: a weak password policy, two console users without MFA,
      // three users with policies of their own (exemptions are this program's, not AWS's), the
      // default network ACL open to all, two instances serving IMDSv1, two users with two active
      // keys (a rotation left half done; this stack exempts no one), a policy granting
      // everything; the root user has MFA and no keys, but its MFA device is virtual.
      assert.deepEqual(failing("iam-password-policy"), ["111122223333"]);
      assert.deepEqual(failing("iam-user-one-active-key"), ["carol", "ci-deployer"]);
      assert.deepEqual(failing("mfa-enabled-for-iam-console-access"), ["dave", "erin"]);
      assert.deepEqual(failing("iam-user-no-policies-check"), [
        "carol",
        "ci-deployer",
        "datadog-integration",
      ]);
      assert.deepEqual(failing("nacl-no-unrestricted-ssh-rdp"), ["acl-0d3fa017c0ffee000"]);
      assert.deepEqual(failing("ec2-imdsv2-check"), ["i-0b4571011e5a1d2c3", "i-01e6ac70a11c0ffee"]);
      assert.deepEqual(failing("root-account-hardware-mfa-enabled"), ["111122223333"]);
      // The admin grant only in an old version of ReportsBucketAccess is not what IAM enforces.
      assert.deepEqual(failing("iam-policy-no-statements-with-admin-access"), [
        "LegacyAdministrator",
      ]);
      // The region's only analyzer looks for unused access, not external access.
      assert.deepEqual(failing("iam-external-access-analyzer-enabled"), ["111122223333"]);
      // AWSSupportAccess is attached only to a group nobody is in.
      assert.deepEqual(failing("iam-policy-in-use"), ["arn:aws:iam::aws:policy/AWSSupportAccess"]);
      assert.deepEqual(failing("iam-root-access-key-check"), []);
      assert.deepEqual(failing("root-account-mfa-enabled"), []);
    });

    it("judges no password policy from a snapshot without its export, and says so", () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "snapshot-"));
      for (const file of fs.readdirSync(DEMO))
        if (file !== "password-policy.json")
          fs.copyFileSync(path.join(DEMO, file), path.join(dir, file));
      const stack = stackFile({ "guardrails:ruleSets": ["cis-foundations"] });
      const { status, stdout } = npmStart("--no-plan", "--stack", stack, "--snapshot", dir);
      assert.equal(status, 0);
      assert.match(
        stdout,
        /password-policy\.json: not in the snapshot, so the password policy is not judged/,
      );
      assert.doesNotMatch(stdout, /^ +iam-password-policy /m);
    });

    it("names a malformed network ACL item", () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "snapshot-"));
      for (const file of fs.readdirSync(DEMO))
        fs.copyFileSync(path.join(DEMO, file), path.join(dir, file));
      const items = JSON.parse(fs.readFileSync(path.join(dir, "config-items.json"), "utf8"));
      items.Results.push(
        JSON.stringify({
          resourceId: "acl-0bad",
          resourceType: "AWS::EC2::NetworkAcl",
          configuration: { entries: [{ ruleAction: "allow", protocol: 6 }] },
          configurationItemStatus: "OK",
        }),
      );
      fs.writeFileSync(path.join(dir, "config-items.json"), JSON.stringify(items));
      const { status, stderr } = npmStart("--no-plan", "--snapshot", dir);
      assert.equal(status, 1);
      assert.match(stderr, /acl-0bad.*configuration\.entries\[0\]\.protocol: 6 is not text/);
    });

    it("names a missing snapshot file and what it should hold", () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "snapshot-"));
      const { status, stdout, stderr } = npmStart("--snapshot", dir);
      assert.equal(status, 1);
      assert.equal(stdout, "");
      assert.match(
        stderr,
        /config-items\.json: cannot read it \(ENOENT\); expected the output of `aws configservice select-resource-config/,
      );
    });

    it("names a malformed snapshot file", () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "snapshot-"));
      for (const file of fs.readdirSync(DEMO))
        fs.copyFileSync(path.join(DEMO, file), path.join(dir, file));
      fs.writeFileSync(path.join(dir, "credential-report.json"), '{"ReportFormat": "text/csv"}');
      const { status, stderr } = npmStart("--snapshot", dir);
      assert.equal(status, 1);
      assert.match(
        stderr,
        /credential-report\.json: no "Content"; expected the output of `aws iam get-credential-report`/,
      );
    });
  });

  it("shows the API-call rules in the plan when realtimeRemediation is on", () => {
    const stack = stackFile({
      "aws:region": "eu-west-1",
      "guardrails:realtimeRemediation": true,
      "guardrails:exposedPortsRemediation": "revoke",
    });
    const { status, stdout, stderr } = npmStart("--stack", stack);
    assert.equal(status, 0, stderr);
    assert.match(
      stdout,
      /remediate-exposed-ports-api-call-0 +\(aws:cloudwatch\/eventRule:EventRule\)/,
    );
    assert.match(stdout, /AuthorizeSecurityGroupIngress/);
    assert.match(stdout, /remediate-mfa-policy-api-call-0-forwarding/);
  });

  describe("an organization's snapshot: one folder per account", () => {
    const OTHER = "444455556666";
    let dir: string;
    before(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "org-snapshot-"));
      fs.cpSync(DEMO, path.join(dir, "111122223333"), { recursive: true });
      // A second account: the demo's exports with its account id, and without its weak password
      // policy (the CLI's answer for an account that has one strong enough).
      fs.mkdirSync(path.join(dir, OTHER));
      for (const file of fs.readdirSync(DEMO)) {
        let text = fs.readFileSync(path.join(DEMO, file), "utf8").replaceAll("111122223333", OTHER);
        if (file === "credential-report.json") {
          const report = JSON.parse(text);
          report.Content = Buffer.from(
            Buffer.from(report.Content, "base64")
              .toString("utf8")
              .replaceAll("111122223333", OTHER),
          ).toString("base64");
          text = JSON.stringify(report);
        }
        if (file === "password-policy.json") {
          text = JSON.stringify({
            PasswordPolicy: {
              MinimumPasswordLength: 16,
              RequireSymbols: true,
              RequireNumbers: true,
              RequireUppercaseCharacters: true,
              RequireLowercaseCharacters: true,
              ExpirePasswords: true,
              MaxPasswordAge: 90,
              PasswordReusePrevention: 24,
            },
          });
        }
        fs.writeFileSync(path.join(dir, OTHER, file), text);
      }
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const cis = () => stackFile({ "guardrails:ruleSets": ["guardrails", "cis-foundations"] });

    it("judges each account and sums the violations across them", () => {
      const { status, stdout } = npmStart("--no-plan", "--stack", cis(), "--snapshot", dir);
      assert.equal(status, 0);
      assert.match(stdout, /^Account 111122223333, snapshot /m);
      assert.match(stdout, /^Account 444455556666, snapshot /m);
      assert.match(stdout, /Organization: 2 accounts \(111122223333, 444455556666\)/);
      assert.match(stdout, /^ {2}iam-password-policy +1 {2}\(111122223333 1, 444455556666 0\)$/m);
      assert.match(stdout, /^ {2}exposed-ports +10 {2}\(111122223333 5, 444455556666 5\)$/m);
    });

    it("prints one JSON document: each account's verdicts", () => {
      const { status, stdout } = npmStart(
        "--no-plan",
        "--stack",
        cis(),
        "--snapshot",
        dir,
        "--json",
      );
      assert.equal(status, 0);
      const accounts = JSON.parse(stdout) as Array<{ accountId: string; verdicts: any[] }>;
      assert.deepEqual(
        accounts.map((account) => account.accountId),
        ["111122223333", OTHER],
      );
      const failing = (account: { verdicts: any[] }) =>
        account.verdicts.filter(
          (v) => v.rule === "iam-password-policy" && v.compliance === "NON_COMPLIANT",
        );
      assert.equal(failing(accounts[0] ?? { verdicts: [] }).length, 1);
      assert.equal(failing(accounts[1] ?? { verdicts: [] }).length, 0);
    });

    it("applies an account's own exceptions to that account only", () => {
      const audit = stackFile({
        "guardrails:deployment": "audit",
        "guardrails:homeRegion": "eu-west-1",
        "guardrails:regions": ["eu-west-1"],
        "guardrails:accountOverrides": {
          [OTHER]: { exemptUsers: ["bob"] },
          "ou-a1b2-c3d4e5f6": { exemptUsers: ["dave"] },
        },
      });
      const { status, stdout, stderr } = npmStart(
        "--no-plan",
        "--stack",
        audit,
        "--snapshot",
        dir,
        "--json",
      );
      assert.equal(status, 0, stderr);
      assert.match(stderr, /the accountOverrides of OUs are not applied/);
      const bob = (JSON.parse(stdout) as Array<{ accountId: string; verdicts: any[] }>).map(
        (account) =>
          account.verdicts.find((v) => v.rule === "iam-inactive-users" && v.resourceName === "bob")
            ?.compliance,
      );
      assert.deepEqual(bob, ["NON_COMPLIANT", "COMPLIANT"]);
    });

    it("names a folder holding another account's exports, and the reports that take one account", () => {
      const wrong = fs.mkdtempSync(path.join(os.tmpdir(), "org-snapshot-"));
      fs.cpSync(DEMO, path.join(wrong, "999988887777"), { recursive: true });
      const misnamed = npmStart("--no-plan", "--snapshot", wrong);
      assert.equal(misnamed.status, 1);
      assert.match(misnamed.stderr, /999988887777: holds the exports of account 111122223333/);
      const csv = npmStart("--no-plan", "--snapshot", dir, "--csv", path.join(wrong, "x.csv"));
      assert.equal(csv.status, 2);
      assert.match(
        csv.stderr,
        /--csv take one account's snapshot; .* holds 2 \(111122223333, 444455556666\)/,
      );
      fs.rmSync(wrong, { recursive: true, force: true });
    });
  });

  describe("reports and CI gates", () => {
    const out = () => fs.mkdtempSync(path.join(os.tmpdir(), "report-"));
    const demoVerdicts = () => JSON.parse(npmStart("--no-plan", "--json").stdout) as any[];

    it("--csv writes one row per verdict, as the JSON output has them", () => {
      const file = path.join(out(), "verdicts.csv");
      const { status, stdout } = npmStart("--no-plan", "--csv", file);
      assert.equal(status, 0);
      const expected = demoVerdicts();
      assert.match(
        stdout,
        new RegExp(`Wrote ${expected.length} verdicts to ${file.replace(/[.]/g, "\\.")}`),
      );
      const [header, ...rows] = parseCsv(fs.readFileSync(file, "utf8"));
      assert.deepEqual(header?.slice(0, 5), [
        "rule",
        "resource_type",
        "resource_id",
        "resource_name",
        "compliance",
      ]);
      assert.deepEqual(
        rows.map((row) => [row[0], row[2], row[4], row[5], row[6]]),
        expected.map((v) => [
          v.rule,
          v.resourceId,
          v.compliance,
          v.annotation,
          v.remediation ?? "",
        ]),
      );
    });

    it("--fail-on NON_COMPLIANT exits with 3 on the demo's violations, after writing the reports", () => {
      const file = path.join(out(), "report.html");
      const { status, stdout } = npmStart(
        "--no-plan",
        "--fail-on",
        "NON_COMPLIANT",
        "--html",
        file,
      );
      assert.equal(status, 3);
      const failing = demoVerdicts().filter((v) => v.compliance === "NON_COMPLIANT").length;
      assert.ok(failing > 0);
      assert.match(stdout, new RegExp(`--fail-on NON_COMPLIANT: ${failing} verdicts match\\.`));
      assert.ok(fs.existsSync(file));
    });

    it("--fail-on exits with 0 when no verdict matches", () => {
      const { status } = npmStart("--no-plan", "--fail-on", "INSUFFICIENT_DATA");
      assert.equal(status, 0);
    });

    it("refuses a --fail-on that is not a verdict, and reports needing a snapshot, as usage errors", () => {
      const wrong = npmStart("--fail-on", "NON_COMPLIANT,FAILED");
      assert.equal(wrong.status, 2);
      assert.match(
        wrong.stderr,
        /--fail-on "NON_COMPLIANT,FAILED": "FAILED" is not a verdict; expected one or more of NON_COMPLIANT, COMPLIANT, NOT_APPLICABLE, INSUFFICIENT_DATA/,
      );
      const alone = npmStart("--no-snapshot", "--html", "report.html");
      assert.equal(alone.status, 2);
      assert.match(alone.stderr, /--html judges verdicts: it cannot go with --no-snapshot/);
    });

    it("names a baseline that is not an earlier --json output, and prints nothing else", () => {
      const file = path.join(out(), "previous.json");
      fs.writeFileSync(file, '{"Results": []}');
      const { status, stdout, stderr } = npmStart("--no-plan", "--baseline", file);
      assert.equal(status, 1);
      assert.equal(stdout, "");
      assert.match(
        stderr,
        /--baseline .*previous\.json: not a list; expected the JSON list an earlier `npm start --silent -- --json` printed/,
      );
    });
  });

  it("rejects unknown options with the usage", () => {
    const { status, stderr } = npmStart("--jsno");
    assert.equal(status, 2);
    assert.match(stderr, /unknown option --jsno/);
    assert.match(stderr, /Usage: npm start/);
  });
});
