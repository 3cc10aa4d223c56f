/**
 * Evaluates a snapshot with the very evaluators the Lambdas run and the stack's settings: what
 * the deployed rules would report for that account.
 */
import { Settings } from "../config";
import { RuleName } from "../functions/rules/catalog";
import { parseCredentialReport } from "../functions/rules/credential-report";
import {
  SecurityGroupIngress,
  evaluateInstance,
  evaluateSecurityGroup,
  instanceFromConfiguration,
  securityGroupFromConfiguration,
} from "../functions/rules/exposed-ports";
import { evaluateInactiveUsers } from "../functions/rules/iam-inactive-users";
import {
  evaluateMfaPolicies,
  fromAuthorizationDetails,
} from "../functions/rules/mfa-policy-attached";
import { RESOURCE_TYPES, Verdict } from "../functions/rules/verdict";
import { Snapshot } from "./snapshot";

/** One line of the report; `--json` prints a list of these. */
export interface RuleVerdict extends Verdict {
  rule: RuleName;
}

export function evaluateSnapshot(snapshot: Snapshot, settings: Settings): RuleVerdict[] {
  const enabled = (rule: RuleName) => !settings.disabledRules.includes(rule);
  const verdicts: RuleVerdict[] = [];
  const add = (rule: RuleName, found: Verdict[]) =>
    verdicts.push(...found.map((verdict) => ({ rule, ...verdict })));

  if (enabled("exposed-ports")) add("exposed-ports", exposedPorts(snapshot, settings));
  // As deployed: the IAM rules run only where global resources are recorded.
  if (settings.recorder.includeGlobalResources) {
    const users = (snapshot.authorizationDetails.UserDetailList ?? []).map((user) => ({
      userId: user.UserId ?? "",
      userName: user.UserName ?? "",
      arn: user.Arn ?? "",
    }));
    if (enabled("iam-inactive-users")) {
      const report = parseCredentialReport(snapshot.credentialReportCsv);
      add(
        "iam-inactive-users",
        evaluateInactiveUsers(users, report, settings, snapshot.generatedTime),
      );
    }
    if (enabled("mfa-policy-attached")) {
      const { users: policies, groupPolicies } = fromAuthorizationDetails(
        snapshot.authorizationDetails,
      );
      const account = users[0]?.arn.split(":")[4] ?? "";
      const policyArn = `arn:aws:iam::${account}:policy/${settings.mfaPolicyName}`;
      add(
        "mfa-policy-attached",
        evaluateMfaPolicies(policies, groupPolicies, {
          policyArn,
          exemptUsers: settings.exemptUsers,
        }),
      );
    }
  }
  return verdicts;
}

function exposedPorts(snapshot: Snapshot, settings: Settings): Verdict[] {
  const current = snapshot.items.filter(
    (item) => item.configurationItemStatus !== "ResourceDeleted",
  );
  const groups = new Map<string, SecurityGroupIngress>(
    current
      .filter((item) => item.resourceType === RESOURCE_TYPES.securityGroup)
      .map((item) => [
        item.resourceId,
        securityGroupFromConfiguration((item.configuration ?? {}) as never),
      ]),
  );
  return [
    ...[...groups.values()].map((group) => evaluateSecurityGroup(group, settings.forbiddenPorts)),
    ...current
      .filter((item) => item.resourceType === RESOURCE_TYPES.instance)
      .map((item) =>
        evaluateInstance(
          instanceFromConfiguration(item.resourceId, item.configuration as never),
          groups,
          settings.forbiddenPorts,
        ),
      ),
  ];
}

/** The report for people: per rule, each resource's verdict and annotation. */
export function renderVerdicts(verdicts: readonly RuleVerdict[], snapshot: Snapshot): string {
  const lines = [
    `Account snapshot ${snapshot.dir} (as of ${snapshot.generatedTime.toISOString()}), evaluated with the stack's settings:`,
  ];
  const rules = [...new Set(verdicts.map((verdict) => verdict.rule))];
  for (const rule of rules) {
    const ofRule = verdicts.filter((verdict) => verdict.rule === rule);
    const failing = ofRule.filter((verdict) => verdict.compliance === "NON_COMPLIANT").length;
    lines.push("", `${rule}: ${failing} NON_COMPLIANT of ${ofRule.length}`);
    for (const verdict of ofRule) {
      lines.push(
        `  ${verdict.compliance.padEnd(14)} ${verdict.resourceType.padEnd(24)} ${verdict.resourceId.padEnd(22)} ${verdict.annotation}`,
      );
    }
  }
  return lines.join("\n");
}
