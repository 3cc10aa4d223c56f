import {
  DeleteAccessKeyCommand,
  GetAccountAuthorizationDetailsCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListUserTagsCommand,
  ListUsersCommand,
  NoSuchEntityException,
  TagUserCommand,
  UntagUserCommand,
  UpdateAccessKeyCommand,
  User,
} from "@aws-sdk/client-iam";
import { strict as assert } from "assert";
import { createHandler, permissions } from "../../../../functions/remediation/access-keys/handler";
import { AccessKeyMode, deactivationTag } from "../../../../functions/remediation/access-keys/plan";
import { ComplianceChangeEvent } from "../../../../functions/shared/compliance-change";
import { fixture } from "../../../helpers/fixtures";
import { memoryLogger, stubClients } from "../../../helpers/sdk";

const ACCOUNT = "123456789012";
const DAY_MS = 24 * 60 * 60 * 1000;
const NOW = new Date("2025-06-10T08:15:00.000Z");
const daysAgo = (days: number) => new Date(NOW.getTime() - days * DAY_MS);

function iamUser(userName: string, userId: string): User {
  return {
    Path: "/",
    UserName: userName,
    UserId: userId,
    Arn: `arn:aws:iam::${ACCOUNT}:user/${userName}`,
    CreateDate: new Date("2023-02-14T10:00:00Z"),
  };
}

const ALICE = iamUser("alice", "AIDA2G65BPRJX3MQADPTP");
const BOB = iamUser("bob", "AIDA2G65BPRJBOB000002");
const CI = iamUser("ci-deployer", "AIDA2G65BPRJCIDEPLOY3");

/** Keys by role in the scenarios: ages and states are set per test. */
const OLD = "AKIA2G65BPRJOLD00001";
const YOUNG = "AKIA2G65BPRJYOUNG002";
const EXPIRED = "AKIA2G65BPRJGRACE003";
const WAITING = "AKIA2G65BPRJWAIT0004";
const STRAY = "AKIA2G65BPRJSTRAY005";

/** The EventBridge compliance change as delivered (the fixture), edited for this rule and user. */
function complianceChange(
  user: User,
  { ruleName = "access-keys-rotated", complianceType = "NON_COMPLIANT" } = {},
): ComplianceChangeEvent {
  const event = fixture("config-events/compliance-change-notification.json");
  const detail = event.detail;
  const qualifier = detail.newEvaluationResult.evaluationResultIdentifier.evaluationResultQualifier;
  detail.configRuleName = qualifier.configRuleName = ruleName;
  detail.resourceType = qualifier.resourceType = "AWS::IAM::User";
  detail.resourceId = qualifier.resourceId = user.UserId;
  detail.newEvaluationResult.complianceType = complianceType;
  detail.newEvaluationResult.annotation = undefined;
  return event;
}

/** An EventBridge Scheduled Event, as a `rate(1 day)` rule delivers it. */
const SCHEDULED_EVENT = {
  version: "0",
  id: "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa",
  "detail-type": "Scheduled Event",
  source: "aws.events",
  account: ACCOUNT,
  time: "2025-06-10T08:15:00Z",
  region: "eu-west-1",
  resources: [`arn:aws:events:eu-west-1:${ACCOUNT}:rule/remediate-access-keys-schedule-5d2c9e1`],
  detail: {},
};

interface Key {
  id: string;
  status: "Active" | "Inactive";
  ageDays: number;
}

function setUp(mode: AccessKeyMode) {
  const aws = stubClients({ iam: IAMClient });

  /** Users (ListUsers, one page), their keys (ListAccessKeys) and tags (ListUserTags). */
  function given(
    users: User[],
    keys: Record<string, Key[]> = {},
    tags: Record<string, Record<string, string>> = {},
  ) {
    aws.iam.on(ListUsersCommand).resolves({ Users: users, IsTruncated: false });
    for (const user of users) {
      const userName = user.UserName ?? "";
      aws.iam.on(ListAccessKeysCommand, { UserName: userName }).resolves({
        AccessKeyMetadata: (keys[userName] ?? []).map((key) => ({
          UserName: userName,
          AccessKeyId: key.id,
          Status: key.status,
          CreateDate: daysAgo(key.ageDays),
        })),
        IsTruncated: false,
      });
      aws.iam.on(ListUserTagsCommand, { UserName: userName }).resolves({
        Tags: tagList(tags[userName] ?? {}),
        IsTruncated: false,
      });
    }
  }

  const invoke = async (event: unknown) => {
    const logger = memoryLogger();
    const handler = createHandler({
      iam: new IAMClient({}),
      env: {
        MODE: mode,
        MAX_ACCESS_KEY_AGE: "90",
        KEY_DELETE_GRACE_DAYS: "14",
        EXEMPT_USERS: '["ci-deployer"]',
      },
      now: () => NOW,
      log: logger.log,
    });
    return { summary: await handler(event as ComplianceChangeEvent), logger };
  };

  const WRITES = new Set(["UpdateAccessKey", "TagUser", "DeleteAccessKey", "UntagUser"]);
  /** Every write sent, in order: [operation, input]. */
  const writes = () =>
    aws.iam
      .calls()
      .map((call) => {
        const command = call.args[0] as { constructor: { name: string }; input: unknown };
        return [command.constructor.name.replace(/Command$/, ""), command.input] as const;
      })
      .filter(([operation]) => WRITES.has(operation));

  return { aws, given, invoke, writes };
}

