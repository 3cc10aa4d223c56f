import { strict as assert } from "assert";
import { UnknownValueError } from "@pulumi/policy";
import { exposedPorts, vpcDefaultSecurityGroupClosed } from "../../policies/ec2";
import { TYPES } from "../../policies/resource-types";
import { PolicyConfigError } from "../../policies/settings";
import { UNKNOWN_AT_PREVIEW, messages, resourceArgs } from "../helpers/policy-args";

const EXPOSED = "Security group ingress must not open forbidden ports to the internet: ";

describe("exposed-ports policy", () => {
  describe("aws.ec2.SecurityGroup inline ingress", () => {
    // HTTPS from anywhere, SSH from the private network only.
    const https = { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] };
    const ssh = { protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["10.0.0.0/8"] };
    const group = (ingress: object[], egress: object[] = []) =>
      resourceArgs(TYPES.securityGroup, { ingress, egress });

    it("passes HTTPS to the internet and SSH to a private CIDR", async () => {
      assert.deepEqual(await messages(exposedPorts, group([https, ssh])), []);
    });

    const violations: Array<[string, object[], string]> = [
      [
        "SSH to 0.0.0.0/0",
        [https, { ...ssh, cidrBlocks: ["0.0.0.0/0"] }],
        "22/tcp open to 0.0.0.0/0",
      ],
      [
        "SSH to ::/0 (IPv6)",
        [https, { ...ssh, cidrBlocks: [], ipv6CidrBlocks: ["::/0"] }],
        "22/tcp open to ::/0",
      ],
      [
        "SSH to both halves of IPv4",
        [https, { ...ssh, cidrBlocks: ["0.0.0.0/1"] }, { ...ssh, cidrBlocks: ["128.0.0.0/1"] }],
        "22/tcp open to 0.0.0.0/1 + 128.0.0.0/1",
      ],
      [
        "SSH to ::/0 written out",
        [https, { ...ssh, cidrBlocks: [], ipv6CidrBlocks: ["0:0:0:0:0:0:0:0/0"] }],
        "22/tcp open to ::/0",
      ],
      [
        "a range 0-1024 that contains 22",
        [{ ...https, fromPort: 0, toPort: 1024 }, ssh],
        "22/tcp open to 0.0.0.0/0",
      ],
      [
        "protocol -1 (all traffic)",
        [{ ...https, protocol: "-1", fromPort: 0, toPort: 0 }, ssh],
        "all traffic open to 0.0.0.0/0 (includes 22, 3389)",
      ],
      [
        "RDP over UDP",
        [https, { protocol: "udp", fromPort: 3389, toPort: 3389, cidrBlocks: ["0.0.0.0/0"] }],
        "3389/udp open to 0.0.0.0/0",
      ],
    ];
    for (const [scenario, ingress, annotation] of violations) {
      it(`refuses ${scenario}`, async () => {
        assert.deepEqual(await messages(exposedPorts, group(ingress)), [
          `${EXPOSED}${annotation}.`,
        ]);
      });
    }

    it("passes ICMP from anywhere (no port)", async () => {
      const icmp = { protocol: "icmp", fromPort: -1, toPort: -1, cidrBlocks: ["0.0.0.0/0"] };
      assert.deepEqual(await messages(exposedPorts, group([https, ssh, icmp])), []);
    });

    it("ignores egress", async () => {
      const egress = [{ ...ssh, cidrBlocks: ["0.0.0.0/0"] }];
      assert.deepEqual(await messages(exposedPorts, group([https, ssh], egress)), []);
    });

    it("reads forbiddenPorts from the policy config", async () => {
      const args = resourceArgs(
        TYPES.securityGroup,
        { ingress: [https, ssh] },
        { config: { forbiddenPorts: ["443", "8000-8100"] } },
      );
      assert.deepEqual(await messages(exposedPorts, args), [
        `${EXPOSED}443/tcp open to 0.0.0.0/0.`,
      ]);
    });

    it("rejects an invalid forbiddenPorts, naming the value and the form", async () => {
      const args = resourceArgs(
        TYPES.securityGroup,
        { ingress: [https] },
        { config: { forbiddenPorts: ["22", "70000"] } },
      );
      await assert.rejects(messages(exposedPorts, args), (error: Error) => {
        assert.ok(error instanceof PolicyConfigError);
        assert.equal(
          error.message,
          "Invalid config of policy exposed-ports (fix it in the --policy-pack-config file):\n" +
            '  - forbiddenPorts[1]: "70000" is invalid (70000 is outside 0-65535); expected a port 0-65535 or a range "from-to" with from <= to.',
        );
        return true;
      });
    });

    it("lets the SDK skip a group whose CIDR is unknown at preview", async () => {
      const args = group([https, { ...ssh, cidrBlocks: [UNKNOWN_AT_PREVIEW] }]);
      await assert.rejects(messages(exposedPorts, args), UnknownValueError);
    });
  });

  describe("aws.ec2.SecurityGroupRule", () => {
    const rule = {
      type: "ingress",
      protocol: "tcp",
      fromPort: 443,
      toPort: 443,
      cidrBlocks: ["0.0.0.0/0"],
    };
    const judge = (change: object) =>
      messages(exposedPorts, resourceArgs(TYPES.securityGroupRule, { ...rule, ...change }));

    it("passes an HTTPS ingress rule", async () => {
      assert.deepEqual(await judge({}), []);
    });

    it("refuses SSH to 0.0.0.0/0", async () => {
      assert.deepEqual(await judge({ fromPort: 22, toPort: 22 }), [
        `${EXPOSED}22/tcp open to 0.0.0.0/0.`,
      ]);
    });

    it("refuses a range to ::/0", async () => {
      assert.deepEqual(
        await judge({ fromPort: 0, toPort: 1024, cidrBlocks: [], ipv6CidrBlocks: ["::/0"] }),
        [`${EXPOSED}22/tcp open to ::/0.`],
      );
    });

    it("refuses protocol all", async () => {
      assert.deepEqual(await judge({ protocol: "all", fromPort: 0, toPort: 65535 }), [
        `${EXPOSED}all traffic open to 0.0.0.0/0 (includes 22, 3389).`,
      ]);
    });

    it("ignores an egress rule", async () => {
      assert.deepEqual(await judge({ type: "egress", fromPort: 22, toPort: 22 }), []);
    });
  });

  describe("aws.vpc.SecurityGroupIngressRule", () => {
    const rule = { ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "0.0.0.0/0" };
    const judge = (change: object) =>
      messages(exposedPorts, resourceArgs(TYPES.securityGroupIngressRule, { ...rule, ...change }));

    it("passes HTTPS from anywhere", async () => {
      assert.deepEqual(await judge({}), []);
    });

    it("refuses RDP from anywhere", async () => {
      assert.deepEqual(await judge({ fromPort: 3389, toPort: 3389 }), [
        `${EXPOSED}3389/tcp open to 0.0.0.0/0.`,
      ]);
    });

    it("refuses SSH from ::/0", async () => {
      assert.deepEqual(
        await judge({ fromPort: 22, toPort: 22, cidrIpv4: undefined, cidrIpv6: "::/0" }),
        [`${EXPOSED}22/tcp open to ::/0.`],
      );
    });

    it('refuses ipProtocol "-1" (all traffic, no ports)', async () => {
      assert.deepEqual(await judge({ ipProtocol: "-1", fromPort: undefined, toPort: undefined }), [
        `${EXPOSED}all traffic open to 0.0.0.0/0 (includes 22, 3389).`,
      ]);
    });

    it("passes SSH from a private CIDR", async () => {
      assert.deepEqual(await judge({ fromPort: 22, toPort: 22, cidrIpv4: "10.0.0.0/8" }), []);
    });
  });

  it("ignores other resource types", async () => {
    const args = resourceArgs("aws:ec2/instance:Instance", {
      ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] }],
    });
    assert.deepEqual(await messages(exposedPorts, args), []);
  });
});

