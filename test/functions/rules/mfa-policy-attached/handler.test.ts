import {
  ConfigServiceClient,
  EvaluationResult,
  GetComplianceDetailsByConfigRuleCommand,
  GetResourceConfigHistoryCommand,
  PutEvaluationsCommand,
} from "@aws-sdk/client-config-service";
import {
  GetAccountAuthorizationDetailsCommand,
  IAMClient,
  ListAttachedGroupPoliciesCommand,
} from "@aws-sdk/client-iam";
import { strict as assert } from "assert";
import {
  PERMISSIONS,
  createHandler,
} from "../../../../functions/rules/mfa-policy-attached/handler";
import { configEvent, configurationItem, fixture } from "../../../helpers/fixtures";
import { stubClients, LAMBDA_CONTEXT, memoryLogger } from "../../../helpers/sdk";

const aws = stubClients({ config: ConfigServiceClient, iam: IAMClient });

const POLICY = "arn:aws:iam::123456789012:policy/DenyActionWithoutMFA";
const PARAMETERS = { policyArn: POLICY, exemptUsers: '["carol"]', refreshDays: "7" };

function invoke(event: ReturnType<typeof configEvent>) {
  const logger = memoryLogger();
  const handler = createHandler({
    config: new ConfigServiceClient({}),
    iam: new IAMClient({}),
    log: logger.log,
  });
  return handler(event, LAMBDA_CONTEXT);
}

function evaluations() {
  return aws.config
    .commandCalls(PutEvaluationsCommand)
    .flatMap((call) => call.args[0].input.Evaluations ?? []);
}

/** The fixture account with the MFA policy on group admins. */
function authorizationDetails() {
  const details = fixture("snapshot-shapes/authorization-details.json");
  for (const group of details.GroupDetailList) {
    if (group.GroupName === "admins") {
      group.AttachedManagedPolicies.push({ PolicyName: "DenyActionWithoutMFA", PolicyArn: POLICY });
    }
  }
  return details;
}

