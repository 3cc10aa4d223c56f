/**
 * The Lambda of a rule that judges IAM users from the credential report: every user from one
 * report on a periodic run, one user on a change. The rule brings its name, parameters and
 * evaluator; fetching, reusing and refetching the report, and listing the users, live here once.
 */
import { ConfigServiceClient } from "@aws-sdk/client-config-service";
import { IAMClient } from "@aws-sdk/client-iam";
import {
  CredentialReport,
  ReportUser,
  ReportVerdicts,
  indexCredentialReport,
  parseCredentialReport,
} from "../rules/credential-report";
import { readDate, readObject, readText } from "../rules/unreadable";
import { RESOURCE_TYPES, Verdict } from "../rules/verdict";
import type { BoundaryCodec, PeriodicParameters } from "./boundary";
import { fetchCredentialReport, listUsers } from "./iam";
import {
  RULE_HANDLER_PERMISSIONS,
  RuleContext,
  RuleHandler,
  RuleHandlerDependencies,
  createRuleHandler,
} from "./rule-handler";
import { STORED_RESULTS_PERMISSION } from "./stored-results";

export const CREDENTIAL_REPORT_RULE_PERMISSIONS = [
  ...RULE_HANDLER_PERMISSIONS,
  STORED_RESULTS_PERMISSION,
  "iam:GenerateCredentialReport",
  "iam:GetCredentialReport",
  "iam:ListUsers",
];

/** How long a warm function reuses the credential report it fetched. */
export const REPORT_REUSE_MS = 5 * 60 * 1000;

export interface CredentialReportRuleDependencies extends RuleHandlerDependencies {
  iam: IAMClient;
  /** Waits between credential report polls (tests make it instant). */
  sleep?: (ms: number) => Promise<void>;
}

export interface CredentialReportRule<Parameters extends PeriodicParameters> {
  name: string;
  parameters: BoundaryCodec<Parameters>;
  /** Every user's verdict from one report; `now` is the time ages are judged against. */
  evaluate(
    users: readonly ReportUser[],
    report: CredentialReport,
    parameters: Parameters,
    now: Date,
  ): ReportVerdicts;
}

function createCredentialReportRuleHandler<Parameters extends PeriodicParameters>(
  rule: CredentialReportRule<Parameters>,
  dependencies: CredentialReportRuleDependencies,
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
   * it is logged and gets no verdict: the report cannot say anything about it.
   */
  async function judge(
    users: readonly ReportUser[],
    firstReport: CredentialReport,
    parameters: Parameters,
    context: RuleContext,
  ): Promise<Verdict[]> {
    const first = rule.evaluate(users, firstReport, parameters, context.now);
    if (first.unjudged.length === 0) return first.verdicts;
    const again = rule.evaluate(
      first.unjudged,
      await report(context, true),
      parameters,
      context.now,
    );
    if (again.unjudged.length > 0) {
      context.log("WARN", "Users missing from the credential report: no verdict", {
        rule: rule.name,
        users: again.unjudged.map((user) => user.userName),
        reportGeneratedAt: cached?.report.generatedTime?.toISOString(),
      });
    }
    return [...first.verdicts, ...again.verdicts];
  }

  return createRuleHandler(
    {
      name: rule.name,
      resourceTypes: [RESOURCE_TYPES.iamUser],
      parameters: rule.parameters,
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

/**
 * A credential-report rule's `createHandler`: its clients by default, or those given (a member
 * account's). What it captures (the rule's name, codec and evaluator) is what Pulumi packages.
 */
export function credentialReportRuleFactory<Parameters extends PeriodicParameters>(
  rule: CredentialReportRule<Parameters>,
): (dependencies?: CredentialReportRuleDependencies) => RuleHandler {
  return (dependencies = { config: new ConfigServiceClient({}), iam: new IAMClient({}) }) =>
    createCredentialReportRuleHandler(rule, dependencies);
}
