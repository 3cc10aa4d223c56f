/**
 * Evaluates a snapshot with the very evaluators the Lambdas run (and mirrors of AWS's managed
 * rules), for the rules and remediations the stack's settings deploy: what those rules would
 * report for that account, and what each remediation would do about it in its configured mode.
 *
 * Each rule is given its parameters as the deployed rule receives them: the settings encoded
 * into InputParameters (or a function's environment) and decoded again by the same codec.
 */
import { Settings } from "../config";
import { REMEDIATIONS, RuleName, isLambdaRemediation, rulesFor } from "../functions/catalog";
import { AccountView } from "../functions/rules/account";
import { Verdict } from "../functions/rules/verdict";
import type { RemediationDefinition, StackFacts } from "../functions/shared/definitions";
import { Snapshot } from "./snapshot";

/** One line of the report; `--json` prints a list of these. */
export interface RuleVerdict extends Verdict {
  rule: RuleName;
  /** For a violation: what the rule's remediation would do, in its configured mode. */
  remediation?: string;
}

export function evaluateSnapshot(snapshot: Snapshot, settings: Settings): RuleVerdict[] {
  const { account } = snapshot;
  const facts: StackFacts = {
    mfaPolicyArn: `arn:${account.partition}:iam::${account.accountId}:policy/${settings.mfaPolicyName}`,
  };
  const verdicts: RuleVerdict[] = [];
  for (const rule of rulesFor(settings)) {
    const parameters = rule.parameters.decode(
      rule.parameters.encode(rule.fromSettings(settings, facts)),
    );
    const remediation = REMEDIATIONS.find((candidate) => candidate.rule === rule.name);
    const describe = remediation && describer(remediation, settings, facts, account);
    for (const { resourceType, resourceId, compliance, annotation } of rule.mirror(
      account,
      parameters,
    )) {
      const verdict: RuleVerdict = {
        rule: rule.name,
        resourceType,
        resourceId,
        compliance,
        annotation,
      };
      if (compliance === "NON_COMPLIANT") {
        const planned = (describe ?? notifyOnly)(verdict);
        if (planned) verdict.remediation = planned;
      }
      verdicts.push(verdict);
    }
  }
  return verdicts;
}

const notifyOnly = () => "notify only";

/** What the rule's remediation would do about a violation, in the mode the settings give it. */
function describer(
  remediation: RemediationDefinition,
  settings: Settings,
  facts: StackFacts,
  account: AccountView,
): (verdict: Verdict) => string | undefined {
  const mode = remediation.mode(settings);
  if (mode === "off") return () => "off: notify only";
  if (!isLambdaRemediation(remediation)) {
    return () =>
      mode === "automatic"
        ? `automatic mode, will ${remediation.action}`
        : `report mode: an operator can ${remediation.action}`;
  }
  const environment = remediation.environment.decode(
    remediation.environment.encode(remediation.fromSettings(settings, facts)),
  );
  return remediation.describer(account, environment);
}

/** The report for people: per rule, each resource's verdict, annotation and remediation. */
export function renderVerdicts(verdicts: readonly RuleVerdict[], snapshot: Snapshot): string {
  const lines = [
    `Account snapshot ${snapshot.dir} (as of ${snapshot.generatedTime.toISOString()}), evaluated with the stack's settings:`,
  ];
  const byRule = new Map<string, RuleVerdict[]>();
  for (const verdict of verdicts) {
    const ofRule = byRule.get(verdict.rule);
    if (ofRule) ofRule.push(verdict);
    else byRule.set(verdict.rule, [verdict]);
  }
  lines.push(...snapshot.notes.map((note) => `(${note})`));
  for (const [rule, ofRule] of byRule) {
    const failing = ofRule.filter((verdict) => verdict.compliance === "NON_COMPLIANT").length;
    lines.push("", `${rule}: ${failing} NON_COMPLIANT of ${ofRule.length}`);
    for (const verdict of ofRule) {
      lines.push(
        `  ${verdict.compliance.padEnd(14)} ${verdict.resourceType.padEnd(24)} ${verdict.resourceId.padEnd(22)} ${verdict.annotation}`,
      );
      if (verdict.remediation) lines.push(`  ${"".padEnd(62)} -> ${verdict.remediation}`);
    }
  }
  return lines.join("\n");
}
