/**
 * Bad input of every kind the program reads, one table per kind: stack files, account
 * snapshots, rule events, remediation events. Each row says what the input must get: refused
 * with a message naming what is wrong, NOT_APPLICABLE with the item's own type and id, no
 * verdict and a log line, or an error thrown so that Lambda retries (AWS's own errors only).
 * None may end in a TypeError, and none may yield a verdict for what was not read.
 */
import {
  ConfigServiceClient,
  Evaluation,
  PutEvaluationsCommand,
} from "@aws-sdk/client-config-service";
import {
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  EC2ServiceException,
  RevokeSecurityGroupIngressCommand,
} from "@aws-sdk/client-ec2";
import {
  AddUserToGroupCommand,
  GenerateCredentialReportCommand,
  GetCredentialReportCommand,
  IAMClient,
  ListAttachedGroupPoliciesCommand,
  ListUsersCommand,
  UpdateAccessKeyCommand,
} from "@aws-sdk/client-iam";
import { strict as assert } from "assert";
import { mockClient } from "aws-sdk-client-mock";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ConfigError, parseSettings, settingsFromConfig } from "../config";
import { ACCESS_KEY_ENVIRONMENT } from "../functions/remediation/access-keys/environment";
import { createHandler as remediateAccessKeys } from "../functions/remediation/access-keys/handler";
import { EXPOSED_PORTS_ENVIRONMENT } from "../functions/remediation/exposed-ports/environment";
import { createHandler as remediateExposedPorts } from "../functions/remediation/exposed-ports/handler";
import { MFA_ENVIRONMENT } from "../functions/remediation/mfa-policy/environment";
import { createHandler as remediateMfa } from "../functions/remediation/mfa-policy/handler";
import { createHandler as exposedPorts } from "../functions/rules/exposed-ports/handler";
import { EXPOSED_PORTS_PARAMETERS } from "../functions/rules/exposed-ports/parameters";
import { createHandler as inactiveUsers } from "../functions/rules/iam-inactive-users/handler";
import { INACTIVE_USERS_PARAMETERS } from "../functions/rules/iam-inactive-users/parameters";
import { createHandler as oneActiveKey } from "../functions/rules/iam-user-one-active-key/handler";
import { ONE_ACTIVE_KEY_PARAMETERS } from "../functions/rules/iam-user-one-active-key/parameters";
import { createHandler as mfaPolicy } from "../functions/rules/mfa-policy-attached/handler";
import { MFA_POLICY_PARAMETERS } from "../functions/rules/mfa-policy-attached/parameters";
import { RuleVerdict, evaluateSnapshot } from "../offline/evaluate";
import { DEMO_SNAPSHOT } from "../offline/main";
import { toPulumiConfig } from "../offline/mock-runtime";
import { isSnapshotError, readSnapshot } from "../offline/snapshot";
import { readStackFile } from "../offline/stack-file";
import { configEvent, fixture, fixtureText } from "./helpers/fixtures";
import { memoryLogger } from "./helpers/sdk";

const POLICY_ARN = "arn:aws:iam::123456789012:policy/DenyActionWithoutMFA";

/** What an input gets. */
type Outcome =
  | { refused: RegExp }
  | { accepted: (value: any) => void }
  | { notApplicable: string }
  | { noVerdict: RegExp }
  | { throws: string };

function noTypeError(error: unknown): void {
  assert.ok(!(error instanceof TypeError), `a TypeError: ${(error as Error).stack}`);
}

// ---------------------------------------------------------------------------------------------

