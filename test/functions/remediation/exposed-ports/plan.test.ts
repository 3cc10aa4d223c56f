import type { SecurityGroupRule } from "@aws-sdk/client-ec2";
import { strict as assert } from "assert";
import { Revocation, planRevocations } from "../../../../functions/remediation/exposed-ports/plan";
import { parsePortList } from "../../../../functions/rules/ports";

const SSH_RDP = parsePortList("22,3389");
const GROUP = "sg-0123456789abcdef0";

/**
 * One rule as DescribeSecurityGroupRules returns it: one CIDR (or group, or prefix list) per rule,
 * ports -1 for protocol -1, ICMP type and code in FromPort / ToPort.
 */
function rule(id: string, change: Partial<SecurityGroupRule>): SecurityGroupRule {
  return {
    SecurityGroupRuleId: id,
    GroupId: GROUP,
    GroupOwnerId: "123456789012",
    IsEgress: false,
    IpProtocol: "tcp",
    FromPort: 22,
    ToPort: 22,
    Tags: [],
    SecurityGroupRuleArn: `arn:aws:ec2:eu-west-1:123456789012:security-group-rule/${id}`,
    ...change,
  };
}

const SSH_IPV4 = rule("sgr-0a00000000000ssh4", { CidrIpv4: "0.0.0.0/0" });
const RDP_IPV6 = rule("sgr-0a00000000000rdp6", {
  FromPort: 3389,
  ToPort: 3389,
  CidrIpv6: "::/0",
});
const ALL_IPV6 = rule("sgr-0a00000000000all6", {
  IpProtocol: "-1",
  FromPort: -1,
  ToPort: -1,
  CidrIpv6: "::/0",
});
const ALL_IPV4 = rule("sgr-0a00000000000all4", {
  IpProtocol: "-1",
  FromPort: -1,
  ToPort: -1,
  CidrIpv4: "0.0.0.0/0",
});
/** Authorized in the same permission as SSH_IPV4; EC2 gives it a rule id of its own. */
const SSH_PRIVATE = rule("sgr-0a000000000ssh10", { CidrIpv4: "10.0.0.0/8" });
const SSH_FROM_GROUP = rule("sgr-0a00000000000ref", {
  ReferencedGroupInfo: { GroupId: "sg-0b1c2d3e4f5a6b7c8", UserId: "123456789012" },
});
const SSH_FROM_PREFIX_LIST = rule("sgr-0a0000000000000pl", { PrefixListId: "pl-63a5400a" });
const ICMP_IPV4 = rule("sgr-0a00000000000icmp", {
  IpProtocol: "icmp",
  FromPort: 8,
  ToPort: -1,
  CidrIpv4: "0.0.0.0/0",
});
const ICMPV6_IPV6 = rule("sgr-0a0000000000icmp6", {
  IpProtocol: "58",
  FromPort: -1,
  ToPort: -1,
  CidrIpv6: "::/0",
});
const HTTPS_IPV4 = rule("sgr-0a0000000000https", {
  FromPort: 443,
  ToPort: 443,
  CidrIpv4: "0.0.0.0/0",
});
const EGRESS_ALL = rule("sgr-0a00000000egress", {
  IsEgress: true,
  IpProtocol: "-1",
  FromPort: -1,
  ToPort: -1,
  CidrIpv4: "0.0.0.0/0",
});
const EGRESS_SSH = rule("sgr-0a0000000egress22", { IsEgress: true, CidrIpv4: "0.0.0.0/0" });

function revocation(of: SecurityGroupRule, exposure: string): Revocation {
  return {
    action: "revoke-ingress-rule",
    groupId: GROUP,
    ruleId: of.SecurityGroupRuleId ?? "",
    exposure,
  };
}