const recorded = (keyId: string, days: number) => ({
  [deactivationTag(keyId)]: daysAgo(days).toISOString(),
});

/** IAM's tag list from `{key: value}`. */
const tagList = (tags: Record<string, string>) =>
  Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

const report = setUp("report");
const deactivate = setUp("deactivate");
const remove = setUp("delete");

describe("remediate-access-keys handler", () => {
  describe("MODE=report", () => {
    const { aws, given, invoke, writes } = report;
    aws.install();

    it("changes nothing and reports the keys it would deactivate", async () => {
      given(
        [ALICE],
        {
          alice: [
            { id: OLD, status: "Active", ageDays: 200 },
            { id: YOUNG, status: "Active", ageDays: 10 },
            { id: EXPIRED, status: "Inactive", ageDays: 300 },
          ],
        },
        { alice: recorded(EXPIRED, 60) },
      );
      const { summary } = await invoke(complianceChange(ALICE));
      assert.deepEqual(writes(), []);
      assert.deepEqual(summary.actions, [
        { action: "deactivate", keyId: OLD, ageDays: 200, userName: "alice", outcome: "reported" },
      ]);
      assert.equal(summary.mode, "report");
    });

    it("has no sweep: a Scheduled Event is skipped without any API call", async () => {
      const { summary } = await invoke(SCHEDULED_EVENT);
      assert.ok(summary.skipped);
      assert.equal(aws.iam.calls().length, 0);
    });
  });

  describe("MODE=deactivate", () => {
    const { aws, given, invoke, writes } = deactivate;
    aws.install();
    beforeEach(() => {
      aws.iam.on(UpdateAccessKeyCommand).resolves({});
      aws.iam.on(TagUserCommand).resolves({});
    });

    it("deactivates only the active keys older than maxAccessKeyAge and records when", async () => {
      given(
        [BOB, ALICE],
        {
          alice: [
            { id: OLD, status: "Active", ageDays: 91 },
            { id: YOUNG, status: "Active", ageDays: 90 },
            { id: EXPIRED, status: "Inactive", ageDays: 300 },
            { id: STRAY, status: "Inactive", ageDays: 300 },
          ],
        },
        { alice: recorded(EXPIRED, 60) },
      );
      const { summary } = await invoke(complianceChange(ALICE));
      assert.deepEqual(writes(), [
        ["UpdateAccessKey", { UserName: "alice", AccessKeyId: OLD, Status: "Inactive" }],
        [
          "TagUser",
          {
            UserName: "alice",
            Tags: [{ Key: `guardrails:deactivated:${OLD}`, Value: "2025-06-10T08:15:00.000Z" }],
          },
        ],
      ]);
      assert.deepEqual(summary.actions, [
        { action: "deactivate", keyId: OLD, ageDays: 91, userName: "alice", outcome: "done" },
      ]);
    });

    it("counts a key deleted before it could be deactivated as done, and records nothing", async () => {
      given([ALICE], { alice: [{ id: OLD, status: "Active", ageDays: 91 }] });
      aws.iam.on(UpdateAccessKeyCommand).rejects(
        Object.assign(new Error("The Access Key with id OLD cannot be found."), {
          name: "NoSuchEntityException",
        }),
      );
      const { summary } = await invoke(complianceChange(ALICE));
      assert.equal(aws.iam.commandCalls(TagUserCommand).length, 0);
      assert.deepEqual(summary.actions, [
        {
          action: "deactivate",
          keyId: OLD,
          ageDays: 91,
          userName: "alice",
          outcome: "already-done",
        },
      ]);
    });

    it("leaves an exempt user untouched: not even its keys are listed", async () => {
      given([ALICE, CI], { "ci-deployer": [{ id: OLD, status: "Active", ageDays: 900 }] });
      const { summary } = await invoke(complianceChange(CI));
      assert.deepEqual(writes(), []);
      assert.equal(aws.iam.commandCalls(ListAccessKeysCommand).length, 0);
      assert.deepEqual(summary.actions, [
        {
          action: "none",
          outcome: "already-done",
          userName: "ci-deployer",
          reason: "exempt (exemptUsers)",
        },
      ]);
    });

    it("does nothing for a user that no longer exists", async () => {
      given([ALICE]);
      const { summary } = await invoke(complianceChange(BOB));
      assert.deepEqual(writes(), []);
      assert.equal(summary.actions[0]?.outcome, "already-done");
    });

    for (const [what, event] of [
      ["a Scheduled Event (no sweep in this mode)", SCHEDULED_EVENT],
      ["an event for another rule", complianceChange(ALICE, { ruleName: "mfa-policy-attached" })],
      ["a COMPLIANT result", complianceChange(ALICE, { complianceType: "COMPLIANT" })],
    ] as const) {
      it(`skips ${what} without any API call`, async () => {
        const { summary } = await invoke(event);
        assert.ok(summary.skipped);
        assert.equal(aws.iam.calls().length, 0);
      });
    }
  });

  describe("MODE=delete", () => {
    const { aws, given, invoke, writes } = remove;
    aws.install();
    beforeEach(() => {
      aws.iam.on(UpdateAccessKeyCommand).resolves({});
      aws.iam.on(TagUserCommand).resolves({});
      aws.iam.on(DeleteAccessKeyCommand).resolves({});
      aws.iam.on(UntagUserCommand).resolves({});
    });

    const mixedKeys: Key[] = [
      { id: OLD, status: "Active", ageDays: 400 },
      { id: EXPIRED, status: "Inactive", ageDays: 300 },
      { id: WAITING, status: "Inactive", ageDays: 300 },
      { id: STRAY, status: "Inactive", ageDays: 300 },
      { id: YOUNG, status: "Active", ageDays: 3 },
    ];
    const mixedTags = {
      ...recorded(EXPIRED, 20),
      ...recorded(WAITING, 5),
      ...recorded(YOUNG, 100),
      team: "payments",
    };

    it("deactivates old active keys, deletes keys past their grace period, records untracked ones", async () => {
      given([ALICE], { alice: mixedKeys }, { alice: mixedTags });
      const { summary } = await invoke(complianceChange(ALICE));
      assert.deepEqual(writes(), [
        ["UpdateAccessKey", { UserName: "alice", AccessKeyId: OLD, Status: "Inactive" }],
        [
          "TagUser",
          { UserName: "alice", Tags: [{ Key: deactivationTag(OLD), Value: NOW.toISOString() }] },
        ],
        ["DeleteAccessKey", { UserName: "alice", AccessKeyId: EXPIRED }],
        ["UntagUser", { UserName: "alice", TagKeys: [deactivationTag(EXPIRED)] }],
        [
          "TagUser",
          { UserName: "alice", Tags: [{ Key: deactivationTag(STRAY), Value: NOW.toISOString() }] },
        ],
      ]);
      assert.deepEqual(
        summary.actions.map((action) => [action.action, action.keyId, action.outcome]),
        [
          ["deactivate", OLD, "done"],
          ["delete", EXPIRED, "done"],
          ["record-deactivation", STRAY, "done"],
        ],
      );
    });

    it("never deletes an active key, however old and whatever its tag says", async () => {
      given(
        [ALICE],
        { alice: [{ id: OLD, status: "Active", ageDays: 2000 }] },
        { alice: recorded(OLD, 500) },
      );
      await invoke(complianceChange(ALICE));
      assert.equal(aws.iam.commandCalls(DeleteAccessKeyCommand).length, 0);
      assert.equal(aws.iam.commandCalls(UpdateAccessKeyCommand).length, 1);
    });

    it("counts NoSuchEntity on DeleteAccessKey as already done and still removes the tag", async () => {
      given(
        [ALICE],
        { alice: [{ id: EXPIRED, status: "Inactive", ageDays: 300 }] },
        { alice: recorded(EXPIRED, 20) },
      );
      aws.iam.on(DeleteAccessKeyCommand).rejects(
        new NoSuchEntityException({
          message: `The Access Key with id ${EXPIRED} cannot be found.`,
          $metadata: { httpStatusCode: 404 },
        }),
      );
      const { summary } = await invoke(complianceChange(ALICE));
      assert.deepEqual(summary.actions, [
        {
          action: "delete",
          keyId: EXPIRED,
          inactiveDays: 20,
          userName: "alice",
          outcome: "already-done",
        },
      ]);
      assert.deepEqual(
        aws.iam.commandCalls(UntagUserCommand).map((call) => call.args[0].input),
        [{ UserName: "alice", TagKeys: [deactivationTag(EXPIRED)] }],
      );
    });

    it("fails the invocation on any other delete error", async () => {
      given(
        [ALICE],
        { alice: [{ id: EXPIRED, status: "Inactive", ageDays: 300 }] },
        { alice: recorded(EXPIRED, 20) },
      );
      aws.iam
        .on(DeleteAccessKeyCommand)
        .rejects(Object.assign(new Error("Rate exceeded"), { name: "Throttling" }));
      await assert.rejects(invoke(complianceChange(ALICE)), { name: "Throttling" });
      assert.equal(aws.iam.commandCalls(UntagUserCommand).length, 0, "the record is kept");
    });

    it("leaves an exempt user untouched", async () => {
      given([CI], { "ci-deployer": mixedKeys }, { "ci-deployer": mixedTags });
      await invoke(complianceChange(CI));
      assert.deepEqual(writes(), []);
    });

    it("daily sweep: lists users with GetAccountAuthorizationDetails and touches only tagged ones", async () => {
      aws.iam
        .on(GetAccountAuthorizationDetailsCommand)
        .resolvesOnce({
          UserDetailList: [
            {
              ...ALICE,
              Tags: tagList({ team: "payments", ...recorded(EXPIRED, 20) }),
            },
            { ...BOB, Tags: [{ Key: "team", Value: "payments" }] },
          ],
          IsTruncated: true,
          Marker: "page-2",
        })
        .resolvesOnce({
          UserDetailList: [
            {
              ...CI,
              Tags: tagList(recorded(OLD, 30)),
            },
            { ...iamUser("dave", "AIDA2G65BPRJDAVE00004") },
          ],
          IsTruncated: false,
        });
      given(
        [ALICE, BOB, CI],
        {
          alice: [{ id: EXPIRED, status: "Inactive", ageDays: 300 }],
          bob: [{ id: OLD, status: "Active", ageDays: 300 }],
          "ci-deployer": [{ id: OLD, status: "Inactive", ageDays: 300 }],
        },
        { alice: recorded(EXPIRED, 20), "ci-deployer": recorded(OLD, 30) },
      );
      const { summary } = await invoke(SCHEDULED_EVENT);
      const listings = aws.iam.commandCalls(GetAccountAuthorizationDetailsCommand);
      assert.equal(listings.length, 2);
      assert.deepEqual(listings[0]?.args[0].input.Filter, ["User"]);
      assert.equal(listings[0]?.args[0].input.MaxItems, 1000);
      assert.equal(listings[1]?.args[0].input.Marker, "page-2");
      assert.equal(aws.iam.commandCalls(ListUsersCommand).length, 0);
      assert.deepEqual(
        aws.iam.commandCalls(ListAccessKeysCommand).map((call) => call.args[0].input.UserName),
        ["alice"],
      );
      assert.deepEqual(writes(), [
        ["DeleteAccessKey", { UserName: "alice", AccessKeyId: EXPIRED }],
        ["UntagUser", { UserName: "alice", TagKeys: [deactivationTag(EXPIRED)] }],
      ]);
      assert.equal(summary.skipped, undefined);
      assert.deepEqual(
        summary.actions.map((action) => [action.userName, action.action, action.outcome]),
        [["alice", "delete", "done"]],
      );
    });
  });

  // Mocha runs a suite's own tests before its nested suites: this one must be a suite, last.
  describe("least privilege", () => {
    it("each mode's role grants exactly the calls it made in this file (proven)", () => {
      assert.deepEqual(report.aws.actions.actions, [...permissions("report")].sort());
      assert.deepEqual(deactivate.aws.actions.actions, [...permissions("deactivate")].sort());
      assert.deepEqual(remove.aws.actions.actions, [...permissions("delete")].sort());
    });
  });
});
