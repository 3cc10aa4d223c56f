import { strict as assert } from "assert";
import {
  MfaAction,
  MfaEnforcement,
  planMfaRemediation,
} from "../../../../functions/remediation/mfa-policy/plan";
import { UserPolicies } from "../../../../functions/rules/mfa-policy-attached/evaluate";

const POLICY = "arn:aws:iam::123456789012:policy/DenyActionWithoutMFA";
const GROUPS = new Map([
  ["mfa-required", [POLICY]],
  ["developers", ["arn:aws:iam::aws:policy/PowerUserAccess"]],
]);

function user(change: Partial<UserPolicies>): UserPolicies {
  return {
    userId: "AIDA2G65BPRJX3MQADPTP",
    userName: "alice",
    attachedPolicyArns: [],
    groupNames: [],
    ...change,
  };
}

function settings(enforcement: MfaEnforcement) {
  return {
    policyArn: POLICY,
    groupName: "mfa-required",
    enforcement,
    exemptUsers: ["ci-deployer"],
  };
}

describe("mfa-policy remediation planner (planMfaRemediation)", () => {
  const scenarios: Array<[string, Partial<UserPolicies>, MfaEnforcement, MfaAction]> = [
    [
      "exempt user without the policy (group mode)",
      { userName: "ci-deployer" },
      "group",
      { action: "none", reason: "ci-deployer is exempt (exemptUsers).", userName: "ci-deployer" },
    ],
    [
      "exempt user without the policy (attach mode)",
      { userName: "ci-deployer" },
      "attach",
      { action: "none", reason: "ci-deployer is exempt (exemptUsers).", userName: "ci-deployer" },
    ],
    [
      "policy attached directly",
      { attachedPolicyArns: [POLICY] },
      "group",
      { action: "none", reason: "DenyActionWithoutMFA is attached to alice.", userName: "alice" },
    ],
    [
      "policy through a group",
      { groupNames: ["developers", "mfa-required"] },
      "attach",
      {
        action: "none",
        reason: "alice has DenyActionWithoutMFA through group mfa-required.",
        userName: "alice",
      },
    ],
    [
      "not covered, group mode: add to the group",
      { groupNames: ["developers"] },
      "group",
      { action: "add-to-group", userName: "alice", groupName: "mfa-required" },
    ],
    [
      "not covered, attach mode: attach the policy",
      {},
      "attach",
      { action: "attach-policy", userName: "alice", policyArn: POLICY },
    ],
    [
      "a look-alike policy (another path) does not cover: attach the real one",
      { attachedPolicyArns: ["arn:aws:iam::123456789012:policy/legacy/DenyActionWithoutMFA"] },
      "attach",
      { action: "attach-policy", userName: "alice", policyArn: POLICY },
    ],
  ];
  for (const [scenario, change, enforcement, expected] of scenarios) {
    it(scenario, () => {
      assert.deepEqual(planMfaRemediation(user(change), GROUPS, settings(enforcement)), expected);
    });
  }

  it("after its own action the user is covered: planning again does nothing (converges)", () => {
    for (const enforcement of ["group", "attach"] as const) {
      const first = planMfaRemediation(user({}), GROUPS, settings(enforcement));
      const repaired = user(
        first.action === "add-to-group"
          ? { groupNames: [first.groupName] }
          : first.action === "attach-policy"
            ? { attachedPolicyArns: [first.policyArn] }
            : {},
      );
      assert.notEqual(first.action, "none", enforcement);
      assert.equal(
        planMfaRemediation(repaired, GROUPS, settings(enforcement)).action,
        "none",
        enforcement,
      );
    }
  });
});
