import {
  AddUserToGroupCommand,
  AttachUserPolicyCommand,
  IAMClient,
  ListAttachedGroupPoliciesCommand,
  ListAttachedUserPoliciesCommand,
  ListGroupsForUserCommand,
  ListUsersCommand,
  User,
} from "@aws-sdk/client-iam";
import { strict as assert } from "assert";
import { createHandler, permissions } from "../../../../functions/remediation/mfa-policy/handler";
import { MfaEnforcement, MfaMode } from "../../../../functions/remediation/mfa-policy/plan";
import { ComplianceChangeEvent } from "../../../../functions/shared/compliance-change";
import { fixture } from "../../../helpers/fixtures";
import { memoryLogger, stubClients } from "../../../helpers/sdk";

const ACCOUNT = "123456789012";
const POLICY = `arn:aws:iam::${ACCOUNT}:policy/DenyActionWithoutMFA`;
const GROUP = "mfa-required";

function iamUser(userName: string, userId: string): User {
  return {
    Path: "/",
    UserName: userName,
    UserId: userId,
    Arn: `arn:aws:iam::${ACCOUNT}:user/${userName}`,
    CreateDate: new Date("2024-11-04T09:30:12Z"),
  };
}

const ALICE = iamUser("alice", "AIDA2G65BPRJX3MQADPTP");
const BOB = iamUser("bob", "AIDA2G65BPRJBOB000002");
const CI = iamUser("ci-deployer", "AIDA2G65BPRJCIDEPLOY3");

/** The EventBridge compliance change as delivered (the fixture), edited for this rule and user. */
function complianceChange(
  user: User,
  { complianceType = "NON_COMPLIANT", ruleName = "mfa-policy-attached" } = {},
): ComplianceChangeEvent {
  const event = fixture("config-events/compliance-change-notification.json");
  const detail = event.detail;
  const qualifier = detail.newEvaluationResult.evaluationResultIdentifier.evaluationResultQualifier;
  detail.configRuleName = qualifier.configRuleName = ruleName;
  detail.resourceType = qualifier.resourceType = "AWS::IAM::User";
  detail.resourceId = qualifier.resourceId = user.UserId;
  detail.newEvaluationResult.complianceType = complianceType;
  detail.newEvaluationResult.annotation = `DenyActionWithoutMFA is not attached to ${user.UserName}.`;
  return event;
}

interface Account {
  /** ListUsers pages, in order. */
  userPages: User[][];
  attached?: Record<string, string[]>;
  groups?: Record<string, string[]>;
  groupPolicies?: Record<string, string[]>;
}

function setUp(mode: MfaMode, enforcement: MfaEnforcement) {
  const aws = stubClients({ iam: IAMClient });

  /** Answers the handler's reads from a small account description. */
  function given(account: Account) {
    const pages = aws.iam.on(ListUsersCommand);
    account.userPages.forEach((Users, index) => {
      const last = index === account.userPages.length - 1;
      pages.resolvesOnce(
        last
          ? { Users, IsTruncated: false }
          : { Users, IsTruncated: true, Marker: `page-${index + 2}` },
      );
    });
    const users = account.userPages.flat();
    for (const user of users) {
      const userName = user.UserName ?? "";
      aws.iam.on(ListAttachedUserPoliciesCommand, { UserName: userName }).resolves({
        AttachedPolicies: (account.attached?.[userName] ?? []).map((PolicyArn) => ({
          PolicyArn,
          PolicyName: PolicyArn.split("/").pop(),
        })),
        IsTruncated: false,
      });
      aws.iam.on(ListGroupsForUserCommand, { UserName: userName }).resolves({
        Groups: (account.groups?.[userName] ?? []).map((GroupName) => ({
          Path: "/",
          GroupName,
          GroupId: `AGPA${GroupName.toUpperCase().replace(/[^A-Z]/g, "")}`,
          Arn: `arn:aws:iam::${ACCOUNT}:group/${GroupName}`,
          CreateDate: new Date("2024-01-01T00:00:00Z"),
        })),
        IsTruncated: false,
      });
    }
    for (const [GroupName, arns] of Object.entries(account.groupPolicies ?? {})) {
      aws.iam.on(ListAttachedGroupPoliciesCommand, { GroupName }).resolves({
        AttachedPolicies: arns.map((PolicyArn) => ({
          PolicyArn,
          PolicyName: PolicyArn.split("/").pop(),
        })),
        IsTruncated: false,
      });
    }
  }

  const invoke = async (event: ComplianceChangeEvent) => {
    const logger = memoryLogger();
    const handler = createHandler({
      iam: new IAMClient({}),
      env: {
        MODE: mode,
        ENFORCEMENT: enforcement,
        POLICY_ARN: POLICY,
        GROUP_NAME: GROUP,
        EXEMPT_USERS: '["ci-deployer","break-glass"]',
      },
      log: logger.log,
    });
    return { summary: await handler(event), logger };
  };

  const writes = () =>
    [
      ...aws.iam.commandCalls(AddUserToGroupCommand),
      ...aws.iam.commandCalls(AttachUserPolicyCommand),
    ].map((call) => call.args[0].input);

  return { aws, given, invoke, writes };
}

