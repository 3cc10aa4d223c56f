/** IAM reads shared by the rules and remediators: listings with pagination, the credential report. */
import {
  GenerateCredentialReportCommand,
  GetCredentialReportCommand,
  IAMClient,
  paginateListUsers,
} from "@aws-sdk/client-iam";
import { Logger } from "./log";
import { collectPages } from "./paginate";

export interface IamUser {
  userId: string;
  userName: string;
  arn: string;
  createDate?: Date;
}

/** Every IAM user, 1,000 per call (ListUsers' largest page). */
export async function listUsers(iam: IAMClient): Promise<IamUser[]> {
  const users = await collectPages(
    paginateListUsers({ client: iam, pageSize: 1000 }, {}),
    (page) => page.Users,
  );
  return users.map((user) => ({
    userId: user.UserId ?? "",
    userName: user.UserName ?? "",
    arn: user.Arn ?? "",
    createDate: user.CreateDate,
  }));
}

/** The user Config names by id (`AIDA...`): IAM looks users up by name, so list and match. */
export async function findUserById(iam: IAMClient, userId: string): Promise<IamUser | undefined> {
  for await (const page of paginateListUsers({ client: iam, pageSize: 1000 }, {})) {
    const user = page.Users?.find((candidate) => candidate.UserId === userId);
    if (user)
      return {
        userId,
        userName: user.UserName ?? "",
        arn: user.Arn ?? "",
        createDate: user.CreateDate,
      };
  }
  return undefined;
}

export interface CredentialReportOptions {
  log: Logger;
  /** Milliseconds left to the caller; polling stops with an error before it runs out. */
  remainingTimeMs(): number;
  sleep?: (ms: number) => Promise<void>;
}

const SAFETY_MARGIN_MS = 10_000;
const MAX_BACKOFF_MS = 8_000;
/** A bound that holds even if the remaining-time clock were stuck. */
const MAX_ATTEMPTS = 60;

/**
 * The account's credential report as CSV text. IAM regenerates it at most every 4 hours;
 * generation is asynchronous and throttled account-wide (LimitExceeded, "No more capacity to
 * launch new report generation tasks"), so poll with exponential backoff within the time left.
 */
export async function fetchCredentialReport(
  iam: IAMClient,
  options: CredentialReportOptions,
): Promise<{ csv: string; generatedTime?: Date }> {
  const sleep =
    options.sleep ?? ((ms: number) => new Promise<void>((done) => setTimeout(done, ms)));
  for (let attempt = 0; ; attempt++) {
    let state: string | undefined;
    try {
      state = (await iam.send(new GenerateCredentialReportCommand({}))).State;
    } catch (error) {
      if ((error as Error).name !== "LimitExceededException") throw error;
      state = "THROTTLED";
    }
    if (state === "COMPLETE") {
      try {
        const report = await iam.send(new GetCredentialReportCommand({}));
        return {
          csv: Buffer.from(report.Content ?? new Uint8Array()).toString("utf8"),
          generatedTime: report.GeneratedTime,
        };
      } catch (error) {
        // Expired or regenerating between the two calls: generate again.
        const name = (error as Error).name;
        if (
          name !== "CredentialReportNotReadyException" &&
          name !== "CredentialReportExpiredException" &&
          name !== "CredentialReportNotPresentException"
        ) {
          throw error;
        }
        state = name;
      }
    }
    const wait = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** attempt);
    if (options.remainingTimeMs() - wait < SAFETY_MARGIN_MS || attempt + 1 >= MAX_ATTEMPTS) {
      throw new Error(
        `The credential report was not ready in time (last state ${state}, ${attempt + 1} attempts).`,
      );
    }
    options.log("INFO", "Waiting for the credential report", {
      state,
      attempt: attempt + 1,
      waitMs: wait,
    });
    await sleep(wait);
  }
}
