import { strict as assert } from "assert";
import { parseSettings } from "../../config";
import {
  REMEDIATIONS,
  RULES,
  RULE_NAMES,
  boundaryProblems,
  remediationsFor,
  rulesFor,
} from "../../functions/catalog";
import { RULE_SETS } from "../../functions/shared/definitions";
import { ProgramRun } from "../../offline/mock-runtime";
import { buildStack, only, within } from "../helpers/program";

describe("the catalogue", () => {
  it("names every rule once, and every remediation's rule is one of them", () => {
    assert.equal(new Set(RULE_NAMES).size, RULES.length);
    assert.equal(new Set(REMEDIATIONS.map((r) => r.name)).size, REMEDIATIONS.length);
    for (const remediation of REMEDIATIONS) {
      const rule = RULES.find((candidate) => candidate.name === remediation.rule);
      assert.ok(rule, `${remediation.name} repairs ${remediation.rule}`);
      for (const type of remediation.resourceTypes) {
        assert.ok(rule.resourceTypes.includes(type), `${remediation.name}: ${type}`);
      }
    }
  });

  it("deploys the global (IAM) rules and their remediations only where IAM is recorded", () => {
    const regional = parseSettings({
      recordGlobalResources: false,
      mfaRemediation: "enforce",
      ruleSets: ["guardrails", "cis-foundations"],
    });
    assert.deepEqual(
      rulesFor(regional).map((rule) => rule.name),
      RULES.filter((rule) => !rule.global).map((rule) => rule.name),
    );
    assert.ok(remediationsFor(regional).every((r) => r.rule !== "mfa-policy-attached"));
    assert.ok(rulesFor(parseSettings({})).some((rule) => rule.global));
  });

  it("deploys the rules of the chosen rule sets: guardrails by default, CIS controls on request", () => {
    const names = (ruleSets: string[]) =>
      rulesFor(parseSettings({ ruleSets })).map((rule) => rule.name);
    const inSet = (set: string) =>
      RULES.filter((rule) => (rule.ruleSets as readonly string[]).includes(set)).map(
        (rule) => rule.name,
      );
    assert.deepEqual(
      rulesFor(parseSettings({})).map((rule) => rule.name),
      inSet("guardrails"),
    );
    assert.deepEqual(names(["cis-foundations"]), inSet("cis-foundations"));
    assert.ok(!names(["guardrails"]).includes("iam-password-policy"));
    assert.ok(names(["cis-foundations"]).includes("iam-password-policy"));
    assert.ok(!names(["cis-foundations"]).includes("mfa-policy-attached"));
    assert.deepEqual(names(["guardrails", "cis-foundations"]), RULE_NAMES);
    // Every CIS rule names its controls, for the README's table.
    for (const rule of RULES.filter((r) => r.ruleSets.includes("cis-foundations"))) {
      assert.ok(rule.cis && rule.cis.length > 0, rule.name);
    }
  });

  it("leaves out disabled rules with their remediations, and remediations whose mode is off", () => {
    const settings = parseSettings({
      disabledRules: ["exposed-ports"],
      accessKeyRemediation: "off",
    });
    const remediations = remediationsFor(settings).map((r) => r.name);
    assert.ok(!rulesFor(settings).some((rule) => rule.name === "exposed-ports"));
    assert.ok(!remediations.includes("remediate-exposed-ports"));
    assert.ok(!remediations.includes("remediate-access-keys"));
    assert.ok(remediations.includes("remediate-mfa-policy"));
  });

  it("measures a remediation's environment against Lambda's 4 KB", () => {
    // Without the IAM rules, only the access-key remediation carries the exempt users.
    const exemptUsers = Array.from({ length: 70 }, (_, index) => `${"x".repeat(56)}${index}`);
    const settings = parseSettings({
      exemptUsers: exemptUsers.slice(0, 10),
      disabledRules: ["iam-inactive-users", "mfa-policy-attached"],
    });
    assert.deepEqual(boundaryProblems({ ...settings, exemptUsers }), [
      `guardrails:accessKeyRemediation, guardrails:exemptUsers, guardrails:keyDeleteGraceDays, guardrails:maxAccessKeyAge: the environment of the function remediate-access-keys would be ${(
        "MODE".length +
        "deactivate".length +
        "MAX_ACCESS_KEY_AGE".length +
        2 +
        "KEY_DELETE_GRACE_DAYS".length +
        2 +
        "EXEMPT_USERS".length +
        JSON.stringify(exemptUsers).length
      ).toLocaleString(
        "en",
      )} bytes (Lambda's limit); expected at most 4,096. Exempt fewer users or shorten the names.`,
    ]);
  });

  describe("every custom rule of the catalogue is planned from its definition", () => {
    let run: ProgramRun;
    before(async () => {
      run = await buildStack({ ruleSets: [...RULE_SETS] });
    });
    for (const definition of RULES.filter((rule) => rule.owner === "CUSTOM_LAMBDA")) {
      it(definition.name, () => {
        const planned = within(run, "guardrails:index:CustomConfigRule", definition.name);
        const rule = only(planned, "aws:cfg/rule:Rule").inputs as any;
        const fn = only(planned, "aws:lambda/function:Function").inputs as any;
        assert.equal(rule.name, definition.name);
        assert.deepEqual(rule.scope.complianceResourceTypes, definition.resourceTypes);
        assert.equal(rule.maximumExecutionFrequency, definition.periodic);
        assert.equal(fn.timeout, definition.timeoutSeconds);
        assert.equal(fn.memorySize, definition.memoryMb);
        // The parameters decode with the rule's own codec, as its Lambda decodes them.
        assert.doesNotThrow(() => definition.parameters.decode(JSON.parse(rule.inputParameters)));
      });
    }
  });
});
