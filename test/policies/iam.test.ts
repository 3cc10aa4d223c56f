import { strict as assert } from "assert";
import { accessKeysRotated, attachedPolicyArn, mfaPolicyAttached } from "../../policies/iam";
import { TYPES } from "../../policies/resource-types";
import {
  FakeResource,
  UNKNOWN_AT_PREVIEW,
  messages,
  resourceArgs,
  stackArgs,
  urnOf,
  validateStack,
} from "../helpers/policy-args";

describe("access-keys-rotated policy", () => {
  const key = { user: "ci-deployer", status: "Inactive" };
  const judge = (change: object, config?: Record<string, unknown>) =>
    messages(accessKeysRotated, resourceArgs(TYPES.accessKey, { ...key, ...change }, { config }));

  it("passes an inactive key (access-keys-rotated judges active keys only)", async () => {
    assert.deepEqual(await judge({}), []);
  });

  it("flags an active key, with the rule's default age", async () => {
    assert.deepEqual(await judge({ status: "Active" }), [
      "IAM access keys must be rotated within 90 days; this key of ci-deployer is never rotated by the stack: use a role instead.",
    ]);
  });

  it("flags a key without status (Active by default)", async () => {
    assert.deepEqual(await judge({ status: undefined }), [
      "IAM access keys must be rotated within 90 days; this key of ci-deployer is never rotated by the stack: use a role instead.",
    ]);
  });

  it("says maxAccessKeyAge from the policy config", async () => {
    assert.deepEqual(await judge({ status: "Active" }, { maxAccessKeyAge: 30 }), [
      "IAM access keys must be rotated within 30 days; this key of ci-deployer is never rotated by the stack: use a role instead.",
    ]);
  });

  it("flags a key whose user is unknown at preview", async () => {
    assert.deepEqual(await judge({ status: "Active", user: UNKNOWN_AT_PREVIEW }), [
      "IAM access keys must be rotated within 90 days; this key is never rotated by the stack: use a role instead.",
    ]);
  });
});

