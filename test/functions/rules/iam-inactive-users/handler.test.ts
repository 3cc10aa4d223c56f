import {
  ConfigServiceClient,
  GetResourceConfigHistoryCommand,
  PutEvaluationsCommand,
} from "@aws-sdk/client-config-service";
import {
  GenerateCredentialReportCommand,
  GetCredentialReportCommand,
  IAMClient,
  LimitExceededException,
  ListUsersCommand,
  User,
} from "@aws-sdk/client-iam";
import { strict as assert } from "assert";
import { PERMISSIONS, createHandler } from "../../../../functions/rules/iam-inactive-users/handler";
import { REPORT_REUSE_MS } from "../../../../functions/shared/credential-report-rule";
import { INACTIVE_USERS_PARAMETERS } from "../../../../functions/rules/iam-inactive-users/parameters";
import { configEvent, configurationItem, fixtureText } from "../../../helpers/fixtures";
import { memoryLogger, stubClients, stubCredentialReport } from "../../../helpers/sdk";

const aws = stubClients({ config: ConfigServiceClient, iam: IAMClient });

const NOW = new Date("2025-06-10T12:00:00Z");
const CSV = fixtureText("snapshot-shapes/credential-report.csv");
const ACCOUNT_USERS: User[] = [
  ["alice", "AIDA2G65BPRJX3MQADPTP", "2023-02-14T09:30:11Z"],
  ["bob", "AIDAZUN7YS6TXLVI2JKLR", "2022-08-03T11:04:52Z"],
  ["carol", "AIDA6ZZCKRRMP6PJTRY5L", "2025-03-01T10:00:47Z"],
  ["dave", "AIDAIPX3QI74I2C62YTI6", "2024-12-15T14:20:02Z"],
].map(([name, id, created]) => ({
  UserName: name,
  UserId: id,
  Arn: `arn:aws:iam::123456789012:user/${name}`,
  Path: "/",
  CreateDate: new Date(created as string),
}));

function handler(remainingMs = 240_000) {
  const logger = memoryLogger();
  const sleeps: number[] = [];
  const run = createHandler({
    config: new ConfigServiceClient({}),
    iam: new IAMClient({}),
    log: logger.log,
    now: () => NOW,
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
  });
  return {
    invoke: (event: ReturnType<typeof configEvent>) =>
      // Lambda's clock runs down while the handler sleeps.
      run(event, {
        getRemainingTimeInMillis: () => remainingMs - sleeps.reduce((sum, ms) => sum + ms, 0),
      }),
    sleeps,
    logger,
  };
}

/** When the fixture report was generated: after the fixture users, before the paged ones. */
const REPORT_GENERATED = new Date("2025-05-31T00:00:00Z");

function reportReady(csv = CSV) {
  stubCredentialReport(aws.iam, csv, REPORT_GENERATED);
}

function evaluations() {
  return aws.config
    .commandCalls(PutEvaluationsCommand)
    .flatMap((call) => call.args[0].input.Evaluations ?? []);
}

