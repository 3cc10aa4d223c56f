import { strict as assert } from "assert";
import { imdsv2, naclNoSshRdp, noAdminPolicies, userNoPolicies } from "../../policies/cis";
import { TYPES } from "../../policies/resource-types";
import { messages, resourceArgs } from "../helpers/policy-args";

describe("CIS policies (advisory, on the cis-foundations mirrors' evaluators)", () => {
  describe("iam-policy-no-statements-with-admin-access", () => {
    const policy = (statement: object) =>
      resourceArgs(TYPES.policy, {
        name: "ops-admin",
        policy: JSON.stringify({ Version: "2012-10-17", Statement: [statement] }),
      });
    it('flags a policy allowing "*" on "*", naming the rule and its CIS control', async () => {
      const found = await messages(
        noAdminPolicies,
        policy({ Effect: "Allow", Action: "*", Resource: "*" }),
      );
      assert.equal(found.length, 1);
      assert.match(found[0] ?? "", /ops-admin grants full administrator access/);
      assert.match(found[0] ?? "", /\(iam-policy-no-statements-with-admin-access, CIS 1\.16\)/);
    });

    it("passes a service-wide grant, and a document the preview does not know yet", async () => {
      assert.deepEqual(
        await messages(noAdminPolicies, policy({ Effect: "Allow", Action: "s3:*", Resource: "*" })),
        [],
      );
      assert.deepEqual(
        await messages(noAdminPolicies, resourceArgs(TYPES.policy, { name: "later" })),
        [],
      );
    });
  });

  describe("iam-user-no-policies-check", () => {
    it("flags a managed policy attached to a user, naming the rule and its CIS control", async () => {
      const found = await messages(
        userNoPolicies,
        resourceArgs(TYPES.userPolicyAttachment, {
          user: "carol",
          policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess",
        }),
      );
      assert.equal(found.length, 1);
      assert.match(found[0] ?? "", /carol has policies of its own: ReadOnlyAccess/);
      assert.match(found[0] ?? "", /\(iam-user-no-policies-check, CIS 1\.15\)/);
    });

    it("flags an inline user policy and each user of a PolicyAttachment", async () => {
      assert.equal(
        (
          await messages(
            userNoPolicies,
            resourceArgs(TYPES.userPolicy, { user: "bob", name: "s3" }),
          )
        ).length,
        1,
      );
      const attachment = resourceArgs(TYPES.policyAttachment, {
        users: ["bob", "dave"],
        groups: ["ops"],
        policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess",
      });
      assert.equal((await messages(userNoPolicies, attachment)).length, 2);
    });

    it("passes a policy attached to a group", async () => {
      const attachment = resourceArgs(TYPES.policyAttachment, {
        groups: ["ops"],
        policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess",
      });
      assert.deepEqual(await messages(userNoPolicies, attachment), []);
    });
  });

  describe("nacl-no-unrestricted-ssh-rdp", () => {
    const rule = { protocol: "tcp", action: "allow", ruleNo: 100, fromPort: 22, toPort: 22 };
    const cases: Array<[string, string, Record<string, unknown>, number]> = [
      [
        "an inline rule opening SSH to 0.0.0.0/0",
        TYPES.networkAcl,
        { ingress: [{ ...rule, cidrBlock: "0.0.0.0/0" }] },
        1,
      ],
      [
        "the default ACL's allow-all, kept",
        TYPES.defaultNetworkAcl,
        { ingress: [{ ...rule, protocol: "-1", fromPort: 0, toPort: 0, cidrBlock: "0.0.0.0/0" }] },
        1,
      ],
      [
        "a rule opening RDP to ::/0",
        TYPES.networkAclRule,
        {
          egress: false,
          protocol: "6",
          ruleAction: "allow",
          ruleNumber: 100,
          fromPort: 3389,
          toPort: 3389,
          ipv6CidrBlock: "::/0",
        },
        1,
      ],
      [
        "an inline rule opening SSH to the private network",
        TYPES.networkAcl,
        { ingress: [{ ...rule, cidrBlock: "10.0.0.0/8" }] },
        0,
      ],
      [
        "an outbound rule",
        TYPES.networkAclRule,
        {
          egress: true,
          protocol: "-1",
          ruleAction: "allow",
          ruleNumber: 100,
          cidrBlock: "0.0.0.0/0",
        },
        0,
      ],
      [
        "HTTPS from anywhere",
        TYPES.networkAcl,
        { ingress: [{ ...rule, fromPort: 443, toPort: 443, cidrBlock: "0.0.0.0/0" }] },
        0,
      ],
    ];
    for (const [scenario, type, props, count] of cases) {
      it(`${scenario}: ${count === 0 ? "passes" : "flagged"}`, async () => {
        assert.equal((await messages(naclNoSshRdp, resourceArgs(type, props))).length, count);
      });
    }
  });

  describe("ec2-imdsv2-check", () => {
    for (const [scenario, props, count] of [
      ["tokens required", { metadataOptions: { httpTokens: "required" } }, 0],
      ["tokens optional", { metadataOptions: { httpTokens: "optional" } }, 1],
      ["no metadata options (the provider's default serves IMDSv1)", {}, 1],
    ] as const) {
      it(`${scenario}: ${count === 0 ? "passes" : "flagged"}`, async () => {
        const found = await messages(imdsv2, resourceArgs(TYPES.instance, props));
        assert.equal(found.length, count);
        if (count > 0)
          assert.match(found[0] ?? "", /httpTokens to "required" \(ec2-imdsv2-check, CIS 5\.6\)/);
      });
    }
  });
});
