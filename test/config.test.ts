import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import {
  CONFIG_SCHEMA,
  ConfigError,
  ConfigKeySpec,
  Settings,
  decodeConfigValue,
  parseSettings,
  settingsFromConfig,
} from "../config";
import { runProgram, toPulumiConfig } from "../offline/mock-runtime";
import { readStackFile } from "../offline/stack-file";
import { PULUMI_YAML, README, pulumiYamlText, readmeText } from "../scripts/sync-pulumi-yaml";

function problemsOf(raw: Record<string, unknown>): string[] {
  try {
    parseSettings(raw);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return [...error.problems];
  }
  assert.fail(`accepted ${JSON.stringify(raw)}`);
}

describe("stack settings", () => {
  it("defaults produce a valid settings object", () => {
    const settings: Settings = parseSettings({});
    assert.deepEqual(settings.forbiddenPorts, [
      { from: 22, to: 22 },
      { from: 3389, to: 3389 },
    ]);
    assert.deepEqual(settings.authorizedTcpPorts, [{ from: 443, to: 443 }]);
    assert.equal(settings.authorizedUdpPorts, undefined);
    assert.equal(settings.maxInactiveDays, 90);
    assert.equal(settings.maxAccessKeyAge, 90);
    assert.equal(settings.keyDeleteGraceDays, 14);
    assert.equal(settings.mfaPolicyName, "DenyActionWithoutMFA");
    assert.equal(settings.mfaEnforcement, "group");
    assert.deepEqual(settings.exemptUsers, []);
    // Destructive remediations report by default; expired keys are only deactivated.
    assert.equal(settings.accessKeyRemediation, "deactivate");
    assert.equal(settings.mfaRemediation, "report");
    assert.equal(settings.exposedPortsRemediation, "report");
    assert.equal(settings.defaultSecurityGroupRemediation, "report");
    assert.equal(settings.publicSecurityGroupRemediation, "report");
    assert.equal(settings.remediationAttempts, 3);
    assert.equal(settings.remediationRetrySeconds, 60);
    assert.equal(settings.createRecorder, true);
    assert.equal(settings.recorderName, "default");
    assert.equal(settings.recordGlobalResources, true);
    assert.equal(settings.logRetentionDays, 90);
    assert.deepEqual(settings.tags, {});
  });

  it("reads ranges, whitelists and modes as given", () => {
    const settings = parseSettings({
      forbiddenPorts: [22, " 1-1024 ", "9200-9300"],
      authorizedTcpPorts: "443, 1020-1025",
      exemptUsers: ["ci-deployer", "monitor+ro@example"],
      accessKeyRemediation: "delete",
      disabledRules: ["restricted-ssh"],
      tags: { CostCenter: 4210 },
    });
    assert.deepEqual(settings.forbiddenPorts, [
      { from: 22, to: 22 },
      { from: 1, to: 1024 },
      { from: 9200, to: 9300 },
    ]);
    assert.deepEqual(settings.authorizedTcpPorts, [
      { from: 443, to: 443 },
      { from: 1020, to: 1025 },
    ]);
    assert.deepEqual(settings.exemptUsers, ["ci-deployer", "monitor+ro@example"]);
    assert.equal(settings.accessKeyRemediation, "delete");
    assert.deepEqual(settings.disabledRules, ["restricted-ssh"]);
    assert.deepEqual(settings.tags, { CostCenter: "4210" });
  });

  const badValues: Array<[string, unknown, RegExp]> = [
    [
      "forbiddenPorts",
      ["70000"],
      /forbiddenPorts\[0\]: "70000" .*outside 0-65535.*expected a port 0-65535 or a range "from-to"/,
    ],
    ["forbiddenPorts", ["10-5"], /forbiddenPorts\[0\]: "10-5" .*10 is greater than 5/],
    ["forbiddenPorts", ["ssh"], /forbiddenPorts\[0\]: "ssh" is invalid/],
    ["forbiddenPorts", [22.5], /forbiddenPorts\[0\]: 22\.5 is invalid/],
    ["forbiddenPorts", [], /forbiddenPorts: \[\] is invalid.*disabledRules/],
    ["forbiddenPorts", "22", /forbiddenPorts: "22" is invalid; expected a list/],
    ["authorizedTcpPorts", "0", /authorizedTcpPorts: "0" .*port 0 is not accepted/],
    ["authorizedUdpPorts", "dns", /authorizedUdpPorts: "dns" is invalid.*"443,1020-1025"/],
    ["maxInactiveDays", -3, /maxInactiveDays: -3 is invalid.*whole number from 1 to 3650/],
    ["maxInactiveDays", 1.5, /maxInactiveDays: 1\.5 is invalid/],
    ["maxInactiveDays", 0, /maxInactiveDays: 0 is invalid/],
    ["maxInactiveDays", "ninety", /maxInactiveDays: "ninety" is invalid/],
    ["maxAccessKeyAge", 0, /maxAccessKeyAge: 0 is invalid/],
    ["keyDeleteGraceDays", 0, /keyDeleteGraceDays: 0 is invalid/],
    ["mfaPolicyName", "Deny MFA", /mfaPolicyName: "Deny MFA" is invalid.*IAM policy name/],
    ["mfaGroupName", "", /mfaGroupName: "" is invalid.*IAM group name/],
    ["mfaEnforcement", "both", /mfaEnforcement: "both" is invalid; expected one of group, attach/],
    [
      "exemptUsers",
      ["ci-deployer", "bad user"],
      /exemptUsers\[1\]: "bad user" is invalid.*IAM user name/,
    ],
    ["exemptUsers", ["x".repeat(65)], /exemptUsers\[0\]: "x{65}" is invalid/],
    ["exemptUsers", "ci-deployer", /exemptUsers: "ci-deployer" is invalid; expected a list/],
    [
      "notificationEmails",
      ["security-team"],
      /notificationEmails\[0\]: "security-team" is invalid.*e-mail/,
    ],
    [
      "accessKeyRemediation",
      "nuke",
      /accessKeyRemediation: "nuke" .*one of off, report, deactivate, delete/,
    ],
    ["mfaRemediation", "attach", /mfaRemediation: "attach" .*one of off, report, enforce/],
    [
      "exposedPortsRemediation",
      "close",
      /exposedPortsRemediation: "close" .*one of off, report, revoke/,
    ],
    [
      "defaultSecurityGroupRemediation",
      "on",
      /defaultSecurityGroupRemediation: "on" .*off, report, automatic/,
    ],
    ["publicSecurityGroupRemediation", true, /publicSecurityGroupRemediation: true is invalid/],
    ["remediationAttempts", 26, /remediationAttempts: 26 is invalid.*1 to 25/],
    ["remediationRetrySeconds", 0, /remediationRetrySeconds: 0 is invalid/],
    ["createRecorder", "yes", /createRecorder: "yes" is invalid; expected true or false/],
    ["recorderName", "my recorder", /recorderName: "my recorder" is invalid/],
    ["logRetentionDays", 10, /logRetentionDays: 10 is invalid; expected one of 1, 3, 5/],
    ["disabledRules", ["ssh-rule"], /disabledRules\[0\]: "ssh-rule" is invalid.*restricted-ssh/],
    ["tags", { "aws:owner": "x" }, /tags\["aws:owner"\]: "aws:owner" is invalid \(not a tag key\)/],
    ["tags", ["Owner=x"], /tags: \["Owner=x"\] is invalid; expected a map/],
    ["restrictedSshTagKey", "", /restrictedSshTagKey: "" is invalid; expected a tag key/],
    [
      "restrictedSshTagValue",
      "test-config",
      /restrictedSshTagValue needs guardrails:restrictedSshTagKey/,
    ],
  ];
  for (const [key, value, message] of badValues) {
    it(`rejects ${key} = ${JSON.stringify(value)}, naming the key and the accepted form`, () => {
      const problems = problemsOf({ [key]: value });
      assert.equal(problems.length, 1, problems.join("\n"));
      assert.match(problems[0] ?? "", new RegExp(`^guardrails:${message.source}`));
    });
  }

  it("rejects more exempt users than a Config rule parameter can carry, naming the rule", () => {
    const users = Array.from(
      { length: 45 },
      (_, index) => `service-account-${String(index).padStart(3, "0")}`,
    );
    const problems = problemsOf({ exemptUsers: users });
    // What AWS Config would store: a JSON map of strings, the list itself JSON text inside it,
    // the policy ARN in the longest partition name.
    const length = (parameters: Record<string, string>) =>
      JSON.stringify(parameters).length.toLocaleString("en");
    const exemptUsers = JSON.stringify(users);
    const policyArn = "arn:aws-us-gov:iam::123456789012:policy/DenyActionWithoutMFA";
    assert.deepEqual(problems, [
      `guardrails:evaluationRefreshDays, guardrails:exemptUsers, guardrails:maxInactiveDays: the InputParameters of the rule iam-inactive-users would be ${length({ maxInactiveDays: "90", exemptUsers, refreshDays: "7" })} characters (AWS Config's limit); expected at most 1,024. Exempt fewer users or shorten the names.`,
      `guardrails:evaluationRefreshDays, guardrails:exemptUsers, guardrails:mfaPolicyName: the InputParameters of the rule mfa-policy-attached would be ${length({ policyArn, exemptUsers, refreshDays: "7" })} characters (AWS Config's limit); expected at most 1,024. Exempt fewer users or shorten the names.`,
    ]);
    // Where the IAM rules are disabled, nothing carries the list that far.
    assert.doesNotThrow(() =>
      parseSettings({
        exemptUsers: users,
        disabledRules: ["iam-inactive-users", "mfa-policy-attached"],
      }),
    );
    assert.doesNotThrow(() => parseSettings({ exemptUsers: users.slice(0, 30) }));
  });

  it("rejects unknown keys and suggests the one probably meant", () => {
    const [problem] = problemsOf({ maxInactivDays: 30 });
    assert.match(
      problem ?? "",
      /guardrails:maxInactivDays is not a setting.*did you mean guardrails:maxInactiveDays\?/,
    );
  });

  it("reports every problem at once, each bad list item separately", () => {
    const problems = problemsOf({
      forbiddenPorts: ["70000", "22", "ssh"],
      maxInactiveDays: -1,
      mfaEnforcement: "x",
    });
    assert.deepEqual(
      problems.map((problem) => problem.split(":")[1]?.trim()),
      ["forbiddenPorts[0]", "forbiddenPorts[2]", "maxInactiveDays", "mfaEnforcement"],
    );
  });

  it("decodes Pulumi's string values by each key's declared type", () => {
    assert.equal(decodeConfigValue("maxInactiveDays", "45"), 45);
    assert.equal(decodeConfigValue("maxInactiveDays", "1.5"), 1.5);
    assert.equal(decodeConfigValue("maxInactiveDays", "forty"), "forty");
    assert.equal(decodeConfigValue("createRecorder", "false"), false);
    assert.deepEqual(decodeConfigValue("forbiddenPorts", '["22",8080]'), ["22", 8080]);
    assert.deepEqual(decodeConfigValue("tags", '{"Owner":"a"}'), { Owner: "a" });
    assert.equal(decodeConfigValue("forbiddenPorts", "[22"), "[22");
    // Text keys stay text even when they look like numbers.
    assert.equal(decodeConfigValue("authorizedTcpPorts", "443"), "443");
  });

  it("stops the program with a RunError before any resource is registered", async () => {
    const run = runProgram(
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      () => require("../index"),
      {
        project: "guardrails",
        stack: "bad",
        config: {
          "guardrails:forbiddenPorts": ["22", "70000"],
          "guardrails:maxInactiveDays": "-5",
        },
      },
    );
    await assert.rejects(run, (error: Error) => {
      assert.equal(error.constructor.name, "RunError");
      assert.match(error.message, /guardrails:forbiddenPorts\[1\]: "70000"/);
      assert.match(error.message, /guardrails:maxInactiveDays: -5/);
      return true;
    });
  });
});