describe("iam-inactive-users handler", () => {
  aws.install();
  beforeEach(() => {
    aws.config.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [] });
  });

  it("evaluates every user on schedule from one credential report, by user id", async () => {
    reportReady();
    aws.iam.on(ListUsersCommand).resolves({ Users: ACCOUNT_USERS, IsTruncated: false });
    const event = configEvent("scheduled");
    await handler().invoke(event);
    assert.deepEqual(
      evaluations().map((e) => [e.ComplianceResourceId, e.ComplianceType]),
      [
        ["AIDA2G65BPRJX3MQADPTP", "COMPLIANT"], // password yesterday
        ["AIDAZUN7YS6TXLVI2JKLR", "NON_COMPLIANT"], // key last used 2024-11-02
        ["AIDA6ZZCKRRMP6PJTRY5L", "NON_COMPLIANT"], // never used, created 2025-03-01 (101 days)
        ["AIDAIPX3QI74I2C62YTI6", "NON_COMPLIANT"], // password no_information, created 2024-12
      ],
    );
    const ordering = new Date(JSON.parse(event.invokingEvent).notificationCreationTime);
    assert.ok(evaluations().every((e) => e.ComplianceResourceType === "AWS::IAM::User"));
    assert.ok(evaluations().every((e) => e.OrderingTimestamp?.getTime() === ordering.getTime()));
    // One report and one listing for the whole account, not calls per user.
    assert.equal(aws.iam.commandCalls(GetCredentialReportCommand).length, 1);
    assert.equal(aws.iam.commandCalls(ListUsersCommand).length, 1);
  });

  it("lists more than 100 users across pages and puts evaluations 100 at a time", async () => {
    const users: User[] = Array.from({ length: 250 }, (_, index) => ({
      UserName: `user-${index}`,
      UserId: `AIDAUSER${String(index).padStart(12, "0")}`,
      Arn: `arn:aws:iam::123456789012:user/user-${index}`,
      Path: "/",
      CreateDate: new Date("2025-06-01T00:00:00Z"),
    }));
    reportReady();
    aws.iam
      .on(ListUsersCommand)
      .resolvesOnce({ Users: users.slice(0, 120), IsTruncated: true, Marker: "page-2" })
      .resolvesOnce({ Users: users.slice(120), IsTruncated: false });
    await handler().invoke(configEvent("scheduled"));
    // (The SDK's paginator reuses one input object, so only the last Marker can be read back.)
    const listings = aws.iam.commandCalls(ListUsersCommand).map((call) => call.args[0].input);
    assert.equal(listings.length, 2);
    assert.ok(listings.every((input) => input.MaxItems === 1000));
    assert.equal(listings[1]?.Marker, "page-2");
    assert.deepEqual(
      aws.config
        .commandCalls(PutEvaluationsCommand)
        .map((call) => call.args[0].input.Evaluations?.length),
      [100, 100, 50],
    );
    // Created after the report was generated, so missing from it: new, so COMPLIANT.
    assert.ok(evaluations().every((e) => e.ComplianceType === "COMPLIANT"));
    assert.equal(new Set(evaluations().map((e) => e.ComplianceResourceId)).size, 250);
  });

  it("gives no verdict to a user the report should hold and lacks, after fetching it once more", async () => {
    const zed: User = {
      UserName: "zed",
      UserId: "AIDAZED0000000000001",
      Arn: "arn:aws:iam::123456789012:user/zed",
      Path: "/",
      // Created long before the report: its row is missing, not yet to come.
      CreateDate: new Date("2023-01-01T00:00:00Z"),
    };
    reportReady();
    aws.iam.on(ListUsersCommand).resolves({ Users: [zed] });
    const run = handler();
    const summary = await run.invoke(configEvent("scheduled"));
    assert.equal(
      aws.iam.commandCalls(GetCredentialReportCommand).length,
      2,
      `fetched once more: ${JSON.stringify(summary)} ${JSON.stringify(run.logger.lines)}`,
    );
    assert.deepEqual(evaluations(), []);
    assert.equal(summary.evaluations, 0);
    const warning = run.logger.lines.find((line) => line.level === "WARN");
    assert.deepEqual(warning?.fields?.users, ["zed"]);
  });

  it("honours maxInactiveDays and exemptUsers from the rule parameters", async () => {
    reportReady();
    aws.iam.on(ListUsersCommand).resolves({ Users: ACCOUNT_USERS });
    await handler().invoke(
      configEvent("scheduled", {
        ruleParameters: { maxInactiveDays: "365", exemptUsers: '["dave"]', refreshDays: "7" },
      }),
    );
    assert.deepEqual(
      evaluations().map((e) => [e.ComplianceResourceId, e.ComplianceType]),
      [
        ["AIDA2G65BPRJX3MQADPTP", "COMPLIANT"],
        ["AIDAZUN7YS6TXLVI2JKLR", "COMPLIANT"],
        ["AIDA6ZZCKRRMP6PJTRY5L", "COMPLIANT"],
        ["AIDAIPX3QI74I2C62YTI6", "COMPLIANT"],
      ],
    );
    assert.match(evaluations()[3]?.Annotation ?? "", /exempt/);
  });

  it("judges one changed user by its id, with the report but no listing", async () => {
    reportReady();
    const event = configEvent("iam-user-change");
    await handler().invoke(event);
    assert.equal(aws.iam.commandCalls(ListUsersCommand).length, 0);
    assert.deepEqual(
      evaluations().map((e) => [
        e.ComplianceResourceType,
        e.ComplianceResourceId,
        e.ComplianceType,
      ]),
      [["AWS::IAM::User", "AIDA2G65BPRJX3MQADPTP", "COMPLIANT"]],
    );
    const captured = JSON.parse(event.invokingEvent).configurationItem.configurationItemCaptureTime;
    assert.deepEqual(evaluations()[0]?.OrderingTimestamp, new Date(captured));
  });

  it("reuses the report across a burst of user changes, and fetches it again after a while", async () => {
    reportReady();
    let clock = NOW;
    const run = createHandler({
      config: new ConfigServiceClient({}),
      iam: new IAMClient({}),
      log: memoryLogger().log,
      now: () => clock,
    });
    await run(configEvent("iam-user-change"));
    await run(configEvent("iam-user-change"));
    assert.equal(aws.iam.commandCalls(GetCredentialReportCommand).length, 1);
    clock = new Date(NOW.getTime() + REPORT_REUSE_MS + 1000);
    await run(configEvent("iam-user-change"));
    assert.equal(aws.iam.commandCalls(GetCredentialReportCommand).length, 2);
    assert.equal(evaluations().length, 3);
  });

  it("fetches an oversized user item from the configuration history", async () => {
    reportReady();
    const alice = configurationItem("iam-user-change");
    aws.config.on(GetResourceConfigHistoryCommand).resolves({
      configurationItems: [
        {
          resourceType: "AWS::IAM::User",
          resourceId: alice.resourceId,
          resourceName: "alice",
          arn: alice.ARN,
          configurationItemStatus: "OK",
          configurationItemCaptureTime: new Date(alice.configurationItemCaptureTime),
          configuration: JSON.stringify(alice.configuration),
        },
      ],
    });
    const event = configEvent("oversized", {
      ruleParameters: INACTIVE_USERS_PARAMETERS.encode({
        maxInactiveDays: 90,
        exemptUsers: [],
        refreshDays: 7,
      }),
      invoking: (invoking) => {
        invoking.configurationItemSummary.resourceType = "AWS::IAM::User";
        invoking.configurationItemSummary.resourceId = alice.resourceId;
      },
    });
    await handler().invoke(event);
    assert.deepEqual(
      evaluations().map((e) => [e.ComplianceResourceId, e.ComplianceType]),
      [["AIDA2G65BPRJX3MQADPTP", "COMPLIANT"]],
    );
  });

  it("waits for the report with backoff, through IAM's throttling", async () => {
    aws.iam
      .on(GenerateCredentialReportCommand)
      .rejectsOnce(
        new LimitExceededException({
          message: "No more capacity to launch new report generation tasks",
          $metadata: {},
        }),
      )
      .resolvesOnce({ State: "STARTED" })
      .resolvesOnce({ State: "INPROGRESS" })
      .resolves({ State: "COMPLETE" });
    aws.iam.on(GetCredentialReportCommand).resolves({ Content: new TextEncoder().encode(CSV) });
    aws.iam.on(ListUsersCommand).resolves({ Users: ACCOUNT_USERS });
    const run = handler();
    await run.invoke(configEvent("scheduled"));
    assert.deepEqual(run.sleeps, [1000, 2000, 4000]);
    assert.equal(aws.iam.commandCalls(GenerateCredentialReportCommand).length, 4);
    assert.equal(evaluations().length, 4);
    assert.ok(run.logger.lines.some((line) => line.fields.state === "THROTTLED"));
  });

  it("gives up before Lambda's timeout when the report never completes", async () => {
    aws.iam.on(GenerateCredentialReportCommand).resolves({ State: "INPROGRESS" });
    aws.iam.on(ListUsersCommand).resolves({ Users: ACCOUNT_USERS });
    const run = handler(60_000);
    await assert.rejects(
      run.invoke(configEvent("scheduled")),
      /not ready in time \(last state INPROGRESS, 9 attempts\)/,
    );
    // 47 s slept of 60: one more 8 s wait would eat into the 10 s safety margin.
    assert.deepEqual(run.sleeps, [1000, 2000, 4000, 8000, 8000, 8000, 8000, 8000]);
    assert.equal(aws.config.commandCalls(PutEvaluationsCommand).length, 0);
  });

  it("rejects a negative day count in the parameters, naming it", async () => {
    const run = handler();
    const summary = await run.invoke(
      configEvent("scheduled", {
        ruleParameters: { maxInactiveDays: "-5", exemptUsers: "[]", refreshDays: "7" },
      }),
    );
    assert.equal(
      summary.skipped,
      'ruleParameters.maxInactiveDays: "-5" is invalid (out of range); expected a whole number from 1 to 3650.',
    );
    assert.equal(aws.iam.calls().length, 0);
  });

  it("its role grants exactly the calls it made (least privilege, proven)", () => {
    assert.deepEqual(aws.actions.actions, [...PERMISSIONS].sort());
  });
});