describe("bad input: stack files (npm start --stack, decoded as the program decodes them)", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stacks-"));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** The stack's settings, read through the same path as `npm start -- --stack FILE`. */
  function load(yaml: string, name = "Pulumi.bad.yaml") {
    const file = path.join(dir, name);
    fs.writeFileSync(file, yaml);
    const stack = readStackFile(file);
    return settingsFromConfig(toPulumiConfig(stack.config), stack.project);
  }
  const config = (lines: string) => `config:\n${lines}`;

  const cases: Array<[string, string, Outcome, string?]> = [
    [
      "a number as `pulumi config set` stores it",
      config('  guardrails:maxInactiveDays: "45"'),
      { accepted: (s) => assert.equal(s.maxInactiveDays, 45) },
    ],
    [
      "a boolean as `pulumi config set` stores it",
      config('  guardrails:createRecorder: "false"'),
      { accepted: (s) => assert.equal(s.createRecorder, false) },
    ],
    [
      "a list as `pulumi config set --path` stores it",
      config("  guardrails:exemptUsers:\n    - ops,team"),
      { accepted: (s) => assert.deepEqual(s.exemptUsers, ["ops,team"]) },
    ],
    [
      "a key without the namespace",
      config("  maxInactiveDays: 30"),
      { accepted: (s) => assert.equal(s.maxInactiveDays, 30) },
    ],
    [
      "a mistyped namespace",
      config("  guardrail:maxInactiveDays: 45"),
      {
        refused:
          /guardrail:maxInactiveDays: the namespace guardrail is not this project's; did you mean guardrails:maxInactiveDays\?/,
      },
    ],
    [
      "an unknown aws:region",
      config("  aws:region: eu-wset-1"),
      { refused: /aws:region: "eu-wset-1" is not an AWS region; did you mean eu-west-1\?/ },
    ],
    [
      "an unknown key",
      config("  guardrails:maxInactivDays: 45"),
      {
        refused:
          /guardrails:maxInactivDays is not a setting of this program; did you mean guardrails:maxInactiveDays\?/,
      },
    ],
    [
      "a negative port",
      config('  guardrails:forbiddenPorts: ["-1"]'),
      { refused: /forbiddenPorts\[0\]: "-1" is invalid \(-1 is outside 0-65535\)/ },
    ],
    [
      "a port list with an empty item",
      config('  guardrails:authorizedTcpPorts: "443,"'),
      { refused: /authorizedTcpPorts: "443," is invalid \(an empty item\)/ },
    ],
    [
      "a port that is a name",
      config('  guardrails:forbiddenPorts: ["ssh"]'),
      { refused: /forbiddenPorts\[0\]: "ssh" is invalid \(not a whole number\)/ },
    ],
    [
      "a range the wrong way round",
      config('  guardrails:forbiddenPorts: ["10-5"]'),
      { refused: /forbiddenPorts\[0\]: "10-5" is invalid \(10 is greater than 5\)/ },
    ],
    [
      "a port past 65535",
      config('  guardrails:forbiddenPorts: ["70000"]'),
      { refused: /\(70000 is outside 0-65535\)/ },
    ],
    [
      "a fractional number of days",
      config("  guardrails:maxInactiveDays: 4.5"),
      { refused: /maxInactiveDays: 4\.5 is invalid; expected a whole number from 1 to 3650/ },
    ],
    [
      "zero days",
      config('  guardrails:maxAccessKeyAge: "0"'),
      { refused: /maxAccessKeyAge: 0 is invalid \(out of range\)/ },
    ],
    [
      "days as words",
      config("  guardrails:keyDeleteGraceDays: fourteen"),
      { refused: /keyDeleteGraceDays: "fourteen" is invalid; expected a whole number/ },
    ],
    [
      "the same e-mail twice",
      config('  guardrails:notificationEmails: ["a@example.com", "A@example.com"]'),
      { refused: /notificationEmails\[1\]: "A@example.com" is invalid \(the same as \[0\]\)/ },
    ],
    [
      "the same user twice, in another case",
      config('  guardrails:exemptUsers: ["Ops", "ops"]'),
      { refused: /exemptUsers\[1\]: "ops" is invalid \(the same as \[0\]\)/ },
    ],
    [
      "a user name IAM refuses",
      config('  guardrails:exemptUsers: ["ci deployer"]'),
      { refused: /exemptUsers\[0\]: "ci deployer" is invalid/ },
    ],
    [
      "exempt users as one text",
      config("  guardrails:exemptUsers: ci-deployer"),
      { refused: /exemptUsers: "ci-deployer" is invalid; expected a list/ },
    ],
    [
      "two bad tags",
      config('  guardrails:tags:\n    "aws:owner": x\n    ok: "bad|value"'),
      {
        refused:
          /tags\["aws:owner"\].*\n.*tags\["ok"\]: "bad\|value" is invalid \(not a tag value\)/,
      },
    ],
    [
      "a mode outside the vocabulary",
      config("  guardrails:mfaRemediation: enforec"),
      { refused: /mfaRemediation: "enforec" is invalid; expected one of off, report, enforce/ },
    ],
    [
      "an enforcement outside the vocabulary",
      config("  guardrails:mfaEnforcement: atach"),
      { refused: /mfaEnforcement: "atach" is invalid; expected one of group, attach/ },
    ],
    [
      "a retention CloudWatch does not offer",
      config("  guardrails:logRetentionDays: 10"),
      { refused: /logRetentionDays: 10 is invalid; expected one of 1, 3, 5/ },
    ],
    [
      "a rule that does not exist",
      config('  guardrails:disabledRules: ["no-such-rule"]'),
      { refused: /disabledRules\[0\]: "no-such-rule" is invalid; expected a rule name/ },
    ],
    [
      "a rule set that does not exist",
      config('  guardrails:ruleSets: ["guardrails", "cis"]'),
      {
        refused:
          /ruleSets\[1\]: "cis" is invalid; expected a rule set: one of guardrails, cis-foundations/,
      },
    ],
    [
      "no rule set at all",
      config("  guardrails:ruleSets: []"),
      {
        refused:
          /ruleSets: \[\] is invalid \(empty: no rule would be deployed.*\); expected a non-empty list/,
      },
    ],
    [
      "a password length IAM does not accept",
      config("  guardrails:passwordMinimumLength: 5"),
      { refused: /passwordMinimumLength: 5 is invalid/ },
    ],
    [
      "a character class that does not exist",
      config('  guardrails:passwordRequiredCharacters: ["digits"]'),
      {
        refused:
          /passwordRequiredCharacters\[0\]: "digits" is invalid; expected a character class: one of uppercase, lowercase, symbols, numbers/,
      },
    ],
    [
      "a deployment that does not exist",
      config("  guardrails:deployment: organisation"),
      { refused: /deployment: "organisation" is invalid; expected one of account, management/ },
    ],
    [
      "an organization key on a single-account stack",
      config("  guardrails:homeRegion: eu-west-1"),
      {
        refused:
          /guardrails:homeRegion is read only with guardrails:deployment management or audit; this stack deploys one account/,
      },
    ],
    [
      "a management stack missing what it needs",
      config("  guardrails:deployment: management\n  guardrails:homeRegion: eu-west-1"),
      {
        refused:
          /regions is required with guardrails:deployment management[\s\S]*auditAccountId is required[\s\S]*organizationTargets is required/,
      },
    ],
    [
      "a home region outside the covered regions",
      config(
        '  guardrails:deployment: management\n  guardrails:homeRegion: eu-west-1\n  guardrails:regions: ["us-east-1"]\n  guardrails:auditAccountId: "222233334444"\n  guardrails:organizationTargets: ["r-a1b2"]',
      ),
      { refused: /homeRegion: "eu-west-1" is not one of guardrails:regions \(us-east-1\)/ },
    ],
    [
      "an account id with a leading zero, unquoted: YAML reads a number and drops the zero",
      config(
        "  guardrails:deployment: management\n  guardrails:homeRegion: eu-west-1\n  guardrails:regions: [eu-west-1]\n  guardrails:auditAccountId: 012233334444\n  guardrails:organizationTargets: [r-a1b2]",
      ),
      {
        refused:
          /auditAccountId: "12233334444" is invalid; expected a 12-digit AWS account id, quoted/,
      },
    ],
    [
      "a region and an organization target that are not",
      config(
        '  guardrails:deployment: management\n  guardrails:homeRegion: eu-west-1\n  guardrails:regions: [eu-west-1, Europe]\n  guardrails:auditAccountId: "222233334444"\n  guardrails:organizationTargets: [o-abcdefghij]',
      ),
      {
        refused:
          /regions\[1\]: "Europe" is invalid; expected an AWS region code[\s\S]*organizationTargets\[0\]: "o-abcdefghij" is invalid; expected the organization's root \(r-\.\.\.\) or an organizational unit/,
      },
    ],
    [
      "an audit stack naming what only the management stack reads, and missing its regions",
      config(
        '  guardrails:deployment: audit\n  guardrails:homeRegion: eu-west-1\n  guardrails:auditAccountId: "222233334444"',
      ),
      {
        refused:
          /regions is required with guardrails:deployment audit[\s\S]*auditAccountId is read only with guardrails:deployment management \(the management account's stack\)/,
      },
    ],
    [
      "an organization asking for repairs it cannot make yet",
      config(
        "  guardrails:deployment: audit\n  guardrails:homeRegion: eu-west-1\n  guardrails:regions: [eu-west-1]\n  guardrails:accessKeyRemediation: delete\n  guardrails:publicSecurityGroupRemediation: automatic",
      ),
      {
        refused:
          /accessKeyRemediation: "delete" is not available with guardrails:deployment audit; accepted: report or deactivate[\s\S]*publicSecurityGroupRemediation: "automatic" is not available with guardrails:deployment audit/,
      },
    ],
    [
      "account overrides naming what is not an account, a setting no account may change, a bad mode",
      config(
        '  guardrails:deployment: audit\n  guardrails:homeRegion: eu-west-1\n  guardrails:regions: [eu-west-1]\n  guardrails:accountOverrides:\n    o-abcdefghij: {mfaRemediation: report}\n    "111122223333": {forbiddenPorts: ["80"], mfaRemediation: always, exemptUsers: ["bad name"]}',
      ),
      {
        refused:
          /accountOverrides\["o-abcdefghij"\]: "o-abcdefghij" is invalid \(not an account id or an organizational unit\)[\s\S]*\["111122223333"\]\.forbiddenPorts: \["80"\] is invalid \(not a setting an account may override\)[\s\S]*\["111122223333"\]\.mfaRemediation: "always" is invalid \(expected one of off, report, enforce\)[\s\S]*\["111122223333"\]\.exemptUsers\[0\]: "bad name" is invalid/,
      },
    ],
    [
      "an account override turning on a remediation the stack turns off, or deleting keys",
      config(
        '  guardrails:deployment: audit\n  guardrails:homeRegion: eu-west-1\n  guardrails:regions: [eu-west-1]\n  guardrails:exposedPortsRemediation: "off"\n  guardrails:accountOverrides:\n    ou-a1b2-c3d4e5f6: {exposedPortsRemediation: revoke, accessKeyRemediation: delete}',
      ),
      {
        refused:
          /accountOverrides\["ou-a1b2-c3d4e5f6"\]\.accessKeyRemediation: "delete" is not available[\s\S]*accountOverrides\["ou-a1b2-c3d4e5f6"\]\.exposedPortsRemediation: "revoke" would turn on a remediation guardrails:exposedPortsRemediation turns off/,
      },
    ],
    [
      "account overrides on a single-account stack",
      config('  guardrails:accountOverrides: {"111122223333": {mfaRemediation: report}}'),
      {
        refused:
          /guardrails:accountOverrides is read only with guardrails:deployment management or audit/,
      },
    ],
    [
      "real-time repair asked of an organization",
      config(
        "  guardrails:deployment: audit\n  guardrails:homeRegion: eu-west-1\n  guardrails:regions: [eu-west-1]\n  guardrails:realtimeRemediation: true",
      ),
      {
        refused:
          /realtimeRemediation: true is not available with guardrails:deployment audit yet; accepted: false/,
      },
    ],
    [
      "a management stack with everything it needs",
      config(
        '  guardrails:deployment: management\n  guardrails:homeRegion: eu-west-1\n  guardrails:regions: [eu-west-1, us-east-1]\n  guardrails:auditAccountId: "012233334444"\n  guardrails:organizationTargets: [ou-a1b2-c3d4e5f6]\n  guardrails:excludedAccounts: ["555566667777"]',
      ),
      {
        accepted: (s) => {
          assert.equal(s.deployment, "management");
          assert.equal(s.auditAccountId, "012233334444");
          assert.deepEqual(s.excludedAccounts, ["555566667777"]);
        },
      },
    ],
    [
      "a tag value without its key",
      config("  guardrails:restrictedSshTagValue: yes"),
      { refused: /restrictedSshTagValue needs guardrails:restrictedSshTagKey/ },
    ],
    [
      "exempt users past the parameters' 1024 characters",
      config(
        `  guardrails:exemptUsers: ${JSON.stringify(Array.from({ length: 60 }, (_, i) => `user-${String(i).padStart(14, "0")}`))}`,
      ),
      { refused: /the InputParameters of the rule iam-inactive-users would be [\d,]+ characters/ },
    ],
    ["config that is not a map", "config: [1, 2]", { refused: /"config" must be a map/ }],
    ["a file that is not YAML", "config: {a: [", { refused: /not valid YAML/ }],
    [
      "a file named unlike a stack",
      config("  guardrails:maxInactiveDays: 30"),
      { refused: /a stack file is named Pulumi\.<stack>\.yaml/ },
      "stack.yaml",
    ],
  ];
  for (const [what, yaml, outcome, name] of cases) {
    it(`${what}: ${"accepted" in outcome ? "accepted" : "refused"}`, () => {
      if ("accepted" in outcome) return outcome.accepted(load(yaml, name));
      assert.throws(
        () => load(yaml, name),
        (error: unknown) => {
          noTypeError(error);
          assert.match((error as Error).message, "refused" in outcome ? outcome.refused : /$^/);
          return true;
        },
      );
    });
  }

  it("every problem at once, not only the first", () => {
    assert.throws(
      () => load(config("  guardrails:maxInactiveDays: 0\n  guardrail:x: 1\n  aws:region: mars-1")),
      (error: unknown) => error instanceof ConfigError && error.problems.length === 3,
    );
  });
});

