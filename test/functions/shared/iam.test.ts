import {
  CredentialReportExpiredException,
  CredentialReportNotPresentException,
  CredentialReportNotReadyException,
  GenerateCredentialReportCommand,
  GetCredentialReportCommand,
  IAMClient,
  LimitExceededException,
  ListUsersCommand,
  ServiceFailureException,
  User,
} from "@aws-sdk/client-iam";
import { strict as assert } from "assert";
import { fetchCredentialReport, findUserById, listUsers } from "../../../functions/shared/iam";
import { fixtureText } from "../../helpers/fixtures";
import { memoryLogger, stubClients } from "../../helpers/sdk";

const aws = stubClients({ iam: IAMClient });

const CSV = fixtureText("snapshot-shapes/credential-report.csv");

function user(name: string, id: string, created = "2024-01-15T10:00:00Z"): User {
  return {
    UserName: name,
    UserId: id,
    Arn: `arn:aws:iam::123456789012:user/${name}`,
    Path: "/",
    CreateDate: new Date(created),
  };
}

const ALICE = user("alice", "AIDA2G65BPRJX3MQADPTP", "2023-02-14T09:30:11Z");
const BOB = user("bob", "AIDAZUN7YS6TXLVI2JKLR", "2022-08-03T11:04:52Z");
const CAROL = user("carol", "AIDA6ZZCKRRMP6PJTRY5L", "2025-03-01T10:00:47Z");
/** A user as a sparse response might carry it: the id alone. */
const ID_ONLY = { UserId: "AIDAONLYID0000000001" } as User;
const DAVE = user("dave", "AIDAIPX3QI74I2C62YTI6", "2024-12-15T14:20:02Z");

/** ListUsers answers three pages: [alice, bob], [carol], [dave]. */
function threePages() {
  aws.iam
    .on(ListUsersCommand)
    .resolvesOnce({ Users: [ALICE, BOB], IsTruncated: true, Marker: "page-2" })
    .resolvesOnce({ Users: [CAROL], IsTruncated: true, Marker: "page-3" })
    .resolvesOnce({ Users: [DAVE], IsTruncated: false });
}

function listings() {
  return aws.iam.commandCalls(ListUsersCommand).map((call) => call.args[0].input);
}

function throttled() {
  return new LimitExceededException({
    message: "No more capacity to launch new report generation tasks",
    $metadata: {},
  });
}

function reportContent(csv = CSV) {
  return { Content: new TextEncoder().encode(csv), ReportFormat: "text/csv" as const };
}

/**
 * fetchCredentialReport with a recorded `sleep` and a Lambda clock that runs down by the time
 * slept (it stays put when `clock` is "stuck").
 */
function fetchReport(remainingMs = 240_000, clock: "running" | "stuck" = "running") {
  const logger = memoryLogger();
  const sleeps: number[] = [];
  const slept = () => sleeps.reduce((sum, ms) => sum + ms, 0);
  const report = fetchCredentialReport(new IAMClient({}), {
    log: logger.log,
    remainingTimeMs: () => (clock === "stuck" ? remainingMs : remainingMs - slept()),
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
  });
  return { report, sleeps, logger, slept };
}

