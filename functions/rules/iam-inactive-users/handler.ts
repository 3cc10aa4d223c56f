/** Lambda of the iam-inactive-users rule: every user from one credential report. */
import { ConfigServiceClient } from "@aws-sdk/client-config-service";
import { IAMClient } from "@aws-sdk/client-iam";
import { CredentialReportRow, parseCredentialReport } from "../credential-report";
import { evaluateInactiveUsers, evaluateUserActivity } from "./evaluate";
import { RESOURCE_TYPES } from "../verdict";
import { lazyHandler } from "../../shared/lazy";
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
  let cached: { rows: CredentialReportRow[]; fetchedAt: number } | undefined;
  const report = async (context: RuleContext) => {
    const at = context.now.getTime();
    if (!cached || at - cached.fetchedAt > REPORT_REUSE_MS || at < cached.fetchedAt) {
      const rows = parseCredentialReport(await fetchCredentialReport(iam, { ...context, sleep }));
      cached = { rows, fetchedAt: at };
    }
    return cached.rows;
  };
  return createRuleHandler(
    {
      name: "iam-inactive-users",
      resourceTypes: [RESOURCE_TYPES.iamUser],
      parameters: INACTIVE_USERS_PARAMETERS,
      async evaluateItem(item, parameters, context) {
        const configuration = (item.configuration ?? {}) as { userName?: string; arn?: string };
        const arn = configuration.arn ?? item.ARN;
        const row = (await report(context)).find((candidate) => candidate.arn === arn);
        const user = {
          userId: item.resourceId,
          userName: configuration.userName ?? item.resourceName ?? "",
        };
        return [evaluateUserActivity(user, row, parameters, context.now)];
      },
      async evaluateAll(parameters, context) {
        const [rows, users] = await Promise.all([report(context), listUsers(iam)]);
        return evaluateInactiveUsers(users, rows, parameters, context.now);
      },
    },
    dependencies,
  );
}

/** The Lambda entry point when this module is deployed as is. */
export const handler = lazyHandler(() => createHandler());