// ---------------------------------------------------------------------------------------------

describe("bad input: account snapshots (npm start --snapshot)", () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "snapshots-"));
  after(() => fs.rmSync(root, { recursive: true, force: true }));
  const settings = parseSettings({ exemptUsers: ["ci-deployer", "datadog-integration"] });

  interface Files {
    items: any;
    report: { Content: unknown; GeneratedTime: unknown };
    csv: string;
    details: any;
  }
  let count = 0;
  /** The demo account with one change: a folder of files as the CLI would have written them. */
  // The demo's items: a result appended to them is at this index.
  const demoItems = (
    JSON.parse(fs.readFileSync(path.join(DEMO_SNAPSHOT, "config-items.json"), "utf8")) as {
      Results: unknown[];
    }
  ).Results.length;

  function snapshot(change: (files: Files) => void, omit?: string): string {
    const dir = path.join(root, String(count++));
    fs.mkdirSync(dir);
    const read = (file: string) =>
      JSON.parse(fs.readFileSync(path.join(DEMO_SNAPSHOT, file), "utf8"));
    const report = read("credential-report.json");
    const files: Files = {
      items: read("config-items.json"),
      report,
      csv: Buffer.from(report.Content, "base64").toString("utf8"),
      details: read("authorization-details.json"),
    };
    change(files);
    if (typeof files.report.Content === "string") {
      files.report.Content = Buffer.from(files.csv).toString("base64");
    }
    const write = (file: string, value: unknown) =>
      file !== omit &&
      fs.writeFileSync(
        path.join(dir, file),
        typeof value === "string" ? value : JSON.stringify(value),
      );
    write("config-items.json", files.items);
    write("credential-report.json", files.report);
    write("authorization-details.json", files.details);
    return dir;
  }
  const items = (files: Files): any[] => files.items.Results;
  const item = (files: Files, id: string) => {
    const index = items(files).findIndex((text: string) => JSON.parse(text).resourceId === id);
    const parsed = JSON.parse(items(files)[index]);
    return { parsed, save: () => (items(files)[index] = JSON.stringify(parsed)) };
  };
  const editItem = (id: string, edit: (item: any) => void) => (files: Files) => {
    const found = item(files, id);
    edit(found.parsed);
    found.save();
  };
  const verdictsOf = (dir: string, rule: string): RuleVerdict[] =>
    evaluateSnapshot(readSnapshot(dir), settings).filter((verdict) => verdict.rule === rule);
  const withoutRow = (user: string) => (files: Files) => {
    files.csv = files.csv
      .split("\n")
      .filter((line) => !line.startsWith(`${user},`))
      .join("\n");
  };

  const SG = "sg-0b4571011e5a1d2c3";
  const cases: Array<[string, () => string, Outcome]> = [
    [
      "a folder that does not exist",
      () => path.join(root, "nowhere"),
      { refused: /nowhere: no such folder; expected a folder holding config-items\.json/ },
    ],
    [
      "no config-items.json",
      () => snapshot(() => undefined, "config-items.json"),
      {
        refused:
          /config-items\.json: cannot read it \(ENOENT\); expected the output of `aws configservice select-resource-config/,
      },
    ],
    [
      "no credential-report.json",
      () => snapshot(() => undefined, "credential-report.json"),
      { refused: /credential-report\.json: cannot read it \(ENOENT\)/ },
    ],
    [
      "no authorization-details.json",
      () => snapshot(() => undefined, "authorization-details.json"),
      { refused: /authorization-details\.json: cannot read it \(ENOENT\)/ },
    ],
    [
      "config items that are not JSON",
      () => snapshot((f) => (f.items = "{Results: [")),
      { refused: /config-items\.json: not valid JSON/ },
    ],
    [
      "a page without Results",
      () => snapshot((f) => (f.items = { NextToken: "x" })),
      { refused: /config-items\.json: no "Results" list/ },
    ],
    [
      "a result that is not JSON text",
      () => snapshot((f) => items(f).push("{resourceId")),
      { refused: new RegExp(`config-items\\.json: Results\\[${demoItems}\\]: not JSON text`) },
    ],
    [
      "an item without resourceId",
      () =>
        snapshot((f) => items(f).push(JSON.stringify({ resourceType: "AWS::EC2::SecurityGroup" }))),
      { refused: new RegExp(`Results\\[${demoItems}\\]: resourceId: undefined is not text`) },
    ],
    [
      "a tag without a key",
      () => snapshot(editItem(SG, (i) => (i.tags = [{ value: "platform" }]))),
      {
        refused: new RegExp(
          `Results\\[\\d\\] \\(${SG}\\): tags\\[0\\]\\.key: undefined is not text`,
        ),
      },
    ],
    [
      "a tag value that is not text, in the configuration's tags",
      () =>
        snapshot(
          editItem(SG, (i) => {
            delete i.tags;
            i.configuration.tags = [{ key: "team", value: 7 }];
          }),
        ),
      { refused: /\(sg-0b4571011e5a1d2c3\): configuration\.tags\[0\]\.value: 7 is not text/ },
    ],
    [
      "a port given as text",
      () => snapshot(editItem(SG, (i) => (i.configuration.ipPermissions[0].fromPort = "abc"))),
      {
        refused: new RegExp(
          `Results\\[\\d\\] \\(${SG}\\): configuration\\.ipPermissions\\[0\\]\\.fromPort: "abc" is not a port`,
        ),
      },
    ],
    [
      "permissions given as an object",
      () => snapshot(editItem(SG, (i) => (i.configuration.ipPermissions = { tcp: 22 }))),
      { refused: /configuration\.ipPermissions: \{"tcp":22\} is not a list/ },
    ],
    [
      "a CIDR that is not one",
      () =>
        snapshot(
          editItem(
            SG,
            (i) => (i.configuration.ipPermissions[0].ipv4Ranges = [{ cidrIp: "0.0.0.0/33" }]),
          ),
        ),
      { refused: /ipv4Ranges\[0\]\.cidrIp: "0\.0\.0\.0\/33" is not an IPv4 CIDR/ },
    ],
    [
      "an instance's groups given as text",
      () =>
        snapshot(editItem("i-0b4571011e5a1d2c3", (i) => (i.configuration.securityGroups = "sg-1"))),
      { refused: /configuration\.securityGroups: "sg-1" is not a list/ },
    ],
    [
      "two problems in two files: both reported",
      () =>
        snapshot((f) => {
          editItem(SG, (i) => (i.configuration.ipPermissions = 1))(f);
          f.report.GeneratedTime = "yesterday";
        }),
      { refused: /2 problems[\s\S]*ipPermissions[\s\S]*GeneratedTime: "yesterday" is not a date/ },
    ],
    [
      "two bad items on one page, the first at its start: both reported",
      () =>
        snapshot((f) => {
          items(f)[0] = "1";
          items(f).push("{resourceId");
        }),
      {
        refused: new RegExp(
          `2 problems[\\s\\S]*Results\\[0\\]: item: 1 is not an object[\\s\\S]*Results\\[${demoItems}\\]: not JSON text`,
        ),
      },
    ],
    [
      "configuration given as JSON text: read as the object",
      () => snapshot(editItem(SG, (i) => (i.configuration = JSON.stringify(i.configuration)))),
      {
        accepted: (dir: string) =>
          assert.deepEqual(
            verdictsOf(dir, "exposed-ports").find((v) => v.resourceId === SG)?.compliance,
            "NON_COMPLIANT",
          ),
      },
    ],
    [
      "the same page saved twice: counted once",
      () => snapshot((f) => (f.items = [f.items, f.items])),
      {
        accepted: (dir: string) => {
          assert.equal(verdictsOf(dir, "restricted-ssh").length, 7);
          assert.match(
            readSnapshot(dir).notes.join("\n"),
            new RegExp(`${demoItems} item\\(s\\) listed more than once, counted once`),
          );
        },
      },
    ],
    [
      "a report without Content",
      () => snapshot((f) => (f.report.Content = undefined)),
      { refused: /credential-report\.json: no "Content"/ },
    ],
    [
      "a report without the columns the rules read",
      () => snapshot((f) => (f.csv = "user,arn\nalice,arn:aws:iam::1:user/alice")),
      {
        refused:
          /credential-report\.json: Content: credential report: no columns user_creation_time/,
      },
    ],
    [
      "a report row with fields missing",
      () =>
        snapshot(
          (f) =>
            (f.csv = `${f.csv.trimEnd()}\nzed,arn:aws:iam::111122223333:user/zed,2024-01-01T00:00:00+00:00`),
        ),
      { refused: /credential report row \d+: 22 fields expected/ },
    ],
    [
      "a report row whose ARN is another user's",
      () =>
        snapshot(
          (f) =>
            (f.csv = f.csv.replace(
              "arn:aws:iam::111122223333:user/bob",
              "arn:aws:iam::111122223333:user/eve",
            )),
        ),
      { refused: /the ARN arn:aws:iam::111122223333:user\/eve is not the user bob's/ },
    ],
    [
      "a quoted user name holding a comma (RFC 4180): read as one name",
      () =>
        snapshot((f) => {
          f.csv = f.csv.replace(
            /^bob,arn:aws:iam::111122223333:user\/bob,/m,
            '"bob","arn:aws:iam::111122223333:user/bob",',
          );
        }),
      {
        accepted: (dir: string) =>
          assert.equal(
            verdictsOf(dir, "iam-inactive-users").filter((v) => /^bob /.test(v.annotation)).length,
            1,
          ),
      },
    ],
    [
      "bob's report row deleted: bob gets no verdict, not COMPLIANT",
      () => snapshot(withoutRow("bob")),
      {
        accepted: (dir: string) => {
          for (const rule of ["iam-inactive-users", "access-keys-rotated"])
            assert.ok(
              !verdictsOf(dir, rule).some((v) => v.resourceId === "AIDAK8P2WD6YHN4TQZ7MX"),
              rule,
            );
        },
      },
    ],
    [
      "a report from another account: nobody judged from it",
      () => snapshot((f) => (f.csv = f.csv.replace(/111122223333/g, "999999999999"))),
      {
        accepted: (dir: string) =>
          assert.deepEqual(
            verdictsOf(dir, "iam-inactive-users")
              .map((v) => v.annotation)
              .filter((a) => !/exempt/.test(a)),
            [],
          ),
      },
    ],
    [
      "no UserDetailList",
      () => snapshot((f) => (f.details = { GroupDetailList: [] })),
      { refused: /authorization-details\.json: no "UserDetailList"/ },
    ],
    [
      "a user without UserId",
      () => snapshot((f) => delete f.details.UserDetailList[0].UserId),
      { refused: /UserDetailList\[0\]: UserId: undefined is not text/ },
    ],
    [
      "a user's groups given as text",
      () => snapshot((f) => (f.details.UserDetailList[1].GroupList = "developers")),
      { refused: /UserDetailList\[1\]: GroupList: "developers" is not a list/ },
    ],
  ];
  for (const [what, make, outcome] of cases) {
    it(`${what}: ${"accepted" in outcome ? "read" : "refused"}`, () => {
      const dir = make();
      if ("accepted" in outcome) return outcome.accepted(dir);
      assert.throws(
        () => readSnapshot(dir),
        (error: unknown) => {
          noTypeError(error);
          assert.ok(isSnapshotError(error), String(error));
          assert.match(error.message, "refused" in outcome ? outcome.refused : /$^/);
          return true;
        },
      );
    });
  }
});

// ---------------------------------------------------------------------------------------------

describe("bad input: rule events (the custom rules' handlers)", () => {
  // Installed for this suite only: mockClient replaces every client of the class while active.
  const aws = {} as { config: any; ec2: any; iam: any };
  before(() => {
    aws.config = mockClient(ConfigServiceClient);
    aws.ec2 = mockClient(EC2Client);
    aws.iam = mockClient(IAMClient);
  });
  after(() => Object.values(aws).forEach((stub) => stub.restore()));
  beforeEach(() => {
    Object.values(aws).forEach((stub) => stub.reset());
    aws.config.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [] });
    aws.ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [] });
    aws.iam.on(ListAttachedGroupPoliciesCommand).resolves({ AttachedPolicies: [] });
    aws.iam.on(ListUsersCommand).resolves({ Users: [] });
    aws.iam.on(GenerateCredentialReportCommand).resolves({ State: "COMPLETE" });
    aws.iam.on(GetCredentialReportCommand).resolves({
      Content: Buffer.from(fixtureText("snapshot-shapes/credential-report.csv")),
      GeneratedTime: new Date("2025-06-10T00:00:00Z"),
    });
  });

  const parameters = {
    "exposed-ports": JSON.stringify(
      EXPOSED_PORTS_PARAMETERS.encode({ forbiddenPorts: [{ from: 22, to: 22 }] }),
    ),
    "iam-inactive-users": JSON.stringify(
      INACTIVE_USERS_PARAMETERS.encode({ maxInactiveDays: 90, exemptUsers: [], refreshDays: 7 }),
    ),
    "mfa-policy-attached": JSON.stringify(
      MFA_POLICY_PARAMETERS.encode({ policyArn: POLICY_ARN, exemptUsers: [], refreshDays: 7 }),
    ),
    "iam-user-one-active-key": JSON.stringify(
      ONE_ACTIVE_KEY_PARAMETERS.encode({ exemptUsers: [], refreshDays: 7 }),
    ),
  };
  type Rule = keyof typeof parameters;
  const handlers = {
    "exposed-ports": exposedPorts,
    "iam-inactive-users": inactiveUsers,
    "mfa-policy-attached": mfaPolicy,
    "iam-user-one-active-key": oneActiveKey,
  };
  const FIXTURE: Record<Rule, string> = {
    "exposed-ports": "sg-change",
    "iam-inactive-users": "iam-user-change",
    "mfa-policy-attached": "iam-user-change",
    "iam-user-one-active-key": "iam-user-change",
  };
  /** The rule's own fixture with its planned parameters, the item edited. */
  const edited = (
    rule: Rule,
    edit: (item: any, invoking: any) => void,
    fixtureName = FIXTURE[rule],
  ) =>
    configEvent(fixtureName, {
      ruleParameters: parameters[rule],
      invoking: (invoking) => edit(invoking.configurationItem, invoking),
    });
  const raw = (rule: Rule, change: (event: any) => void) => {
    const event: any = configEvent(FIXTURE[rule], { ruleParameters: parameters[rule] });
    change(event);
    return event;
  };
  const SG = "sg-0123456789abcdef0";
  const ALICE = "AIDA2G65BPRJX3MQADPTP";

  const cases: Array<[Rule, string, () => unknown, Outcome]> = [];
  for (const rule of Object.keys(handlers) as Rule[]) {
    const type = rule === "exposed-ports" ? "AWS::EC2::SecurityGroup" : "AWS::IAM::User";
    const id = rule === "exposed-ports" ? SG : ALICE;
    cases.push(
      [rule, "null", () => null, { noVerdict: /The event is not an object: null/ }],
      [rule, "an array", () => [], { noVerdict: /The event is not an object/ }],
      [
        rule,
        "no resultToken",
        () => raw(rule, (e) => delete e.resultToken),
        { noVerdict: /no resultToken/ },
      ],
      [
        rule,
        "invokingEvent as an object",
        () => raw(rule, (e) => (e.invokingEvent = JSON.parse(e.invokingEvent))),
        { noVerdict: /invokingEvent is not JSON text but object/ },
      ],
      [
        rule,
        "invokingEvent that is not JSON",
        () => raw(rule, (e) => (e.invokingEvent = "{")),
        { noVerdict: /invokingEvent is not valid JSON/ },
      ],
      [
        rule,
        "ruleParameters as an object",
        () => raw(rule, (e) => (e.ruleParameters = JSON.parse(e.ruleParameters))),
        { noVerdict: /ruleParameters is not JSON text but object/ },
      ],
      [
        rule,
        "an unknown messageType",
        () =>
          edited(
            rule,
            (_item, invoking) => (invoking.messageType = "ConfigurationSnapshotDeliveryCompleted"),
          ),
        { noVerdict: /Unknown messageType/ },
      ],
      [
        rule,
        "an item without resourceId",
        () => edited(rule, (item) => delete item.resourceId),
        { noVerdict: /A change notification without a configurationItem/ },
      ],
      [
        rule,
        "an item with a numeric resourceId",
        () => edited(rule, (item) => (item.resourceId = 5)),
        { noVerdict: /A change notification without a configurationItem/ },
      ],
      [
        rule,
        "an item without status",
        () => edited(rule, (item) => delete item.configurationItemStatus),
        { noVerdict: /has no configurationItemStatus/ },
      ],
      [
        rule,
        "an unknown status",
        () => edited(rule, (item) => (item.configurationItemStatus = "Pending")),
        { noVerdict: /Unknown configurationItemStatus "Pending"/ },
      ],
      [
        rule,
        "a capture time that is not a date",
        () => edited(rule, (item) => (item.configurationItemCaptureTime = "soon")),
        { noVerdict: /configurationItemCaptureTime that is not a date/ },
      ],
      [
        rule,
        "ResourceNotRecorded without configuration",
        () =>
          edited(rule, (item) => {
            item.configurationItemStatus = "ResourceNotRecorded";
            item.configuration = null;
          }),
        { notApplicable: `${type} ${id}` },
      ],
      [
        rule,
        "ResourceDeletedNotRecorded",
        () =>
          edited(rule, (item) => {
            item.configurationItemStatus = "ResourceDeletedNotRecorded";
            item.configuration = null;
          }),
        { notApplicable: `${type} ${id}` },
      ],
      [
        rule,
        "status OK but no configuration",
        () => edited(rule, (item) => (item.configuration = null)),
        { notApplicable: `${type} ${id}` },
      ],
      [
        rule,
        "configuration given as a list",
        () => edited(rule, (item) => (item.configuration = [])),
        { noVerdict: /configuration: \[\] is not an object/ },
      ],
    );
  }
  cases.push(
    [
      "exposed-ports",
      "a port given as text",
      () =>
        edited("exposed-ports", (item) => (item.configuration.ipPermissions[0].fromPort = "abc")),
      { noVerdict: /ipPermissions\[0\]\.fromPort: "abc" is not a port/ },
    ],
    [
      "exposed-ports",
      "permissions given as an object",
      () => edited("exposed-ports", (item) => (item.configuration.ipPermissions = {})),
      { noVerdict: /configuration\.ipPermissions: \{\} is not a list/ },
    ],
    [
      "exposed-ports",
      "a protocol missing",
      () =>
        edited("exposed-ports", (item) => delete item.configuration.ipPermissions[0].ipProtocol),
      { noVerdict: /ipPermissions\[0\]\.ipProtocol: undefined is not text/ },
    ],
    [
      "exposed-ports",
      "a CIDR that is not one",
      () =>
        edited(
          "exposed-ports",
          (item) => (item.configuration.ipPermissions[0].ipv4Ranges = [{ cidrIp: "everyone" }]),
        ),
      { noVerdict: /cidrIp: "everyone" is not an IPv4 CIDR/ },
    ],
    [
      "exposed-ports",
      "an instance whose groups are text",
      () =>
        edited(
          "exposed-ports",
          (item) => (item.configuration.securityGroups = "sg-1"),
          "instance-change",
        ),
      { noVerdict: /configuration\.securityGroups: "sg-1" is not a list/ },
    ],
    [
      "exposed-ports",
      "an instance whose group has no id",
      () =>
        edited(
          "exposed-ports",
          (item) => (item.configuration.securityGroups = [{}]),
          "instance-change",
        ),
      { noVerdict: /securityGroups\[0\]\.groupId: undefined is not text/ },
    ],
    [
      "mfa-policy-attached",
      "a user without userName",
      () => edited("mfa-policy-attached", (item) => delete item.configuration.userName),
      { noVerdict: /configuration\.userName: undefined is not text/ },
    ],
    [
      "mfa-policy-attached",
      "groups given as text",
      () => edited("mfa-policy-attached", (item) => (item.configuration.groupList = "developers")),
      { noVerdict: /configuration\.groupList: "developers" is not a list/ },
    ],
    [
      "mfa-policy-attached",
      "a policy without its ARN",
      () =>
        edited(
          "mfa-policy-attached",
          (item) => (item.configuration.attachedManagedPolicies = [{ policyName: "x" }]),
        ),
      { noVerdict: /attachedManagedPolicies\[0\]\.policyArn: undefined is not text/ },
    ],
    [
      "iam-inactive-users",
      "a creation date that is not a date",
      () => edited("iam-inactive-users", (item) => (item.configuration.createDate = "long ago")),
      { noVerdict: /configuration\.createDate: "long ago" is not a date/ },
    ],
    [
      "exposed-ports",
      "EC2 throttling an instance's groups: thrown for Lambda to retry",
      () => {
        aws.ec2.on(DescribeSecurityGroupsCommand).rejects(
          new EC2ServiceException({
            name: "RequestLimitExceeded",
            $fault: "client",
            $metadata: {},
            message: "slow down",
          }),
        );
        return configEvent("instance-change", { ruleParameters: parameters["exposed-ports"] });
      },
      { throws: "RequestLimitExceeded" },
    ],
    [
      "iam-inactive-users",
      "IAM denying the credential report: thrown for Lambda to retry",
      () => {
        aws.iam
          .on(GenerateCredentialReportCommand)
          .rejects(Object.assign(new Error("denied"), { name: "AccessDenied" }));
        return configEvent("scheduled", { ruleParameters: parameters["iam-inactive-users"] });
      },
      { throws: "AccessDenied" },
    ],
    [
      "iam-user-one-active-key",
      "a credential report row cut short: named, nobody judged",
      () => {
        aws.iam.on(GetCredentialReportCommand).resolves({
          Content: Buffer.from(
            fixtureText("snapshot-shapes/credential-report.csv").replace(/,false,N\/A\n?$/, ""),
          ),
          GeneratedTime: new Date("2025-06-10T00:00:00Z"),
        });
        return configEvent("scheduled", { ruleParameters: parameters["iam-user-one-active-key"] });
      },
      { noVerdict: /credential report row 6: 22 fields expected/ },
    ],
  );

  for (const [rule, what, event, outcome] of cases) {
    it(`${rule}: ${what}`, async () => {
      const logger = memoryLogger();
      const handler = handlers[rule]({
        config: new ConfigServiceClient({}),
        ec2: new EC2Client({}),
        iam: new IAMClient({}),
        log: logger.log,
        now: () => new Date("2025-06-10T12:00:00Z"),
        sleep: () => Promise.resolve(),
      });
      const evaluations = (): Evaluation[] =>
        aws.config
          .commandCalls(PutEvaluationsCommand)
          .flatMap((call: any) => call.args[0].input.Evaluations ?? []);
      if ("throws" in outcome) {
        await assert.rejects(
          handler(event() as never),
          (error: Error) => error.name === outcome.throws,
        );
        return;
      }
      let summary: any;
      try {
        summary = await handler(event() as never, { getRemainingTimeInMillis: () => 240_000 });
      } catch (error) {
        noTypeError(error);
        throw error;
      }
      if ("notApplicable" in outcome) {
        assert.deepEqual(
          evaluations().map(
            (e) => `${e.ComplianceResourceType} ${e.ComplianceResourceId} ${e.ComplianceType}`,
          ),
          [`${outcome.notApplicable} NOT_APPLICABLE`],
        );
        return;
      }
      assert.deepEqual(evaluations(), [], "no verdict for what was not read");
      assert.ok(summary.skipped, "the summary says why");
      const line = logger.lines.find((entry) => entry.level === "ERROR");
      assert.match(String(line?.fields?.error), "noVerdict" in outcome ? outcome.noVerdict : /$^/);
      assert.equal(
        logger.lines.filter((entry) => entry.level === "ERROR").length,
        1,
        "logged once",
      );
    });
  }
});

// ---------------------------------------------------------------------------------------------

describe("bad input: remediation events and environments", () => {
  const aws = {} as { ec2: any; iam: any };
  before(() => {
    aws.ec2 = mockClient(EC2Client);
    aws.iam = mockClient(IAMClient);
  });
  after(() => Object.values(aws).forEach((stub) => stub.restore()));
  beforeEach(() => Object.values(aws).forEach((stub) => stub.reset()));

  const environments = {
    "remediate-exposed-ports": EXPOSED_PORTS_ENVIRONMENT.encode({
      mode: "revoke",
      forbiddenPorts: [{ from: 22, to: 22 }],
    }),
    "remediate-mfa-policy": MFA_ENVIRONMENT.encode({
      mode: "enforce",
      enforcement: "group",
      policyArn: POLICY_ARN,
      groupName: "mfa-required",
      exemptUsers: [],
    }),
    "remediate-access-keys": ACCESS_KEY_ENVIRONMENT.encode({
      mode: "deactivate",
      maxAccessKeyAge: 90,
      keyDeleteGraceDays: 14,
      exemptUsers: [],
    }),
  };
  type Name = keyof typeof environments;
  const factories = {
    "remediate-exposed-ports": remediateExposedPorts,
    "remediate-mfa-policy": remediateMfa,
    "remediate-access-keys": remediateAccessKeys,
  };
  const RULE: Record<Name, [string, string, string]> = {
    "remediate-exposed-ports": ["exposed-ports", "AWS::EC2::SecurityGroup", "sg-0123456789abcdef0"],
    "remediate-mfa-policy": ["mfa-policy-attached", "AWS::IAM::User", "AIDA2G65BPRJX3MQADPTP"],
    "remediate-access-keys": ["access-keys-rotated", "AWS::IAM::User", "AIDA2G65BPRJX3MQADPTP"],
  };
  const change = (name: Name, edit: (event: any) => void = () => undefined) => {
    const event = fixture("config-events/compliance-change-notification.json");
    [event.detail.configRuleName, event.detail.resourceType, event.detail.resourceId] = RULE[name];
    edit(event);
    return event;
  };

  const cases: Array<[Name, string, () => unknown, Record<string, string> | undefined, Outcome]> =
    [];
  for (const name of Object.keys(factories) as Name[]) {
    cases.push(
      [
        name,
        "null",
        () => null,
        undefined,
        { noVerdict: /not a Config Rules Compliance Change event/ },
      ],
      [
        name,
        "an empty object",
        () => ({}),
        undefined,
        { noVerdict: /not a Config Rules Compliance Change event/ },
      ],
      [
        name,
        "another detail-type",
        () => change(name, (e) => (e["detail-type"] = "EC2 Instance State-change Notification")),
        undefined,
        { noVerdict: /not a Config Rules Compliance Change event/ },
      ],
      [
        name,
        "no detail",
        () => change(name, (e) => delete e.detail),
        undefined,
        { noVerdict: /not a Config Rules Compliance Change event/ },
      ],
      [
        name,
        "no resourceId",
        () => change(name, (e) => delete e.detail.resourceId),
        undefined,
        { noVerdict: /not a Config Rules Compliance Change event/ },
      ],
      [
        name,
        "another rule",
        () => change(name, (e) => (e.detail.configRuleName = "someone-elses")),
        undefined,
        { noVerdict: /for rule someone-elses/ },
      ],
      [
        name,
        "a type it does not repair",
        () => change(name, (e) => (e.detail.resourceType = "AWS::S3::Bucket")),
        undefined,
        { noVerdict: /AWS::S3::Bucket is not remediated/ },
      ],
      [
        name,
        "a COMPLIANT result",
        () => change(name, (e) => (e.detail.newEvaluationResult.complianceType = "COMPLIANT")),
        undefined,
        { noVerdict: /the resource is COMPLIANT/ },
      ],
      [
        name,
        "a MODE outside the vocabulary",
        () => change(name),
        { ...environments[name], MODE: "enforec" },
        { noVerdict: /environment\.MODE: "enforec" is invalid/ },
      ],
      [
        name,
        "its environment missing",
        () => change(name),
        {},
        { noVerdict: /environment\.MODE: missing/ },
      ],
    );
  }
  cases.push(
    [
      "remediate-mfa-policy",
      "ENFORCEMENT outside the vocabulary",
      () => change("remediate-mfa-policy"),
      { ...environments["remediate-mfa-policy"], ENFORCEMENT: "atach" },
      { noVerdict: /environment\.ENFORCEMENT: "atach" is invalid; expected one of group, attach/ },
    ],
    [
      "remediate-mfa-policy",
      "exempt users joined by commas",
      () => change("remediate-mfa-policy"),
      { ...environments["remediate-mfa-policy"], EXEMPT_USERS: "ops,team" },
      { noVerdict: /environment\.EXEMPT_USERS: "ops,team" is invalid \(not JSON\)/ },
    ],
    [
      "remediate-access-keys",
      "an age that is not a number",
      () => change("remediate-access-keys"),
      { ...environments["remediate-access-keys"], MAX_ACCESS_KEY_AGE: "ninety" },
      { noVerdict: /environment\.MAX_ACCESS_KEY_AGE: "ninety" is invalid/ },
    ],
    [
      "remediate-exposed-ports",
      "ports that are names",
      () => change("remediate-exposed-ports"),
      { ...environments["remediate-exposed-ports"], FORBIDDEN_PORTS: "ssh" },
      { noVerdict: /environment\.FORBIDDEN_PORTS\[0\]: "ssh" is invalid \(not a whole number\)/ },
    ],
    [
      "remediate-access-keys",
      "a scheduled event in a mode without a sweep",
      () => ({ "detail-type": "Scheduled Event", source: "aws.events" }),
      undefined,
      { noVerdict: /not a Config Rules Compliance Change event/ },
    ],
    [
      "remediate-exposed-ports",
      "EC2 throttling the rule listing: thrown for EventBridge to retry",
      () => {
        aws.ec2.on(DescribeSecurityGroupRulesCommand).rejects(
          new EC2ServiceException({
            name: "RequestLimitExceeded",
            $fault: "client",
            $metadata: {},
            message: "slow down",
          }),
        );
        return change("remediate-exposed-ports");
      },
      undefined,
      { throws: "RequestLimitExceeded" },
    ],
    [
      "remediate-mfa-policy",
      "IAM throttling the user listing: thrown for EventBridge to retry",
      () => {
        aws.iam
          .on(ListUsersCommand)
          .rejects(Object.assign(new Error("slow down"), { name: "Throttling" }));
        return change("remediate-mfa-policy");
      },
      undefined,
      { throws: "Throttling" },
    ],
  );

  for (const [name, what, event, env, outcome] of cases) {
    it(`${name}: ${what}`, async () => {
      const logger = memoryLogger();
      const handler = factories[name]({
        ec2: new EC2Client({}),
        iam: new IAMClient({}),
        env: env ?? environments[name],
        log: logger.log,
      });
      const input = event();
      if ("throws" in outcome) {
        await assert.rejects(
          handler(input as never),
          (error: Error) => error.name === outcome.throws,
        );
        return;
      }
      let summary: any;
      try {
        summary = await handler(input as never);
      } catch (error) {
        noTypeError(error);
        throw error;
      }
      assert.deepEqual(summary.actions, [], "nothing done");
      assert.match(summary.skipped ?? "", "noVerdict" in outcome ? outcome.noVerdict : /$^/);
      const writes = [
        RevokeSecurityGroupIngressCommand,
        AddUserToGroupCommand,
        UpdateAccessKeyCommand,
      ].flatMap((command) => [
        ...aws.ec2.commandCalls(command as never),
        ...aws.iam.commandCalls(command as never),
      ]);
      assert.equal(writes.length, 0, "no AWS write");
      assert.equal(aws.ec2.calls().length + aws.iam.calls().length, 0, "not even a read");
      assert.ok(
        logger.lines.some((line) => line.level === "WARN" || line.level === "ERROR"),
        "a log line says why",
      );
    });
  }
});