describe("exposed-ports remediation planner (planRevocations)", () => {
  const lowerHalf = rule("sgr-0a00000000000low4", { CidrIpv4: "0.0.0.0/1" });
  const upperHalf = rule("sgr-0a0000000000high4", { CidrIpv4: "128.0.0.0/1" });
  const privateSsh = rule("sgr-0a00000000000pri4", { CidrIpv4: "10.0.0.0/8" });
  const scenarios: Array<[string, SecurityGroupRule[], Revocation[]]> = [
    [
      "two halves of IPv4 as two rules: both revoked, the private rule inside one kept",
      [lowerHalf, privateSsh, upperHalf],
      [
        revocation(lowerHalf, "22/tcp open to 0.0.0.0/1 + 128.0.0.0/1"),
        revocation(upperHalf, "22/tcp open to 0.0.0.0/1 + 128.0.0.0/1"),
      ],
    ],
    [
      "::/0 written out: revoked",
      [rule("sgr-0a0000000000full6", { CidrIpv6: "0:0:0:0:0:0:0:0/0" })],
      [
        revocation(
          rule("sgr-0a0000000000full6", { CidrIpv6: "0:0:0:0:0:0:0:0/0" }),
          "22/tcp open to ::/0",
        ),
      ],
    ],
    [
      "a /0 and, inside it, halves that also add up: all of them, in two rounds",
      [SSH_IPV4, lowerHalf, upperHalf],
      [
        revocation(SSH_IPV4, "22/tcp open to 0.0.0.0/0"),
        revocation(lowerHalf, "22/tcp open to 0.0.0.0/1 + 128.0.0.0/1"),
        revocation(upperHalf, "22/tcp open to 0.0.0.0/1 + 128.0.0.0/1"),
      ],
    ],
    [
      "IPv4 public rule on a forbidden port: revoked",
      [SSH_IPV4],
      [revocation(SSH_IPV4, "22/tcp open to 0.0.0.0/0")],
    ],
    [
      "IPv6 public rule on a forbidden port: revoked",
      [RDP_IPV6],
      [revocation(RDP_IPV6, "3389/tcp open to ::/0")],
    ],
    [
      "a range containing a forbidden port, public: revoked",
      [rule("sgr-0a000000000range", { FromPort: 0, ToPort: 65535, CidrIpv4: "0.0.0.0/0" })],
      [
        {
          action: "revoke-ingress-rule",
          groupId: GROUP,
          ruleId: "sgr-0a000000000range",
          exposure: "22/tcp, 3389/tcp open to 0.0.0.0/0",
        },
      ],
    ],
    ["private CIDR on a forbidden port: kept", [SSH_PRIVATE], []],
    [
      "a narrower public-looking CIDR (0.0.0.0/1) is not 0.0.0.0/0: kept",
      [rule("sgr-0a0000000000half", { CidrIpv4: "0.0.0.0/1" })],
      [],
    ],
    ["referenced security group on a forbidden port: kept", [SSH_FROM_GROUP], []],
    ["prefix list on a forbidden port: kept", [SSH_FROM_PREFIX_LIST], []],
    [
      "protocol -1 to ::/0: revoked",
      [ALL_IPV6],
      [revocation(ALL_IPV6, "all traffic open to ::/0 (includes 22, 3389)")],
    ],
    [
      "protocol -1 to 0.0.0.0/0: revoked",
      [ALL_IPV4],
      [revocation(ALL_IPV4, "all traffic open to 0.0.0.0/0 (includes 22, 3389)")],
    ],
    [
      "protocol -1 to a private CIDR: kept",
      [
        rule("sgr-0a00000000all172", {
          IpProtocol: "-1",
          FromPort: -1,
          ToPort: -1,
          CidrIpv4: "172.16.0.0/12",
        }),
      ],
      [],
    ],
    ["ICMP (echo) from 0.0.0.0/0: kept", [ICMP_IPV4], []],
    ["ICMPv6 (58) from ::/0: kept", [ICMPV6_IPV6], []],
    ["a public port that is not forbidden (443): kept", [HTTPS_IPV4], []],
    ["egress -1 to 0.0.0.0/0: never touched", [EGRESS_ALL], []],
    ["egress on a forbidden port to 0.0.0.0/0: never touched", [EGRESS_SSH], []],
    ["a clean group: nothing to do", [SSH_PRIVATE, HTTPS_IPV4, EGRESS_ALL], []],
    ["no rules at all: nothing to do", [], []],
  ];
  for (const [scenario, rules, expected] of scenarios) {
    it(scenario, () => {
      assert.deepEqual(planRevocations(rules, SSH_RDP), expected);
    });
  }

  it("mixed rules of one group: exactly the public forbidden ingress rule ids, in order", () => {
    const rules = [
      SSH_IPV4,
      SSH_PRIVATE,
      RDP_IPV6,
      ALL_IPV6,
      SSH_FROM_GROUP,
      SSH_FROM_PREFIX_LIST,
      ICMP_IPV4,
      HTTPS_IPV4,
      EGRESS_ALL,
    ];
    assert.deepEqual(
      planRevocations(rules, SSH_RDP).map((planned) => planned.ruleId),
      [SSH_IPV4, RDP_IPV6, ALL_IPV6].map((kept) => kept.SecurityGroupRuleId),
    );
  });

  it("names each rule's own group when the rules span several groups (an instance)", () => {
    const other = "sg-0b1c2d3e4f5a6b7c8";
    const planned = planRevocations(
      [SSH_IPV4, { ...RDP_IPV6, GroupId: other }, { ...SSH_PRIVATE, GroupId: other }],
      SSH_RDP,
    );
    assert.deepEqual(
      planned.map(({ groupId, ruleId }) => [groupId, ruleId]),
      [
        [GROUP, SSH_IPV4.SecurityGroupRuleId],
        [other, RDP_IPV6.SecurityGroupRuleId],
      ],
    );
  });

  it("follows the forbidden ports it is given (443 only)", () => {
    assert.deepEqual(
      planRevocations([SSH_IPV4, HTTPS_IPV4, ALL_IPV6], parsePortList("443")).map(
        (planned) => planned.ruleId,
      ),
      [HTTPS_IPV4.SecurityGroupRuleId, ALL_IPV6.SecurityGroupRuleId],
    );
  });

  it("skips a rule without an id (nothing to revoke it by) rather than sending an empty id", () => {
    assert.deepEqual(
      planRevocations([{ ...SSH_IPV4, SecurityGroupRuleId: undefined }], SSH_RDP),
      [],
    );
  });
});
