/**
 * The snapshot as the plans see it: a security group's rules in EC2's rule model, made from its
 * configuration item when a plan asks for them.
 */
import { strict as assert } from "assert";
import * as path from "path";
import { readSnapshot } from "../../offline/snapshot";

const DEMO_SNAPSHOT = path.join(__dirname, "..", "..", "examples", "demo-account");

describe("offline snapshot", () => {
  const { account } = readSnapshot(DEMO_SNAPSHOT);

  it("gives a group's rules one per CIDR, IPv4 then IPv6, by permission", () => {
    const rules = account.securityGroups.get("sg-0d3389aabbccdde01")?.rules();
    assert.deepEqual(rules, [
      {
        SecurityGroupRuleId: "sg-0d3389aabbccdde01#0.0",
        GroupId: "sg-0d3389aabbccdde01",
        IsEgress: false,
        IpProtocol: "tcp",
        FromPort: 3389,
        ToPort: 3389,
        CidrIpv4: "203.0.113.0/24",
      },
      {
        SecurityGroupRuleId: "sg-0d3389aabbccdde01#0.1",
        GroupId: "sg-0d3389aabbccdde01",
        IsEgress: false,
        IpProtocol: "tcp",
        FromPort: 3389,
        ToPort: 3389,
        CidrIpv4: "0.0.0.0/0",
      },
    ]);
  });

  it("gives no rule for a permission without CIDRs (a referenced group), and no ports for -1", () => {
    assert.deepEqual(account.securityGroups.get("sg-0c0ffee0c0ffee000")?.rules(), []);
    const [first] = account.securityGroups.get("sg-01e6ac70a11c0ffee")?.rules() ?? [];
    assert.deepEqual(first, {
      SecurityGroupRuleId: "sg-01e6ac70a11c0ffee#0.0",
      GroupId: "sg-01e6ac70a11c0ffee",
      IsEgress: false,
      IpProtocol: "-1",
      FromPort: undefined,
      ToPort: undefined,
      CidrIpv6: "::/0",
    });
  });
});