describe("Pulumi.yaml", () => {
  it("is generated from the settings schema (npm run sync-config)", () => {
    assert.equal(fs.readFileSync(PULUMI_YAML, "utf8"), pulumiYamlText());
  });

  it("is documented in the README's configuration table (npm run sync-config)", () => {
    const readme = fs.readFileSync(README, "utf8");
    assert.equal(readme, readmeText(readme));
    assert.match(readme, /\| `maxInactiveDays` \| integer \| `90` \|/);
  });

  it("declares the same defaults the code applies", () => {
    const declared = parse(fs.readFileSync(PULUMI_YAML, "utf8")).config as Record<
      string,
      ConfigKeySpec
    >;
    const declaredDefaults = Object.fromEntries(
      Object.entries(declared)
        .filter(([, spec]) => spec.default !== undefined)
        .map(([key, spec]) => [key, spec.default]),
    );
    assert.deepEqual(parseSettings(declaredDefaults), parseSettings({}));
    for (const [key, spec] of Object.entries(CONFIG_SCHEMA) as Array<[string, ConfigKeySpec]>) {
      if (spec.type === "object") continue;
      assert.equal(declared[key]?.type, spec.type, key);
    }
  });

  it("ships a dev stack whose config is valid", () => {
    const stack = readStackFile(path.join(__dirname, "..", "Pulumi.dev.yaml"));
    // As npm start and the deployed program read it.
    const settings = settingsFromConfig(toPulumiConfig(stack.config), stack.project);
    assert.ok(settings.exemptUsers.length > 0);
    assert.equal(stack.config["aws:region"], "eu-west-1");
  });
});