describe("mfa-policy-attached policy", () => {
  const MFA_ARN = "arn:aws:iam::123456789012:policy/DenyActionWithoutMFA";
  const CONFIG = { exemptUsers: ["ci-deployer"] };
  const MESSAGE = "IAM users must have the MFA policy attached, directly or through a group: ";

  /**
   * Every way the MFA policy reaches a user: alice by a direct attachment of its ARN; bob through
   * group developers, whose attachment's ARN is unknown at preview (the policy is created in the
   * same update); carol through group admins (GroupMembership + PolicyAttachment); dave by an
   * attachment whose `user` is his id, unknown at preview; ci-deployer is exempt.
   */
  function fixture(): FakeResource[] {
    return [
      {
        type: TYPES.policy,
        name: "mfa-policy",
        props: { name: "DenyActionWithoutMFA", path: "/", policy: "{}", arn: UNKNOWN_AT_PREVIEW },
      },
      { type: TYPES.user, name: "alice", props: { name: "alice" } },
      {
        type: TYPES.userPolicyAttachment,
        name: "alice-mfa",
        props: { user: "alice", policyArn: MFA_ARN },
      },
      { type: TYPES.user, name: "bob", props: { name: "bob" } },
      { type: TYPES.group, name: "developers", props: { name: "developers" } },
      {
        type: TYPES.userGroupMembership,
        name: "bob-groups",
        props: { user: "bob", groups: ["developers"] },
      },
      {
        type: TYPES.groupPolicyAttachment,
        name: "developers-mfa",
        props: { group: "developers", policyArn: UNKNOWN_AT_PREVIEW },
        dependsOn: { policyArn: ["mfa-policy"] },
      },
      { type: TYPES.user, name: "carol", props: { name: "carol" } },
      {
        type: TYPES.groupMembership,
        name: "admins-members",
        props: { group: "admins", users: ["carol"] },
      },
      {
        type: TYPES.policyAttachment,
        name: "admins-mfa",
        props: { groups: ["admins"], policyArn: MFA_ARN },
      },
      { type: TYPES.user, name: "dave", props: { name: "dave" } },
      {
        type: TYPES.userPolicyAttachment,
        name: "dave-mfa",
        props: { user: UNKNOWN_AT_PREVIEW, policyArn: MFA_ARN },
        dependsOn: { user: ["dave"] },
      },
      { type: TYPES.user, name: "ci-deployer", props: { name: "ci-deployer" } },
    ];
  }

  function changed(name: string, change: Partial<FakeResource>): FakeResource[] {
    const resources = fixture();
    const index = resources.findIndex((resource) => resource.name === name);
    assert.ok(index >= 0, `no ${name} in the fixture`);
    resources[index] = { ...(resources[index] as FakeResource), ...change };
    return resources;
  }

  const judge = (resources: FakeResource[], config: Record<string, unknown> = CONFIG) =>
    validateStack(mfaPolicyAttached, stackArgs(resources, config));

  const violation = (user: string, annotation: string) => ({
    message: `${MESSAGE}${annotation}`,
    urn: urnOf(TYPES.user, user),
  });

  it("passes every user that has the policy one way or another, and the exempt one", async () => {
    assert.deepEqual(await judge(fixture()), []);
  });

  it("refuses a direct attachment of another policy", async () => {
    const resources = changed("alice-mfa", {
      props: { user: "alice", policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess" },
    });
    assert.deepEqual(await judge(resources), [
      violation("alice", "DenyActionWithoutMFA is not attached to alice."),
    ]);
  });

  it("refuses a policy of the same name at another path", async () => {
    const resources = changed("alice-mfa", {
      props: {
        user: "alice",
        policyArn: "arn:aws:iam::123456789012:policy/legacy/DenyActionWithoutMFA",
      },
    });
    assert.deepEqual(await judge(resources), [
      violation("alice", "DenyActionWithoutMFA is not attached to alice."),
    ]);
  });

  it("refuses an attachment to another user", async () => {
    const resources = changed("alice-mfa", { props: { user: "alicia", policyArn: MFA_ARN } });
    assert.deepEqual(await judge(resources), [
      violation("alice", "DenyActionWithoutMFA is not attached to alice."),
    ]);
  });

  it("refuses a group whose policy, unknown at preview, is another one", async () => {
    const resources = fixture().map((resource) =>
      resource.name === "mfa-policy"
        ? { ...resource, props: { ...resource.props, name: "ReadOnlyExtras" } }
        : resource,
    );
    assert.deepEqual(await judge(resources), [
      violation("bob", "DenyActionWithoutMFA is not attached to bob or its groups (developers)."),
    ]);
  });

  it("refuses a policy resource of that name at another path", async () => {
    const resources = changed("mfa-policy", {
      props: { name: "DenyActionWithoutMFA", path: "/legacy/", policy: "{}" },
    });
    assert.deepEqual(await judge(resources), [
      violation("bob", "DenyActionWithoutMFA is not attached to bob or its groups (developers)."),
    ]);
  });

  it("refuses a group attachment whose unknown ARN has no policy resource behind it", async () => {
    const resources = changed("developers-mfa", { dependsOn: {} });
    assert.deepEqual(await judge(resources), [
      violation("bob", "DenyActionWithoutMFA is not attached to bob or its groups (developers)."),
    ]);
  });

  it("refuses membership in a group that lacks the policy", async () => {
    const resources = changed("bob-groups", { props: { user: "bob", groups: ["readers"] } });
    assert.deepEqual(await judge(resources), [
      violation("bob", "DenyActionWithoutMFA is not attached to bob or its groups (readers)."),
    ]);
  });

  it("refuses a user left out of the group's members", async () => {
    const resources = changed("admins-members", {
      props: { group: "admins", users: ["someone-else"] },
    });
    assert.deepEqual(await judge(resources), [
      violation("carol", "DenyActionWithoutMFA is not attached to carol."),
    ]);
  });

  it("refuses an attachment whose unknown user does not come from the user", async () => {
    const resources = changed("dave-mfa", { dependsOn: { user: ["alice"] } });
    assert.deepEqual(await judge(resources), [
      violation("dave", "DenyActionWithoutMFA is not attached to dave."),
    ]);
  });

  it("refuses a user once no longer exempt", async () => {
    assert.deepEqual(await judge(fixture(), { exemptUsers: [] }), [
      violation("ci-deployer", "DenyActionWithoutMFA is not attached to ci-deployer."),
    ]);
  });

  it("looks for the policy named by mfaPolicyName", async () => {
    const found = await judge(fixture(), { ...CONFIG, mfaPolicyName: "RequireMFA" });
    assert.deepEqual(found, [
      violation("alice", "RequireMFA is not attached to alice."),
      violation("bob", "RequireMFA is not attached to bob or its groups (developers)."),
      violation("carol", "RequireMFA is not attached to carol or its groups (admins)."),
      violation("dave", "RequireMFA is not attached to dave."),
    ]);
  });

  it("resolves a group referenced by an id unknown at preview through its dependency", async () => {
    const resources = changed("bob-groups", {
      props: { user: "bob", groups: [UNKNOWN_AT_PREVIEW] },
      dependsOn: { groups: ["developers"] },
    });
    assert.deepEqual(await judge(resources), []);
  });

  it("uses the policy's defaults without config", async () => {
    assert.deepEqual(await judge(fixture(), {}), [
      violation("ci-deployer", "DenyActionWithoutMFA is not attached to ci-deployer."),
    ]);
  });

  describe("attachedPolicyArn", () => {
    const attachment = (props: Record<string, unknown>, dependsOn?: Record<string, string[]>) => {
      const args = stackArgs([
        ...fixture().filter((resource) => resource.name === "mfa-policy"),
        { type: TYPES.userPolicyAttachment, name: "a", props, dependsOn },
      ]);
      return args.resources.find((resource) => resource.name === "a")!;
    };
    const STAND_IN = "arn:aws:iam::<account>:policy/DenyActionWithoutMFA";

    const cases: Array<
      [string, Record<string, unknown>, Record<string, string[]> | undefined, string | undefined]
    > = [
      ["a known ARN of the MFA policy", { policyArn: MFA_ARN }, undefined, STAND_IN],
      [
        "another partition's",
        { policyArn: "arn:aws-cn:iam::123456789012:policy/DenyActionWithoutMFA" },
        undefined,
        STAND_IN,
      ],
      [
        "a name merely ending like it",
        { policyArn: "arn:aws:iam::123456789012:policy/NoDenyActionWithoutMFA" },
        undefined,
        "arn:aws:iam::123456789012:policy/NoDenyActionWithoutMFA",
      ],
      [
        "an unknown ARN from the MFA policy resource",
        { policyArn: UNKNOWN_AT_PREVIEW },
        { policyArn: ["mfa-policy"] },
        STAND_IN,
      ],
      ["an unknown ARN from nowhere", { policyArn: UNKNOWN_AT_PREVIEW }, undefined, undefined],
    ];
    for (const [scenario, props, dependsOn, expected] of cases) {
      it(`maps ${scenario}`, () => {
        assert.equal(
          attachedPolicyArn(attachment(props, dependsOn), "DenyActionWithoutMFA"),
          expected,
        );
      });
    }
  });
});
