/** Lambda of the iam-inactive-users rule: every user from one credential report. */
import { ConfigServiceClient } from "@aws-sdk/client-config-service";
import { IAMClient } from "@aws-sdk/client-iam";
import {
  CredentialReport,
  indexCredentialReport,
  parseCredentialReport,
} from "../credential-report";
import { readDate, readObject, readText } from "../unreadable";
import { Verdict } from "../verdict";
import { IamUserIdentity, InactiveUsersParameters, evaluateInactiveUsers } from "./evaluate";
import { RESOURCE_TYPES } from "../verdict";
import { lazyHandler } from "../../shared/lazy";
import { STORED_RESULTS_PERMISSION } from "../../shared/stored-results";
import { fetchCredentialReport, listUsers } from "../../shared/iam";
import {
  RULE_HANDLER_PERMISSIONS,
  RuleContext,
  RuleHandler,
  RuleHandlerDependencies,
  createRuleHandler,
} from "../../shared/rule-handler";
import { INACTIVE_USERS_PARAMETERS } from "./parameters";

export const PERMISSIONS = [
  ...RULE_HANDLER_PERMISSIONS,
  STORED_RESULTS_PERMISSION,
  "iam:GenerateCredentialReport",
  "iam:GetCredentialReport",
  "iam:ListUsers",
];

/** How long a warm function reuses the credential report it fetched. */
export const REPORT_REUSE_MS = 5 * 60 * 1000;

export interface InactiveUsersDependencies extends RuleHandlerDependencies {
  iam: IAMClient;
  /** Waits between credential report polls (tests make it instant). */
  sleep?: (ms: number) => Promise<void>;
}

export function createHandler(
  dependencies: InactiveUsersDependencies = {
    config: new ConfigServiceClient({}),
    iam: new IAMClient({}),
  },
): RuleHandler {
  const { iam, sleep } = dependencies;
  // A warm Lambda reuses the report for a few minutes: a burst of user changes (one
  // notification per user) then costs two IAM calls and one parse, not two calls per user.
  // IAM itself regenerates the report at most every 4 hours.
  let cached: { report: CredentialReport; fetchedAt: number } | undefined;
  const report = async (context: RuleContext, fresh = false) => {
    const at = context.now.getTime();
    if (fresh || !cached || at - cached.fetchedAt > REPORT_REUSE_MS || at < cached.fetchedAt) {
      const { csv, generatedTime } = await fetchCredentialReport(iam, { ...context, sleep });
      cached = {
        report: indexCredentialReport(parseCredentialReport(csv), generatedTime),
        fetchedAt: at,
      };
    }
    return cached.report;
  };

  /**
   * The verdicts of these users. A user the report should hold and does not is looked up once
   * more in a report fetched anew (a warm function's copy may predate the user); still absent,
   * it is logged and gets no verdict: the report cannot say it is active, nor that it is not.
   */
  async function judge(
    users: ReadonlyArray<IamUserIdentity & { arn: string }>,
    firstReport: CredentialReport,
    parameters: InactiveUsersParameters,
    context: RuleContext,
  ): Promise<Verdict[]> {
    const first = evaluateInactiveUsers(users, firstReport, parameters, context.now);
    if (first.unjudged.length === 0) return first.verdicts;
    const missing = new Set(first.unjudged.map((user) => user.userId));
    const again = evaluateInactiveUsers(
      users.filter((user) => missing.has(user.userId)),
      await report(context, true),
      parameters,
      context.now,
    );
    if (again.unjudged.length > 0) {
      context.log("WARN", "Users missing from the credential report: no verdict", {
        rule: "iam-inactive-users",
        users: again.unjudged.map((user) => user.userName),
        reportGeneratedAt: cached?.report.generatedTime?.toISOString(),
      });
    }
    return [...first.verdicts, ...again.verdicts];
  }

  return createRuleHandler(
    {
      name: "iam-inactive-users",
      resourceTypes: [RESOURCE_TYPES.iamUser],
      parameters: INACTIVE_USERS_PARAMETERS,
      refreshDays: (parameters) => parameters.refreshDays,
      async evaluateItem(item, parameters, context) {
        const configuration = readObject(item.configuration, "configuration");
        const createDate = configuration.createDate;
        const user = {
          userId: item.resourceId,
          userName: readText(configuration.userName, "configuration.userName"),
          arn: readText(configuration.arn ?? item.ARN, "configuration.arn"),
          createDate:
            createDate === undefined || createDate === null
              ? undefined
              : readDate(createDate, "configuration.createDate"),
        };
        return judge([user], await report(context), parameters, context);
      },
      async evaluateAll(parameters, context) {
        // The report and the listing at once: neither waits for the other.
        const [firstReport, users] = await Promise.all([report(context), listUsers(iam)]);
        return judge(users, firstReport, parameters, context);
      },
    },
    dependencies,
  );
}

/** The Lambda entry point when this module is deployed as is. */
export const handler = lazyHandler(() => createHandler());
