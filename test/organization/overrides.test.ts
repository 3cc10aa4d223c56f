import { strict as assert } from "assert";
import { parseSettings } from "../../config";
import { remediateExposedPorts } from "../../functions/remediation/exposed-ports";
import { remediateMfaPolicy } from "../../functions/remediation/mfa-policy";
import { applyOverrides } from "../../functions/shared/account-overrides";
import { exposedPorts } from "../../functions/rules/exposed-ports";
import { iamInactiveUsers } from "../../functions/rules/iam-inactive-users";
import { remediationOverrides, ruleOverrides, withOverrides } from "../../organization/overrides";

const ACCOUNT = "111122223333";
const SIBLING = "444455556666";
const UNIT = "ou-a1b2-c3d4e5f6";
const FACTS = {
  mfaPolicyArn: "arn:aws:iam::000000000000:policy/DenyActionWithoutMFA",
  partition: "aws",
};

function organization(
  accountOverrides: Record<string, unknown>,
  config: Record<string, unknown> = {},
) {
  return parseSettings({
    deployment: "audit",
    homeRegion: "eu-west-1",
    regions: ["eu-west-1"],
    accountOverrides,
    ...config,
  });
}

/** A remediation's environment in an account whose targets are given, as its function applies it. */
function environmentIn(settings: ReturnType<typeof organization>, targets: string[]) {
  const definition = remediateExposedPorts;
  const base = definition.environment.encode(definition.fromSettings(settings, FACTS));
  return applyOverrides(base, remediationOverrides(definition, settings, FACTS), targets);
}

describe("accountOverrides as the functions carry them", () => {
  it("lets an account's own mode win over its OU's, even where it names the stack's", () => {
    const settings = organization({
      [UNIT]: { exposedPortsRemediation: "revoke" },
      [ACCOUNT]: { exposedPortsRemediation: "report" },
    });
    assert.equal((environmentIn(settings, [UNIT, ACCOUNT]) as any).MODE, "report");
    assert.equal((environmentIn(settings, [UNIT, SIBLING]) as any).MODE, "revoke");
    assert.equal((environmentIn(settings, [SIBLING]) as any).MODE, "report");
  });

  it("turns a remediation off under an OU, and back on for an account that names its mode", () => {
    const settings = organization({
      [UNIT]: { exposedPortsRemediation: "off" },
      [ACCOUNT]: { exposedPortsRemediation: "revoke" },
    });
    assert.equal(environmentIn(settings, [UNIT, SIBLING]), "off");
    assert.equal((environmentIn(settings, [UNIT, ACCOUNT]) as any).MODE, "revoke");
    // An entry that names only exempt users leaves the OU's decision standing.
    const users = organization({
      [UNIT]: { exposedPortsRemediation: "off" },
      [ACCOUNT]: { exemptUsers: ["legacy"] },
    });
    assert.equal(environmentIn(users, [UNIT, ACCOUNT]), "off");
  });

  it("adds the exempt users of every target to a rule's parameters and a remediation's environment", () => {
    const settings = organization(
      { [UNIT]: { exemptUsers: ["unit-ci"] }, [ACCOUNT]: { exemptUsers: ["legacy"] } },
      { exemptUsers: ["ci"] },
    );
    const rule = iamInactiveUsers;
    const parameters = rule.parameters.encode(rule.fromSettings(settings, FACTS));
    const applied = applyOverrides(parameters, ruleOverrides(rule, settings, FACTS), [
      UNIT,
      ACCOUNT,
    ]) as Record<string, string>;
    assert.deepEqual(rule.parameters.decode(applied).exemptUsers, ["ci", "unit-ci", "legacy"]);
    const mfa = remediateMfaPolicy;
    const environment = mfa.environment.encode(mfa.fromSettings(settings, FACTS));
    const inAccount = applyOverrides(environment, remediationOverrides(mfa, settings, FACTS), [
      ACCOUNT,
    ]) as Record<string, string>;
    assert.deepEqual(mfa.environment.decode(inAccount).exemptUsers, ["ci", "legacy"]);
    // A rule whose parameters no override changes carries nothing.
    assert.deepEqual(ruleOverrides(exposedPorts as never, settings, FACTS), {});
  });

  it("refuses an environment past Lambda's 4 KB, naming the function", () => {
    const many = Object.fromEntries(
      Array.from({ length: 60 }, (_, index) => [
        String(100000000000 + index),
        { exemptUsers: [`user-with-a-long-name-${index}`] },
      ]),
    );
    const settings = organization(many);
    const definition = remediateMfaPolicy;
    assert.throws(
      () =>
        withOverrides(
          "remediate-mfa-policy-eu-west-1",
          definition.environment.encode(definition.fromSettings(settings, FACTS)),
          remediationOverrides(definition, settings, FACTS),
        ),
      /remediate-mfa-policy-eu-west-1 with accountOverrides is \d+ bytes; Lambda accepts at most 4096/,
    );
  });
});
