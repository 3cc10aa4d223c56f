/**
 * The offline describer of remediate-exposed-ports: per snapshot, what the remediation would
 * revoke for each violation; an instance's plan is its groups' plans, each group's planned once.
 */
import { strict as assert } from "assert";
import { remediateExposedPorts } from "../../../../functions/remediation/exposed-ports";
import type { SecurityGroupRule } from "../../../../functions/remediation/exposed-ports/plan";
import type { AccountView, SecurityGroupState } from "../../../../functions/rules/account";
import { indexCredentialReport } from "../../../../functions/rules/credential-report";
import { parsePortList } from "../../../../functions/rules/ports";
import type { Verdict } from "../../../../functions/rules/verdict";

function group(groupId: string, cidrs: string[]): SecurityGroupState {
  const rules: SecurityGroupRule[] = cidrs.map((cidr, index) => ({
    SecurityGroupRuleId: `sgr-${groupId}-${index}`,
    GroupId: groupId,
    IsEgress: false,
    IpProtocol: "tcp",
    FromPort: 22,
    ToPort: 22,
    CidrIpv4: cidr,
  }));
  return {
    ingress: {
      groupId,
      ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, ipv4Cidrs: cidrs, ipv6Cidrs: [] }],
    },
    egressRuleCount: 0,
    rules: () => rules,
  };
}

const account: AccountView = {
  accountId: "111122223333",
  partition: "aws",
  now: new Date("2026-11-20T00:00:00Z"),
  securityGroups: new Map([
    ["sg-open", group("sg-open", ["0.0.0.0/0", "10.0.0.0/8"])],
    ["sg-private", group("sg-private", ["10.0.0.0/8"])],
  ]),
  instances: new Map([
    // EC2 lists a group once per instance; a hand-made export may not.
    [
      "i-twice",
      { instanceId: "i-twice", state: "running", securityGroupIds: ["sg-open", "sg-open"] },
    ],
    ["i-private", { instanceId: "i-private", securityGroupIds: ["sg-private"] }],
  ]),
  networkAcls: new Map(),
  users: new Map(),
  groupPolicies: new Map(),
  credentialReport: indexCredentialReport([]),
};

const violation = (resourceType: string, resourceId: string): Verdict => ({
  resourceType,
  resourceId,
  compliance: "NON_COMPLIANT",
  annotation: "",
});

describe("remediate-exposed-ports: the offline describer", () => {
  const forbiddenPorts = parsePortList("22");

  it("names what a group's public rule opens, in the mode's words", () => {
    const describe = remediateExposedPorts.describer(account, { mode: "report", forbiddenPorts });
    assert.equal(
      describe(violation("AWS::EC2::SecurityGroup", "sg-open")),
      "report mode, would revoke sg-open: 22/tcp open to 0.0.0.0/0",
    );
  });

  it("plans an instance's group once, however often the instance lists it", () => {
    const describe = remediateExposedPorts.describer(account, { mode: "revoke", forbiddenPorts });
    const said = describe(violation("AWS::EC2::Instance", "i-twice"));
    assert.equal(said, "revoke mode, will revoke sg-open: 22/tcp open to 0.0.0.0/0");
  });

  it("says nothing for a group with nothing to revoke", () => {
    const describe = remediateExposedPorts.describer(account, { mode: "revoke", forbiddenPorts });
    assert.equal(describe(violation("AWS::EC2::Instance", "i-private")), undefined);
    assert.equal(describe(violation("AWS::EC2::SecurityGroup", "sg-gone")), undefined);
  });
});
