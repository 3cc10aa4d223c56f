import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { CONFIG_SCHEMA } from "../../config";
import { POLICIES } from "../../policies/pack";
import { PolicyConfigError, SettingKey, configSchema, readSettings } from "../../policies/settings";

const ROOT = path.join(__dirname, "..", "..");
const ALL_KEYS: SettingKey[] = [
  "forbiddenPorts",
  "exemptUsers",
  "mfaPolicyName",
  "maxAccessKeyAge",
];
const withConfig = (config: Record<string, unknown>) => ({
  getConfig: <T extends object>() => config as T,
});

describe("policy settings", () => {
  it("default to the stack's own defaults (CONFIG_SCHEMA) when the config is empty", () => {
    assert.deepEqual(readSettings("p", ALL_KEYS, withConfig({})), {
      forbiddenPorts: [
        { from: 22, to: 22 },
        { from: 3389, to: 3389 },
      ],
      exemptUsers: [],
      mfaPolicyName: "DenyActionWithoutMFA",
      maxAccessKeyAge: 90,
    });
  });

  it("declare the same defaults in their schemas, for the CLI", () => {
    const { properties } = configSchema(ALL_KEYS);
    for (const key of ALL_KEYS) {
      assert.deepEqual(properties[key]?.default, CONFIG_SCHEMA[key].default, key);
      assert.equal(properties[key]?.description, CONFIG_SCHEMA[key].description, key);
    }
  });

  it("take the config over the defaults, key by key", () => {
    const settings = readSettings(
      "p",
      ALL_KEYS,
      withConfig({ forbiddenPorts: [22, "9200-9300"], exemptUsers: ["ci-deployer"] }),
    );
    assert.deepEqual(settings.forbiddenPorts, [
      { from: 22, to: 22 },
      { from: 9200, to: 9300 },
    ]);
    assert.deepEqual(settings.exemptUsers, ["ci-deployer"]);
    assert.equal(settings.mfaPolicyName, "DenyActionWithoutMFA");
  });

  it("report every problem at once, naming the key, the value and the accepted form", () => {
    const config = {
      forbiddenPorts: ["22", "1024-80"],
      exemptUsers: "ci-deployer",
      mfaPolicyName: "Deny MFA",
      maxAccessKeyAge: 0,
      maxInactiveDays: 45,
    };
    assert.throws(
      () => readSettings("mfa-policy-attached", ALL_KEYS, withConfig(config)),
      (error: Error) => {
        assert.ok(error instanceof PolicyConfigError);
        assert.deepEqual(error.problems, [
          "maxInactiveDays is not a setting of this policy; it reads forbiddenPorts, exemptUsers, mfaPolicyName, maxAccessKeyAge.",
          'forbiddenPorts[1]: "1024-80" is invalid (1024 is greater than 80); expected a port 0-65535 or a range "from-to" with from <= to.',
          'exemptUsers: "ci-deployer" is invalid; expected a list, each item an IAM user name: 1-64 letters, digits or +=,.@_-.',
          'mfaPolicyName: "Deny MFA" is invalid; expected an IAM policy name: 1-128 letters, digits or +=,.@_-.',
          "maxAccessKeyAge: 0 is invalid (out of range); expected a whole number from 1 to 3650.",
        ]);
        assert.match(error.message, /^Invalid config of policy mfa-policy-attached/);
        return true;
      },
    );
  });

  it("refuse an empty forbiddenPorts", () => {
    assert.throws(
      () => readSettings("exposed-ports", ["forbiddenPorts"], withConfig({ forbiddenPorts: [] })),
      /forbiddenPorts: \[\] is invalid \(empty: use disabledRules to turn the rule off\); expected a non-empty list/,
    );
  });

  it("read only the policy's own keys", () => {
    assert.throws(
      () => readSettings("exposed-ports", ["forbiddenPorts"], withConfig({ exemptUsers: [] })),
      /exemptUsers is not a setting of this policy; it reads forbiddenPorts\./,
    );
  });
});

describe("policies/config.json (the example --policy-pack-config)", () => {
  const example: Record<string, Record<string, unknown>> = JSON.parse(
    fs.readFileSync(path.join(ROOT, "policies", "config.json"), "utf8"),
  );
  const devStack = parse(fs.readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8")).config;

  it("mirrors Pulumi.dev.yaml", () => {
    assert.deepEqual(
      example["exposed-ports"]?.forbiddenPorts,
      devStack["guardrails:forbiddenPorts"],
    );
    assert.deepEqual(
      example["mfa-policy-attached"]?.exemptUsers,
      devStack["guardrails:exemptUsers"],
    );
    assert.equal(
      example["access-keys-rotated"]?.maxAccessKeyAge,
      devStack["guardrails:maxAccessKeyAge"],
    );
  });

  it("configures only policies of the pack, with settings they read", () => {
    for (const [name, config] of Object.entries(example)) {
      const policy = POLICIES.find((candidate) => candidate.name === name);
      assert.ok(policy, `${name} is not a policy of the pack`);
      const keys = Object.keys(policy.configSchema?.properties ?? {}) as SettingKey[];
      assert.doesNotThrow(() => readSettings(name, keys, withConfig(config)));
    }
  });
});