describe("mfa-policy-attached handler", () => {
  aws.install();
  beforeEach(() => {
    aws.config.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [] });
  });

  it("evaluates every user on schedule from one paginated authorization listing", async () => {
    const details = authorizationDetails();
    aws.iam
      .on(GetAccountAuthorizationDetailsCommand)
      .resolvesOnce({
        UserDetailList: details.UserDetailList.slice(0, 2),
        IsTruncated: true,
        Marker: "m2",
      })
      .resolvesOnce({
        UserDetailList: details.UserDetailList.slice(2),
        GroupDetailList: details.GroupDetailList,
      });
    await invoke(configEvent("scheduled", { ruleParameters: PARAMETERS }));
    const listings = aws.iam
      .commandCalls(GetAccountAuthorizationDetailsCommand)
      .map((call) => call.args[0].input);
    assert.equal(listings.length, 2);
    assert.deepEqual(listings[0]?.Filter, ["User", "Group"]);
    assert.equal(listings[1]?.Marker, "m2");
    assert.deepEqual(
      evaluations().map((e) => [e.ComplianceResourceId, e.ComplianceType, e.Annotation]),
      [
        [
          "AIDA2G65BPRJX3MQADPTP",
          "NON_COMPLIANT",
          "DenyActionWithoutMFA is not attached to alice or its groups (developers).",
        ],
        [
          "AIDAZUN7YS6TXLVI2JKLR",
          "NON_COMPLIANT",
          "DenyActionWithoutMFA is not attached to bob or its groups (developers).",
        ],
        ["AIDA6ZZCKRRMP6PJTRY5L", "COMPLIANT", "carol is exempt (exemptUsers)."],
        [
          "AIDAIPX3QI74I2C62YTI6",
          "COMPLIANT",
          "dave has DenyActionWithoutMFA through group admins.",
        ],
      ],
    );
  });

  describe("a periodic run sends only what changed (each recorded evaluation is billed)", () => {
    const NOW = new Date("2025-06-10T12:00:00Z");
    const DAY = 24 * 60 * 60 * 1000;
    const run = (logger = memoryLogger()) =>
      createHandler({
        config: new ConfigServiceClient({}),
        iam: new IAMClient({}),
        log: logger.log,
        now: () => NOW,
      })(
        {
          ...configEvent("scheduled", { ruleParameters: PARAMETERS }),
          configRuleName: "mfa-policy-attached",
        },
        LAMBDA_CONTEXT,
      );
    /** What Config holds: alice as this run judges her, recorded `daysAgo`. */
    const held = (daysAgo: number, change: Partial<EvaluationResult> = {}): EvaluationResult => ({
      EvaluationResultIdentifier: {
        EvaluationResultQualifier: {
          ConfigRuleName: "mfa-policy-attached",
          ResourceType: "AWS::IAM::User",
          ResourceId: "AIDA2G65BPRJX3MQADPTP",
        },
      },
      ComplianceType: "NON_COMPLIANT",
      Annotation: "DenyActionWithoutMFA is not attached to alice or its groups (developers).",
      ResultRecordedTime: new Date(NOW.getTime() - daysAgo * DAY),
      ...change,
    });
    const sent = () => evaluations().map((e) => e.ComplianceResourceId);
    const ALL = [
      "AIDA2G65BPRJX3MQADPTP",
      "AIDAZUN7YS6TXLVI2JKLR",
      "AIDA6ZZCKRRMP6PJTRY5L",
      "AIDAIPX3QI74I2C62YTI6",
    ];
    beforeEach(() => {
      aws.iam.on(GetAccountAuthorizationDetailsCommand).resolves(authorizationDetails());
    });

    it("leaves out a result Config holds unchanged, reading every page of what it holds", async () => {
      aws.config
        .on(GetComplianceDetailsByConfigRuleCommand)
        .resolvesOnce({ EvaluationResults: [], NextToken: "page-2" })
        .resolvesOnce({ EvaluationResults: [held(1)] });
      const summary = await run();
      assert.deepEqual(sent(), ALL.slice(1));
      assert.equal(summary.unchanged, 1);
      const reads = aws.config.commandCalls(GetComplianceDetailsByConfigRuleCommand);
      assert.deepEqual(reads[0]?.args[0].input, {
        ConfigRuleName: "mfa-policy-attached",
        ComplianceTypes: ["COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE"],
        Limit: 100,
        NextToken: "page-2",
      });
      assert.equal(reads.length, 2);
    });

    const resent: Array<[string, EvaluationResult]> = [
      ["whose compliance changed", held(1, { ComplianceType: "COMPLIANT" })],
      ["whose annotation changed", held(1, { Annotation: "something else" })],
      ["recorded more than refreshDays ago", held(8)],
    ];
    for (const [what, result] of resent) {
      it(`sends a result ${what}`, async () => {
        aws.config
          .on(GetComplianceDetailsByConfigRuleCommand)
          .resolves({ EvaluationResults: [result] });
        await run();
        assert.deepEqual(sent(), ALL);
      });
    }

    it("sends everything for a rule with no results yet", async () => {
      aws.config.on(GetComplianceDetailsByConfigRuleCommand).resolves({ EvaluationResults: [] });
      assert.equal((await run()).unchanged, 0);
      assert.deepEqual(sent(), ALL);
    });

    it("sends everything when the read fails, and says why (fail safe)", async () => {
      aws.config
        .on(GetComplianceDetailsByConfigRuleCommand)
        .rejects(Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" }));
      const logger = memoryLogger();
      await run(logger);
      assert.deepEqual(sent(), ALL);
      const warning = logger.lines.find((line) => line.level === "WARN");
      assert.equal(warning?.fields?.error, "ThrottlingException");
    });

    it("a change notification always sends", async () => {
      aws.config
        .on(GetComplianceDetailsByConfigRuleCommand)
        .resolves({ EvaluationResults: [held(0)] });
      aws.iam.on(ListAttachedGroupPoliciesCommand).resolves({ AttachedPolicies: [] });
      await invoke(configEvent("iam-user-change", { ruleParameters: PARAMETERS }));
      assert.deepEqual(sent(), ["AIDA2G65BPRJX3MQADPTP"]);
      assert.equal(aws.config.commandCalls(GetComplianceDetailsByConfigRuleCommand).length, 0);
    });
  });

  it("puts more than 100 users' evaluations 100 at a time", async () => {
    const users = Array.from({ length: 205 }, (_, index) => ({
      UserName: `user-${index}`,
      UserId: `AIDAUSER${String(index).padStart(12, "0")}`,
      GroupList: ["mfa-required"],
      AttachedManagedPolicies: [],
    }));
    aws.iam.on(GetAccountAuthorizationDetailsCommand).resolves({
      UserDetailList: users,
      GroupDetailList: [
        { GroupName: "mfa-required", AttachedManagedPolicies: [{ PolicyArn: POLICY }] },
      ],
    });
    await invoke(configEvent("scheduled", { ruleParameters: PARAMETERS }));
    assert.deepEqual(
      aws.config
        .commandCalls(PutEvaluationsCommand)
        .map((call) => call.args[0].input.Evaluations?.length),
      [100, 100, 5],
    );
    assert.ok(evaluations().every((e) => e.ComplianceType === "COMPLIANT"));
  });

  it("judges a changed user from its item and its groups' attached policies", async () => {
    aws.iam.on(ListAttachedGroupPoliciesCommand, { GroupName: "developers" }).resolves({
      AttachedPolicies: [
        { PolicyName: "PowerUserAccess", PolicyArn: "arn:aws:iam::aws:policy/PowerUserAccess" },
      ],
    });
    await invoke(configEvent("iam-user-change", { ruleParameters: PARAMETERS }));
    assert.deepEqual(
      aws.iam
        .commandCalls(ListAttachedGroupPoliciesCommand)
        .map((call) => call.args[0].input.GroupName),
      ["developers"],
    );
    assert.deepEqual(
      evaluations().map((e) => [
        e.ComplianceResourceType,
        e.ComplianceResourceId,
        e.ComplianceType,
      ]),
      [["AWS::IAM::User", "AIDA2G65BPRJX3MQADPTP", "NON_COMPLIANT"]],
    );
  });

  it("fetches an oversized user item before judging it", async () => {
    const alice = configurationItem("iam-user-change");
    aws.config.on(GetResourceConfigHistoryCommand).resolves({
      configurationItems: [
        {
          resourceType: "AWS::IAM::User",
          resourceId: alice.resourceId,
          configurationItemStatus: "OK",
          configurationItemCaptureTime: new Date(alice.configurationItemCaptureTime),
          configuration: JSON.stringify({
            ...(alice.configuration as object),
            groupList: ["admins"],
          }),
        },
      ],
    });
    aws.iam
      .on(ListAttachedGroupPoliciesCommand)
      .resolves({ AttachedPolicies: [{ PolicyArn: POLICY }] });
    await invoke(
      configEvent("oversized", {
        ruleParameters: PARAMETERS,
        invoking: (invoking) => {
          invoking.configurationItemSummary.resourceType = "AWS::IAM::User";
          invoking.configurationItemSummary.resourceId = alice.resourceId;
        },
      }),
    );
    assert.deepEqual(
      evaluations().map((e) => [e.ComplianceResourceId, e.ComplianceType]),
      [["AIDA2G65BPRJX3MQADPTP", "COMPLIANT"]],
    );
  });

  it("evaluates nothing and says why when the policy ARN is missing", async () => {
    const summary = await invoke(
      configEvent("scheduled", { ruleParameters: { exemptUsers: '["carol"]', refreshDays: "7" } }),
    );
    assert.match(
      summary.skipped ?? "",
      /ruleParameters\.policyArn: missing; the program always sets it/,
    );
    assert.equal(aws.iam.calls().length + aws.config.calls().length, 0);
  });

  it("its role grants exactly the calls it made (least privilege, proven)", () => {
    assert.deepEqual(aws.actions.actions, [...PERMISSIONS].sort());
  });
});
