import { strict as assert } from "assert";
import {
  IngressPermission,
  describeExposures,
  evaluateInstance,
  evaluateSecurityGroup,
  exposuresAmong,
  findExposures,
  instanceFromConfiguration,
  openedForbiddenPorts,
  securityGroupFromApi,
  securityGroupFromConfiguration,
} from "../../../../functions/rules/exposed-ports/evaluate";
import { parsePortList } from "../../../../functions/rules/ports";
import { configurationItem } from "../../../helpers/fixtures";

const SSH_RDP = parsePortList("22,3389");

function permission(change: Partial<IngressPermission>): IngressPermission {
  return {
    protocol: "tcp",
    fromPort: 22,
    toPort: 22,
    ipv4Cidrs: ["0.0.0.0/0"],
    ipv6Cidrs: [],
    ...change,
  };
}

function judge(ingress: IngressPermission[], forbidden = SSH_RDP) {
  return evaluateSecurityGroup({ groupId: "sg-0123456789abcdef0", ingress }, forbidden);
}

describe("exposed-ports evaluator", () => {
  const scenarios: Array<[string, IngressPermission[], string, string, string?]> = [
    ["22/tcp to 0.0.0.0/0", [permission({})], "NON_COMPLIANT", "22/tcp open to 0.0.0.0/0"],
    // The whole internet spelled another way is still the whole internet.
    [
      "22/tcp to 0:0:0:0:0:0:0:0/0 (::/0 written out)",
      [permission({ ipv4Cidrs: [], ipv6Cidrs: ["0:0:0:0:0:0:0:0/0"] })],
      "NON_COMPLIANT",
      "22/tcp open to ::/0",
    ],
    [
      "22/tcp to 0.0.0.0/1 and 128.0.0.0/1 in one permission",
      [permission({ ipv4Cidrs: ["0.0.0.0/1", "128.0.0.0/1"] })],
      "NON_COMPLIANT",
      "22/tcp open to 0.0.0.0/1 + 128.0.0.0/1",
    ],
    [
      "22/tcp to ::/1 and 8000::/1 in two permissions of the group",
      [
        permission({ ipv4Cidrs: [], ipv6Cidrs: ["::/1"] }),
        permission({ ipv4Cidrs: [], ipv6Cidrs: ["8000::/1"] }),
      ],
      "NON_COMPLIANT",
      "22/tcp open to ::/1 + 8000::/1",
    ],
    [
      "all traffic to 0.0.0.0/1 and 22/tcp to 128.0.0.0/1: 22 is open to everyone",
      [
        permission({ protocol: "-1", fromPort: -1, toPort: -1, ipv4Cidrs: ["0.0.0.0/1"] }),
        permission({ ipv4Cidrs: ["128.0.0.0/1"] }),
      ],
      "NON_COMPLIANT",
      "22/tcp open to 0.0.0.0/1 + 128.0.0.0/1",
    ],
    [
      "halves on different ports add up to nothing",
      [
        permission({ ipv4Cidrs: ["0.0.0.0/1"] }),
        permission({ fromPort: 3389, toPort: 3389, ipv4Cidrs: ["128.0.0.0/1"] }),
      ],
      "COMPLIANT",
      "No forbidden port (22, 3389) open to the internet.",
    ],
    [
      "a gap of one address is not the internet",
      [
        permission({
          ipv4Cidrs: [
            "0.0.0.0/1",
            "128.0.0.0/2",
            "192.0.0.0/3",
            "224.0.0.0/4",
            "240.0.0.0/5",
            "248.0.0.0/6",
            "252.0.0.0/7",
            "254.0.0.0/8",
            "255.0.0.0/9",
            "255.128.0.0/10",
            "255.192.0.0/11",
            "255.224.0.0/12",
            "255.240.0.0/13",
            "255.248.0.0/14",
            "255.252.0.0/15",
            "255.254.0.0/16",
            "255.255.0.0/17",
            "255.255.128.0/18",
            "255.255.192.0/19",
            "255.255.224.0/20",
            "255.255.240.0/21",
            "255.255.248.0/22",
            "255.255.252.0/23",
            "255.255.254.0/24",
            "255.255.255.0/25",
            "255.255.255.128/26",
            "255.255.255.192/27",
            "255.255.255.224/28",
            "255.255.255.240/29",
            "255.255.255.248/30",
            "255.255.255.252/31",
          ],
        }),
      ],
      "COMPLIANT",
      "No forbidden port (22, 3389) open to the internet.",
    ],
    [
      "22/tcp to ::/0 (IPv6)",
      [permission({ ipv4Cidrs: [], ipv6Cidrs: ["::/0"] })],
      "NON_COMPLIANT",
      "22/tcp open to ::/0",
    ],
    [
      "protocol -1 without ports to ::/0 opens every port",
      [
        permission({
          protocol: "-1",
          fromPort: undefined,
          toPort: undefined,
          ipv4Cidrs: [],
          ipv6Cidrs: ["::/0"],
        }),
      ],
      "NON_COMPLIANT",
      "all traffic open to ::/0 (includes 22, 3389)",
    ],
    [
      "protocol all to 0.0.0.0/0",
      [permission({ protocol: "all", fromPort: null, toPort: null })],
      "NON_COMPLIANT",
      "all traffic open to 0.0.0.0/0 (includes 22, 3389)",
    ],
    [
      "a range containing a forbidden port",
      [permission({ fromPort: 0, toPort: 1000 })],
      "NON_COMPLIANT",
      "22/tcp open to 0.0.0.0/0",
    ],
    [
      "protocol number 6 is tcp",
      [permission({ protocol: "6" })],
      "NON_COMPLIANT",
      "22/tcp open to 0.0.0.0/0",
    ],
    [
      "3389/udp (17)",
      [permission({ protocol: "17", fromPort: 3389, toPort: 3389 })],
      "NON_COMPLIANT",
      "3389/udp open to 0.0.0.0/0",
    ],
    [
      "22 open only to private CIDRs",
      [permission({ ipv4Cidrs: ["10.0.0.0/8", "192.168.0.0/16"] })],
      "COMPLIANT",
      "No forbidden port (22, 3389)",
    ],
    [
      "a CIDR that merely contains 0.0.0.0/0 as text",
      [permission({ ipv4Cidrs: ["10.0.0.0/0x"] })],
      "COMPLIANT",
      "No forbidden port",
    ],
    [
      "443 to the internet",
      [permission({ fromPort: 443, toPort: 443, ipv6Cidrs: ["::/0"] })],
      "COMPLIANT",
      "No forbidden port",
    ],
    [
      "ICMP to the internet opens no port",
      [permission({ protocol: "icmp", fromPort: -1, toPort: -1 })],
      "COMPLIANT",
      "No forbidden port",
    ],
    [
      "ICMPv6 (58) to ::/0",
      [permission({ protocol: "58", fromPort: -1, toPort: -1, ipv6Cidrs: ["::/0"] })],
      "COMPLIANT",
      "No forbidden port",
    ],
    ["no ingress at all", [], "COMPLIANT", "No forbidden port"],
    [
      "public and private CIDRs sharing one permission",
      [permission({ ipv4Cidrs: ["10.0.0.0/8", "0.0.0.0/0"] })],
      "NON_COMPLIANT",
      "22/tcp open to 0.0.0.0/0",
    ],
  ];
  for (const [scenario, ingress, compliance, annotation] of scenarios) {
    it(`${scenario}: ${compliance}`, () => {
      const verdict = judge(ingress);
      assert.equal(verdict.compliance, compliance);
      assert.equal(verdict.resourceType, "AWS::EC2::SecurityGroup");
      assert.equal(verdict.resourceId, "sg-0123456789abcdef0");
      assert.ok(verdict.annotation.startsWith(annotation), verdict.annotation);
    });
  }

  it("names each protocol and CIDR once", () => {
    const verdict = judge([
      permission({ ipv6Cidrs: ["::/0"] }),
      permission({ fromPort: 3389, toPort: 3389 }),
      permission({ protocol: "udp", fromPort: 3389, toPort: 3389 }),
    ]);
    assert.equal(
      verdict.annotation,
      "22/tcp, 3389/tcp open to 0.0.0.0/0; 22/tcp open to ::/0; 3389/udp open to 0.0.0.0/0",
    );
  });

  it("reports only the forbidden part of a wide range, merged", () => {
    const verdict = judge(
      [permission({ fromPort: 0, toPort: 65535 }), permission({ fromPort: 20, toPort: 30 })],
      parsePortList("1-1024,8080"),
    );
    assert.equal(verdict.annotation, "1-1024/tcp, 8080/tcp open to 0.0.0.0/0");
  });

  it("joins forbidden ranges that overlap or touch, for one permission as for several", () => {
    // One permission takes a shorter path than several; both must say the same.
    const forbidden = parsePortList("20-22,22,23,25");
    const one = judge([permission({ fromPort: 0, toPort: 65535 })], forbidden);
    const two = judge(
      [permission({ fromPort: 0, toPort: 65535 }), permission({ fromPort: 0, toPort: 65535 })],
      forbidden,
    );
    // Permissions hitting different ports take the general path.
    const apart = judge(
      [permission({ fromPort: 0, toPort: 65535 }), permission({ fromPort: 21, toPort: 65535 })],
      forbidden,
    );
    assert.equal(one.annotation, "20-23/tcp, 25/tcp open to 0.0.0.0/0");
    assert.equal(two.annotation, one.annotation);
    assert.equal(apart.annotation, one.annotation);
  });

  it("reads a permission once for a caller judging it again, as findExposures does", () => {
    const ingress = [
      permission({ ipv4Cidrs: ["0.0.0.0/1"] }),
      permission({ ipv4Cidrs: ["128.0.0.0/1", "10.0.0.0/8"], fromPort: 0, toPort: 65535 }),
      permission({ protocol: "-1", ipv4Cidrs: [], ipv6Cidrs: ["::/0"] }),
      permission({ protocol: "udp", fromPort: 3389, toPort: 3389, ipv6Cidrs: ["::/0"] }),
    ];
    const opened = ingress.flatMap((p) => openedForbiddenPorts(p, SSH_RDP) ?? []);
    assert.deepEqual(exposuresAmong(opened), findExposures(ingress, SSH_RDP));
    assert.equal(
      describeExposures(exposuresAmong(opened)),
      "all traffic open to ::/0 (includes 22, 3389); 22/tcp open to 0.0.0.0/1 + 128.0.0.0/1; 3389/udp open to 0.0.0.0/0",
    );
  });

  it("reads nothing of a permission that opens no forbidden port", () => {
    assert.equal(
      openedForbiddenPorts(permission({ fromPort: 443, toPort: 443 }), SSH_RDP),
      undefined,
    );
    assert.equal(openedForbiddenPorts(permission({ protocol: "icmp" }), SSH_RDP), undefined);
    assert.deepEqual(
      openedForbiddenPorts(permission({ fromPort: 0, toPort: 65535 }), SSH_RDP)?.hits,
      [
        { from: 22, to: 22 },
        { from: 3389, to: 3389 },
      ],
    );
  });

  it("reads the security group exactly as Config records it (seed-shaped item)", () => {
    const item = configurationItem("sg-change");
    const verdict = evaluateSecurityGroup(
      securityGroupFromConfiguration(item.resourceId, item.configuration),
      SSH_RDP,
    );
    // 22 from 0.0.0.0/0 shares a permission with 10.0.0.0/8; 443 ::/0, -1 private and ICMP are fine.
    assert.deepEqual(verdict, {
      resourceType: "AWS::EC2::SecurityGroup",
      resourceId: "sg-0123456789abcdef0",
      compliance: "NON_COMPLIANT",
      annotation: "22/tcp open to 0.0.0.0/0",
    });
  });

  it("reads older items that list IPv4 ranges only as strings", () => {
    const group = securityGroupFromConfiguration("sg-1", {
      groupId: "sg-1",
      ipPermissions: [{ ipProtocol: "tcp", fromPort: 3389, toPort: 3389, ipRanges: ["0.0.0.0/0"] }],
    });
    assert.equal(evaluateSecurityGroup(group, SSH_RDP).annotation, "3389/tcp open to 0.0.0.0/0");
  });

  describe("instances", () => {
    const exposed = securityGroupFromApi({
      GroupId: "sg-exposed",
      IpPermissions: [{ IpProtocol: "-1", Ipv6Ranges: [{ CidrIpv6: "::/0" }] }],
    });
    const closed = securityGroupFromApi({
      GroupId: "sg-closed",
      IpPermissions: [
        { IpProtocol: "tcp", FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: "10.0.0.0/8" }] },
      ],
    });
    const groups = new Map([
      ["sg-exposed", exposed],
      ["sg-closed", closed],
    ]);
    const instance = (securityGroupIds: string[], state = "running") => ({
      instanceId: "i-0a1b2c3d4e5f67890",
      state,
      securityGroupIds,
    });

    it("is NON_COMPLIANT when any of its groups is, naming the group", () => {
      const verdict = evaluateInstance(instance(["sg-closed", "sg-exposed"]), groups, SSH_RDP);
      assert.equal(verdict.compliance, "NON_COMPLIANT");
      assert.equal(verdict.resourceType, "AWS::EC2::Instance");
      assert.equal(verdict.annotation, "sg-exposed: all traffic open to ::/0 (includes 22, 3389)");
    });
    it("is COMPLIANT when none of its groups is", () => {
      assert.equal(
        evaluateInstance(instance(["sg-closed"]), groups, SSH_RDP).compliance,
        "COMPLIANT",
      );
    });
    it("without security groups exposes nothing (the seed called it NON_COMPLIANT)", () => {
      assert.equal(evaluateInstance(instance([]), groups, SSH_RDP).compliance, "COMPLIANT");
    });
    it("ignores a group deleted meanwhile", () => {
      assert.equal(
        evaluateInstance(instance(["sg-gone", "sg-closed"]), groups, SSH_RDP).compliance,
        "COMPLIANT",
      );
    });
    it("is NOT_APPLICABLE once terminated", () => {
      assert.equal(
        evaluateInstance(instance(["sg-exposed"], "terminated"), groups, SSH_RDP).compliance,
        "NOT_APPLICABLE",
      );
    });
    it("reads an instance exactly as Config records it", () => {
      const item = configurationItem("instance-change");
      const parsed = instanceFromConfiguration(item.resourceId, item.configuration);
      assert.equal(parsed.instanceId, "i-0a1b2c3d4e5f67890");
      assert.equal(parsed.state, "running");
      assert.deepEqual(parsed.securityGroupIds, ["sg-0123456789abcdef0", "sg-0b1c2d3e4f5a6b7c8"]);
    });
  });
});
