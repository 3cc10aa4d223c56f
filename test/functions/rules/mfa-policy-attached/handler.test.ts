import {
  ConfigServiceClient,
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
const PARAMETERS = { policyArn: POLICY, exemptUsers: '["carol"]' };

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
      configEvent("scheduled", { ruleParameters: { exemptUsers: '["carol"]' } }),
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
