import {
  ConfigServiceClient,
  GetResourceConfigHistoryCommand,
  PutEvaluationsCommand,
} from "@aws-sdk/client-config-service";
import { GetCredentialReportCommand, IAMClient, ListUsersCommand, User } from "@aws-sdk/client-iam";
import { strict as assert } from "assert";
import {
  PERMISSIONS,
  createHandler,
} from "../../../../functions/rules/iam-user-one-active-key/handler";
import { configEvent, configurationItem, fixtureText } from "../../../helpers/fixtures";
import {
  LAMBDA_CONTEXT,
  memoryLogger,
  stubClients,
  stubCredentialReport,
} from "../../../helpers/sdk";

const aws = stubClients({ config: ConfigServiceClient, iam: IAMClient });

const NOW = new Date("2025-06-10T12:00:00Z");
const REPORT_GENERATED = new Date("2025-05-31T00:00:00Z");
const PARAMETERS = { exemptUsers: '["Alice"]', refreshDays: "7" };
// The fixture report with bob's second key active: a rotation left half done.
const CSV = fixtureText("snapshot-shapes/credential-report.csv").replace(
  /^(bob,.*?,true,2022-08-03T11:05:19\+00:00,2024-11-02T13:27:00\+00:00,eu-west-1,ec2),false,N\/A,N\/A/m,
  "$1,true,2025-05-02T08:00:00+00:00,2025-05-30T10:00:00+00:00",
);
const user = (name: string, id: string, created: string): User => ({
  UserName: name,
  UserId: id,
  Arn: `arn:aws:iam::123456789012:user/${name}`,
  Path: "/",
  CreateDate: new Date(created),
});
const ACCOUNT_USERS = [
  user("alice", "AIDA2G65BPRJX3MQADPTP", "2023-02-14T09:30:11Z"),
  user("bob", "AIDAZUN7YS6TXLVI2JKLR", "2022-08-03T11:04:52Z"),
  user("carol", "AIDA6ZZCKRRMP6PJTRY5L", "2025-03-01T10:00:47Z"),
];

function reportReady() {
  stubCredentialReport(aws.iam, CSV, REPORT_GENERATED);
}

function handler() {
  const logger = memoryLogger();
  const run = createHandler({
    config: new ConfigServiceClient({}),
    iam: new IAMClient({}),
    log: logger.log,
    now: () => NOW,
    sleep: () => Promise.resolve(),
  });
  return {
    invoke: (event: ReturnType<typeof configEvent>) => run(event, LAMBDA_CONTEXT),
    logger,
  };
}

function evaluations() {
  return aws.config
    .commandCalls(PutEvaluationsCommand)
    .flatMap((call) => call.args[0].input.Evaluations ?? [])
    .map((e) => [e.ComplianceResourceId, e.ComplianceType, e.Annotation]);
}

const scheduled = () =>
  configEvent("scheduled", {
    ruleParameters: PARAMETERS,
    invoking: (invoking) => (invoking.configRuleName = "iam-user-one-active-key"),
  });

describe("iam-user-one-active-key handler", () => {
  aws.install();
  beforeEach(() => {
    aws.config.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [] });
  });

  it("judges every user on schedule from one credential report", async () => {
    reportReady();
    aws.iam.on(ListUsersCommand).resolves({ Users: ACCOUNT_USERS, IsTruncated: false });
    await handler().invoke(scheduled());
    assert.deepEqual(evaluations(), [
      ["AIDA2G65BPRJX3MQADPTP", "COMPLIANT", "alice is exempt (exemptUsers)."],
      [
        "AIDAZUN7YS6TXLVI2JKLR",
        "NON_COMPLIANT",
        "bob has two active access keys (access key 1 created or rotated on 2022-08-03, access key 2 created or rotated on 2025-05-02); deactivate the one no longer used.",
      ],
      ["AIDA6ZZCKRRMP6PJTRY5L", "COMPLIANT", "carol has one active access key (access key 1)."],
    ]);
    assert.equal(aws.iam.commandCalls(GetCredentialReportCommand).length, 1);
  });

  it("gives a user created after the report no verdict, after fetching the report once more", async () => {
    reportReady();
    const newcomer = user("zoe", "AIDAZOE0000000000001", "2025-06-10T11:00:00Z");
    aws.iam.on(ListUsersCommand).resolves({ Users: [newcomer] });
    const run = handler();
    const summary = await run.invoke(scheduled());
    // Unlike inactivity, being new says nothing about the keys a user holds.
    assert.deepEqual(evaluations(), []);
    assert.equal(summary.evaluations, 0);
    assert.equal(aws.iam.commandCalls(GetCredentialReportCommand).length, 2);
    const warning = run.logger.lines.find((line) => line.level === "WARN");
    assert.deepEqual(warning?.fields, {
      rule: "iam-user-one-active-key",
      users: ["zoe"],
      reportGeneratedAt: REPORT_GENERATED.toISOString(),
    });
  });

  it("judges one changed user, with the report but no listing", async () => {
    reportReady();
    await handler().invoke(configEvent("iam-user-change", { ruleParameters: PARAMETERS }));
    assert.equal(aws.iam.commandCalls(ListUsersCommand).length, 0);
    assert.deepEqual(evaluations(), [
      ["AIDA2G65BPRJX3MQADPTP", "COMPLIANT", "alice is exempt (exemptUsers)."],
    ]);
  });

  it("reads an oversized user item from the configuration history", async () => {
    reportReady();
    const bob = configurationItem("iam-user-change");
    bob.resourceId = "AIDAZUN7YS6TXLVI2JKLR";
    bob.configuration = {
      ...(bob.configuration as object),
      userName: "bob",
      arn: ACCOUNT_USERS[1]?.Arn,
    };
    aws.config.on(GetResourceConfigHistoryCommand).resolves({
      configurationItems: [
        {
          resourceType: "AWS::IAM::User",
          resourceId: bob.resourceId,
          resourceName: "bob",
          configurationItemStatus: "OK",
          configurationItemCaptureTime: new Date(bob.configurationItemCaptureTime),
          configuration: JSON.stringify(bob.configuration),
        },
      ],
    });
    const event = configEvent("oversized", {
      ruleParameters: PARAMETERS,
      invoking: (invoking) => {
        invoking.configurationItemSummary.resourceType = "AWS::IAM::User";
        invoking.configurationItemSummary.resourceId = bob.resourceId;
      },
    });
    await handler().invoke(event);
    assert.deepEqual(
      evaluations().map(([id, compliance]) => [id, compliance]),
      [["AIDAZUN7YS6TXLVI2JKLR", "NON_COMPLIANT"]],
    );
  });

  it("refuses a parameter it does not read, calling nothing", async () => {
    const summary = await handler().invoke(
      configEvent("scheduled", { ruleParameters: { ...PARAMETERS, maxInactiveDays: "90" } }),
    );
    assert.match(
      String(summary.skipped),
      /ruleParameters\.maxInactiveDays: not a parameter of this rule; it reads exemptUsers, refreshDays/,
    );
    assert.equal(aws.iam.calls().length + aws.config.calls().length, 0);
  });

  it("its role grants exactly the calls it made (least privilege, proven)", () => {
    assert.deepEqual(aws.actions.actions, [...PERMISSIONS].sort());
  });
});