const groupMode = setUp("enforce", "group");
const attachMode = setUp("enforce", "attach");
const reportMode = setUp("report", "group");

describe("remediate-mfa-policy handler", () => {
  describe("MODE=enforce, ENFORCEMENT=group", () => {
    const { aws, given, invoke, writes } = groupMode;
    aws.install();

    it("resolves the user id through every ListUsers page (the user on page 2), then adds it to the group", async () => {
      given({
        userPages: [[ALICE, CI], [BOB]],
        groups: { bob: ["developers"] },
        groupPolicies: { developers: ["arn:aws:iam::aws:policy/PowerUserAccess"] },
      });
      const { summary } = await invoke(complianceChange(BOB));
      const listings = aws.iam.commandCalls(ListUsersCommand);
      assert.equal(listings.length, 2);
      assert.equal(listings[0]?.args[0].input.MaxItems, 1000);
      assert.equal(listings[1]?.args[0].input.Marker, "page-2");
      assert.deepEqual(
        aws.iam.commandCalls(AddUserToGroupCommand).map((call) => call.args[0].input),
        [{ GroupName: GROUP, UserName: "bob" }],
      );
      assert.equal(aws.iam.commandCalls(AttachUserPolicyCommand).length, 0);
      assert.deepEqual(summary.actions, [
        { action: "add-to-group", userName: "bob", groupName: GROUP, outcome: "done" },
      ]);
    });

    it("stops listing users once it found the one (page 1)", async () => {
      given({ userPages: [[ALICE], [BOB]] });
      await invoke(complianceChange(ALICE));
      assert.equal(aws.iam.commandCalls(ListUsersCommand).length, 1);
      assert.deepEqual(writes(), [{ GroupName: GROUP, UserName: "alice" }]);
    });

    it("leaves an exempt user untouched", async () => {
      given({ userPages: [[ALICE, CI]] });
      const { summary } = await invoke(complianceChange(CI));
      assert.deepEqual(writes(), []);
      assert.deepEqual(
        summary.actions.map((action) => [action.action, action.outcome]),
        [["none", "already-done"]],
      );
      assert.match(String(summary.actions[0]?.reason), /exempt/);
    });

    it("writes nothing for a user already covered through a group (Config's result was stale)", async () => {
      given({
        userPages: [[ALICE]],
        groups: { alice: ["developers", "admins"] },
        groupPolicies: { developers: [], admins: [POLICY] },
      });
      const { summary } = await invoke(complianceChange(ALICE));
      assert.deepEqual(writes(), []);
      assert.deepEqual(
        aws.iam
          .commandCalls(ListAttachedGroupPoliciesCommand)
          .map((call) => call.args[0].input.GroupName)
          .sort(),
        ["admins", "developers"],
      );
      assert.equal(summary.actions[0]?.outcome, "already-done");
      assert.match(String(summary.actions[0]?.reason), /through group admins/);
    });

    it("writes nothing for a user with the policy attached directly", async () => {
      given({ userPages: [[ALICE]], attached: { alice: [POLICY] } });
      const { summary } = await invoke(complianceChange(ALICE));
      assert.deepEqual(writes(), []);
      assert.equal(summary.actions[0]?.outcome, "already-done");
    });

    it("does nothing for a user that no longer exists", async () => {
      given({ userPages: [[ALICE], [CI]] });
      const { summary } = await invoke(complianceChange(BOB));
      assert.equal(aws.iam.commandCalls(ListUsersCommand).length, 2);
      assert.deepEqual(writes(), []);
      assert.equal(aws.iam.commandCalls(ListGroupsForUserCommand).length, 0);
      assert.equal(summary.actions[0]?.outcome, "already-done");
    });

    for (const [what, event] of [
      ["an event for another rule", complianceChange(ALICE, { ruleName: "exposed-ports" })],
      ["a COMPLIANT result", complianceChange(ALICE, { complianceType: "COMPLIANT" })],
    ] as const) {
      it(`skips ${what} without any API call`, async () => {
        const { summary } = await invoke(event);
        assert.ok(summary.skipped);
        assert.equal(aws.iam.calls().length, 0);
      });
    }
  });

  describe("MODE=enforce, ENFORCEMENT=attach", () => {
    const { aws, given, invoke, writes } = attachMode;
    aws.install();

    it("attaches the policy to the user, with the exact input", async () => {
      given({
        userPages: [[ALICE], [BOB]],
        groups: { bob: ["developers"] },
        groupPolicies: { developers: ["arn:aws:iam::aws:policy/PowerUserAccess"] },
      });
      const { summary } = await invoke(complianceChange(BOB));
      assert.deepEqual(
        aws.iam.commandCalls(AttachUserPolicyCommand).map((call) => call.args[0].input),
        [{ UserName: "bob", PolicyArn: POLICY }],
      );
      assert.equal(aws.iam.commandCalls(AddUserToGroupCommand).length, 0);
      assert.deepEqual(summary.actions, [
        { action: "attach-policy", userName: "bob", policyArn: POLICY, outcome: "done" },
      ]);
    });

    it("leaves an exempt user untouched", async () => {
      given({ userPages: [[CI]] });
      await invoke(complianceChange(CI));
      assert.deepEqual(writes(), []);
    });
  });

  describe("MODE=report", () => {
    const { aws, given, invoke, writes } = reportMode;
    aws.install();

    it("writes nothing and reports what it would do", async () => {
      given({
        userPages: [[ALICE], [BOB]],
        groups: { bob: ["developers"] },
        groupPolicies: { developers: [] },
      });
      const { summary } = await invoke(complianceChange(BOB));
      assert.deepEqual(writes(), []);
      assert.deepEqual(summary.actions, [
        { action: "add-to-group", userName: "bob", groupName: GROUP, outcome: "reported" },
      ]);
      assert.equal(summary.mode, "report");
    });

    it("does nothing without POLICY_ARN, and says so naming the variable", async () => {
      const logger = memoryLogger();
      const handler = createHandler({
        iam: new IAMClient({}),
        env: { MODE: "report", GROUP_NAME: GROUP },
        log: logger.log,
      });
      const summary = await handler(complianceChange(BOB));
      assert.deepEqual(summary.actions, []);
      assert.match(summary.skipped ?? "", /environment\.POLICY_ARN: missing/);
      assert.equal(logger.lines[0]?.level, "ERROR");
    });
  });

  // Mocha runs a suite's own tests before its nested suites: this one must be a suite, last.
  describe("least privilege", () => {
    it("each mode's role grants exactly the calls it made in this file (proven)", () => {
      assert.deepEqual(groupMode.aws.actions.actions, [...permissions("enforce", "group")].sort());
      assert.deepEqual(
        attachMode.aws.actions.actions,
        [...permissions("enforce", "attach")].sort(),
      );
      assert.deepEqual(reportMode.aws.actions.actions, [...permissions("report", "group")].sort());
    });
  });
});