describe("vpc-default-security-group-closed policy", () => {
  const rule = { protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] };
  const judge = (props: Record<string, unknown>) =>
    messages(vpcDefaultSecurityGroupClosed, resourceArgs(TYPES.defaultSecurityGroup, props));

  it("passes a default security group without rules", async () => {
    assert.deepEqual(await judge({ ingress: [], egress: [] }), []);
    assert.deepEqual(await judge({}), []);
  });

  it("refuses an ingress rule", async () => {
    assert.deepEqual(await judge({ ingress: [rule], egress: [] }), [
      "Default security groups must have no ingress or egress rules; this one has 1 ingress rule.",
    ]);
  });

  it("refuses egress rules", async () => {
    assert.deepEqual(await judge({ ingress: [], egress: [rule, rule] }), [
      "Default security groups must have no ingress or egress rules; this one has 2 egress rules.",
    ]);
  });

  it("counts both", async () => {
    assert.deepEqual(await judge({ ingress: [rule], egress: [rule] }), [
      "Default security groups must have no ingress or egress rules; this one has 1 ingress rule and 1 egress rule.",
    ]);
  });

  it("ignores ordinary security groups", async () => {
    const args = resourceArgs(TYPES.securityGroup, { ingress: [], egress: [rule] });
    assert.deepEqual(await messages(vpcDefaultSecurityGroupClosed, args), []);
  });
});
