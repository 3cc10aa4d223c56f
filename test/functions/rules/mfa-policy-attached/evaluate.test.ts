import { strict as assert } from "assert";
import {
  UserPolicies,
  evaluateMfaPolicy,
  fromAuthorizationDetails,
  userFromConfiguration,
} from "../../../../functions/rules/mfa-policy-attached/evaluate";
import { configurationItem, fixture } from "../../../helpers/fixtures";

const POLICY = "arn:aws:iam::123456789012:policy/DenyActionWithoutMFA";
const PARAMETERS = { policyArn: POLICY, exemptUsers: ["ci-deployer"] };
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

describe("mfa-policy-attached evaluator", () => {
  const scenarios: Array<[string, Partial<UserPolicies>, string, string]> = [
    [
      "attached to the user",
      { attachedPolicyArns: [POLICY] },
      "COMPLIANT",
      "DenyActionWithoutMFA is attached to alice.",
    ],
    [
      "attached through a group",
      { groupNames: ["developers", "mfa-required"] },
      "COMPLIANT",
      "alice has DenyActionWithoutMFA through group mfa-required.",
    ],
    [
      "in groups without it",
      { groupNames: ["developers"] },
      "NON_COMPLIANT",
      "DenyActionWithoutMFA is not attached to alice or its groups (developers).",
    ],
    ["no policy, no group", {}, "NON_COMPLIANT", "DenyActionWithoutMFA is not attached to alice."],
    [
      "a policy whose name merely contains the MFA policy's name (the seed matched substrings)",
      { attachedPolicyArns: ["arn:aws:iam::123456789012:policy/DenyActionWithoutMFA-old"] },
      "NON_COMPLIANT",
      "DenyActionWithoutMFA is not attached to alice.",
    ],
    [
      "the same name under another path",
      { attachedPolicyArns: ["arn:aws:iam::123456789012:policy/legacy/DenyActionWithoutMFA"] },
      "NON_COMPLIANT",
      "DenyActionWithoutMFA is not attached to alice.",
    ],
    [
      "an exempt user without the policy",
      { userName: "ci-deployer" },
      "COMPLIANT",
      "ci-deployer is exempt (exemptUsers).",
    ],
  ];
  for (const [scenario, change, compliance, annotation] of scenarios) {
    it(`${scenario}: ${compliance}`, () => {
      assert.deepEqual(evaluateMfaPolicy(user(change), GROUPS, PARAMETERS), {
        resourceType: "AWS::IAM::User",
        resourceId: "AIDA2G65BPRJX3MQADPTP",
        compliance,
        annotation,
      });
    });
  }

  it("reads a user exactly as Config records it", () => {
    const item = configurationItem("iam-user-change");
    assert.deepEqual(userFromConfiguration(item.resourceId, item.configuration as never), {
      userId: "AIDA2G65BPRJX3MQADPTP",
      userName: "alice",
      attachedPolicyArns: [],
      groupNames: ["developers"],
    });
  });

  it("reads users and groups from get-account-authorization-details", () => {
    const { users, groupPolicies } = fromAuthorizationDetails(
      fixture("snapshot-shapes/authorization-details.json"),
    );
    assert.deepEqual(
      users.map((u) => [u.userName, u.userId, u.groupNames]),
      [
        ["alice", "AIDA2G65BPRJX3MQADPTP", ["developers"]],
        ["bob", "AIDAZUN7YS6TXLVI2JKLR", ["developers"]],
        ["carol", "AIDA6ZZCKRRMP6PJTRY5L", []],
        ["dave", "AIDAIPX3QI74I2C62YTI6", ["admins"]],
      ],
    );
    assert.deepEqual([...groupPolicies.keys()].sort(), ["admins", "developers"]);
  });
});