describe("iam", () => {
  aws.install();

  describe("listUsers", () => {
    it("lists every user across pages, 1,000 a call", async () => {
      threePages();
      const users = await listUsers(new IAMClient({}));
      assert.deepEqual(users, [
        {
          userId: "AIDA2G65BPRJX3MQADPTP",
          userName: "alice",
          arn: "arn:aws:iam::123456789012:user/alice",
          createDate: new Date("2023-02-14T09:30:11Z"),
        },
        {
          userId: "AIDAZUN7YS6TXLVI2JKLR",
          userName: "bob",
          arn: "arn:aws:iam::123456789012:user/bob",
          createDate: new Date("2022-08-03T11:04:52Z"),
        },
        {
          userId: "AIDA6ZZCKRRMP6PJTRY5L",
          userName: "carol",
          arn: "arn:aws:iam::123456789012:user/carol",
          createDate: new Date("2025-03-01T10:00:47Z"),
        },
        {
          userId: "AIDAIPX3QI74I2C62YTI6",
          userName: "dave",
          arn: "arn:aws:iam::123456789012:user/dave",
          createDate: new Date("2024-12-15T14:20:02Z"),
        },
      ]);
      assert.equal(listings().length, 3);
      assert.ok(listings().every((input) => input.MaxItems === 1000));
      // (The SDK's paginator reuses one input object, so only the last Marker can be read back.)
      assert.equal(listings()[2]?.Marker, "page-3");
    });

    it("reads a page without users as none, and missing fields as empty", async () => {
      aws.iam
        .on(ListUsersCommand)
        .resolvesOnce({ Users: undefined, IsTruncated: true, Marker: "page-2" })
        .resolvesOnce({ Users: [ID_ONLY], IsTruncated: false });
      assert.deepEqual(await listUsers(new IAMClient({})), [
        { userId: "AIDAONLYID0000000001", userName: "", arn: "", createDate: undefined },
      ]);
      assert.equal(listings().length, 2);
    });

    it("returns no users for an account without any", async () => {
      aws.iam.on(ListUsersCommand).resolves({ Users: [], IsTruncated: false });
      assert.deepEqual(await listUsers(new IAMClient({})), []);
    });
  });

  describe("findUserById", () => {
    const found: Array<[string, User, number]> = [
      ["on the first page", BOB, 1],
      ["on a later page", CAROL, 2],
      ["on the last page", DAVE, 3],
    ];
    for (const [where, expected, calls] of found) {
      it(`finds a user ${where}, reading no page after it`, async () => {
        threePages();
        const found = await findUserById(new IAMClient({}), expected.UserId ?? "");
        assert.deepEqual(found, {
          userId: expected.UserId,
          userName: expected.UserName,
          arn: expected.Arn,
          createDate: expected.CreateDate,
        });
        assert.equal(listings().length, calls);
        assert.ok(listings().every((input) => input.MaxItems === 1000));
      });
    }

    it("returns undefined for an id no page holds, after reading every page", async () => {
      threePages();
      assert.equal(await findUserById(new IAMClient({}), "AIDANOSUCHUSER000000"), undefined);
      assert.equal(listings().length, 3);
    });

    it("matches by id, not by name", async () => {
      threePages();
      assert.equal(await findUserById(new IAMClient({}), "alice"), undefined);
    });
  });

  describe("fetchCredentialReport", () => {
    it("gets the report at once when it is complete, without waiting", async () => {
      aws.iam.on(GenerateCredentialReportCommand).resolves({ State: "COMPLETE" });
      aws.iam.on(GetCredentialReportCommand).resolves(reportContent());
      const { report, sleeps, logger } = fetchReport();
      assert.equal((await report).csv, CSV);
      assert.deepEqual(sleeps, []);
      assert.deepEqual(logger.lines, []);
      assert.equal(aws.iam.commandCalls(GenerateCredentialReportCommand).length, 1);
      assert.equal(aws.iam.commandCalls(GetCredentialReportCommand).length, 1);
    });

    it("waits with backoff while the report is generated, logging each wait", async () => {
      aws.iam
        .on(GenerateCredentialReportCommand)
        .resolvesOnce({ State: "STARTED" })
        .resolvesOnce({ State: "INPROGRESS" })
        .resolves({ State: "COMPLETE" });
      aws.iam.on(GetCredentialReportCommand).resolves(reportContent());
      const { report, sleeps, logger } = fetchReport();
      assert.equal((await report).csv, CSV);
      assert.deepEqual(sleeps, [1000, 2000]);
      assert.deepEqual(logger.lines, [
        {
          level: "INFO",
          message: "Waiting for the credential report",
          fields: { state: "STARTED", attempt: 1, waitMs: 1000 },
        },
        {
          level: "INFO",
          message: "Waiting for the credential report",
          fields: { state: "INPROGRESS", attempt: 2, waitMs: 2000 },
        },
      ]);
      assert.equal(aws.iam.commandCalls(GenerateCredentialReportCommand).length, 3);
      // Not read before it is complete.
      assert.equal(aws.iam.commandCalls(GetCredentialReportCommand).length, 1);
    });

    it("doubles the wait up to 8 seconds", async () => {
      const generate = aws.iam.on(GenerateCredentialReportCommand);
      for (let index = 0; index < 6; index++) generate.resolvesOnce({ State: "INPROGRESS" });
      generate.resolves({ State: "COMPLETE" });
      aws.iam.on(GetCredentialReportCommand).resolves(reportContent());
      const { report, sleeps } = fetchReport();
      assert.equal((await report).csv, CSV);
      assert.deepEqual(sleeps, [1000, 2000, 4000, 8000, 8000, 8000]);
    });

    it("treats LimitExceededException as throttling and tries again", async () => {
      aws.iam
        .on(GenerateCredentialReportCommand)
        .rejectsOnce(throttled())
        .rejectsOnce(throttled())
        .resolves({ State: "COMPLETE" });
      aws.iam.on(GetCredentialReportCommand).resolves(reportContent());
      const { report, sleeps, logger } = fetchReport();
      assert.equal((await report).csv, CSV);
      assert.deepEqual(sleeps, [1000, 2000]);
      assert.deepEqual(
        logger.lines.map((line) => line.fields.state),
        ["THROTTLED", "THROTTLED"],
      );
      assert.equal(aws.iam.commandCalls(GenerateCredentialReportCommand).length, 3);
    });

    const notReadyYet = [
      CredentialReportNotReadyException,
      CredentialReportExpiredException,
      CredentialReportNotPresentException,
    ];
    for (const Exception of notReadyYet) {
      it(`generates again when GetCredentialReport fails with ${Exception.name}`, async () => {
        aws.iam.on(GenerateCredentialReportCommand).resolves({ State: "COMPLETE" });
        aws.iam
          .on(GetCredentialReportCommand)
          .rejectsOnce(new Exception({ message: "not now", $metadata: {} }))
          .resolves(reportContent());
        const { report, sleeps, logger } = fetchReport();
        assert.equal((await report).csv, CSV);
        assert.deepEqual(sleeps, [1000]);
        assert.equal(logger.lines[0]?.fields.state, Exception.name);
        assert.equal(aws.iam.commandCalls(GenerateCredentialReportCommand).length, 2);
        assert.equal(aws.iam.commandCalls(GetCredentialReportCommand).length, 2);
      });
    }

    it("throws any other error of GenerateCredentialReport at once", async () => {
      aws.iam
        .on(GenerateCredentialReportCommand)
        .rejects(new ServiceFailureException({ message: "internal failure", $metadata: {} }));
      const { report, sleeps } = fetchReport();
      await assert.rejects(report, {
        name: "ServiceFailureException",
        message: "internal failure",
      });
      assert.deepEqual(sleeps, []);
      assert.equal(aws.iam.commandCalls(GenerateCredentialReportCommand).length, 1);
      assert.equal(aws.iam.commandCalls(GetCredentialReportCommand).length, 0);
    });

    it("throws any other error of GetCredentialReport at once", async () => {
      aws.iam.on(GenerateCredentialReportCommand).resolves({ State: "COMPLETE" });
      aws.iam.on(GetCredentialReportCommand).rejects(
        Object.assign(new Error("not authorized to perform: iam:GetCredentialReport"), {
          name: "AccessDenied",
        }),
      );
      const { report, sleeps } = fetchReport();
      await assert.rejects(report, { name: "AccessDenied" });
      assert.deepEqual(sleeps, []);
      assert.equal(aws.iam.commandCalls(GenerateCredentialReportCommand).length, 1);
    });

    it("gives up before the remaining time runs out, keeping a 10 s margin", async () => {
      aws.iam.on(GenerateCredentialReportCommand).resolves({ State: "INPROGRESS" });
      const { report, sleeps, slept } = fetchReport(30_000);
      await assert.rejects(report, {
        message: "The credential report was not ready in time (last state INPROGRESS, 5 attempts).",
      });
      // 15 s slept of 30: another 8 s wait would leave 7 s, inside the margin.
      assert.deepEqual(sleeps, [1000, 2000, 4000, 8000]);
      assert.ok(30_000 - slept() >= 10_000);
      assert.equal(aws.iam.commandCalls(GenerateCredentialReportCommand).length, 5);
      assert.equal(aws.iam.commandCalls(GetCredentialReportCommand).length, 0);
    });

    it("does not wait at all when even the first wait would reach into the margin", async () => {
      aws.iam.on(GenerateCredentialReportCommand).rejects(throttled());
      const { report, sleeps } = fetchReport(10_500);
      await assert.rejects(report, /not ready in time \(last state THROTTLED, 1 attempts\)/);
      assert.deepEqual(sleeps, []);
    });

    it("stops after 60 attempts even if the remaining-time clock is stuck", async () => {
      aws.iam.on(GenerateCredentialReportCommand).resolves({ State: "INPROGRESS" });
      const { report, sleeps } = fetchReport(24 * 3600_000, "stuck");
      await assert.rejects(report, /not ready in time \(last state INPROGRESS, 60 attempts\)/);
      assert.equal(sleeps.length, 59);
      assert.equal(aws.iam.commandCalls(GenerateCredentialReportCommand).length, 60);
    });

    it("really waits when no sleep is injected", async () => {
      aws.iam
        .on(GenerateCredentialReportCommand)
        .resolvesOnce({ State: "STARTED" })
        .resolves({ State: "COMPLETE" });
      aws.iam.on(GetCredentialReportCommand).resolves(reportContent());
      const started = Date.now();
      const report = await fetchCredentialReport(new IAMClient({}), {
        log: memoryLogger().log,
        remainingTimeMs: () => 240_000,
      });
      assert.equal(report.csv, CSV);
      assert.ok(Date.now() - started >= 950, `waited ${Date.now() - started} ms`);
    });
  });
});
