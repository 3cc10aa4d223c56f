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
import { RESOURCE_TYPES, Verdict } from "../functions/rules/verdict";
import type { RemediationDefinition, StackFacts, TagScope } from "../functions/shared/definitions";
import { ruleDescription } from "../functions/shared/definitions";
import { Snapshot } from "./snapshot";

/** One line of the report; `--json` prints a list of these. */
export interface RuleVerdict extends Verdict {
  rule: RuleName;
  /** What people call the resource, where the snapshot says: a user's or a group's name. */
  resourceName?: string;
  /** For a violation: what the rule's remediation would do, in its configured mode. */
  remediation?: string;
}

/** The facts a stack in the snapshot's account would know (the MFA policy's ARN, the partition). */
function factsOf(snapshot: Snapshot, settings: Settings): StackFacts {
  const { account } = snapshot;
  return {
    mfaPolicyArn: `arn:${account.partition}:iam::${account.accountId}:policy/${settings.mfaPolicyName}`,
    partition: account.partition,
  };
}

/** What each deployed rule checks, as it describes itself with the stack's parameters. */
export function ruleDescriptions(snapshot: Snapshot, settings: Settings): Map<RuleName, string> {
  const facts = factsOf(snapshot, settings);
  return new Map(
    rulesFor(settings).map((rule) => [
      rule.name,
      ruleDescription(rule, rule.fromSettings(settings, facts)),
    ]),
  );
}

export function evaluateSnapshot(snapshot: Snapshot, settings: Settings): RuleVerdict[] {
  const { account } = snapshot;
  const facts = factsOf(snapshot, settings);
  const verdicts: RuleVerdict[] = [];
  for (const rule of rulesFor(settings)) {
    const parameters = rule.parameters.decode(
      rule.parameters.encode(rule.fromSettings(settings, facts)),
    );
    const remediation = REMEDIATIONS.find((candidate) => candidate.rule === rule.name);
    const describe = remediation && describer(remediation, settings, facts, account);
    const mirrored = rule.mirror(account, parameters);
    const scope = rule.owner === "AWS" ? rule.scopeTag?.(settings) : undefined;
    // An indexed loop: this code runs once per snapshot, unoptimised, where an iterator per
    // verdict costs.
    for (let index = 0; index < mirrored.length; index++) {
      const { resourceType, resourceId } = mirrored[index] as Verdict;
      let { compliance, annotation } = mirrored[index] as Verdict;
      if (scope) {
        const covered = scopeCovers(scope, tagsOf(account, resourceType, resourceId));
        // AWS Config evaluates only the resources its scope covers: the others get no result.
        if (covered === false) continue;
        if (covered === undefined) {
          compliance = "INSUFFICIENT_DATA";
          annotation = `The rule is scoped to resources tagged ${scopeLabel(scope)}, and the snapshot holds no tags for this one (select tags in the query), so whether AWS Config evaluates it is unknown.`;
        }
      }
      // Every verdict has the same fields (undefined where there is nothing to say, which JSON
      // leaves out): one object shape for 100,000 verdicts keeps the evaluation fast.
      const verdict: RuleVerdict = {
        rule: rule.name,
        resourceType,
        resourceId,
        resourceName: nameOf(account, resourceType, resourceId),
        compliance,
        annotation,
        remediation: undefined,
      };
      if (compliance === "NON_COMPLIANT") verdict.remediation = (describe ?? notifyOnly)(verdict);
      verdicts.push(verdict);
    }
  }
  return verdicts;
}

const notifyOnly = () => "notify only";

/** Whether a rule's tag scope covers a resource with these tags; undefined when they are unknown. */
function scopeCovers(
  scope: TagScope,
  tags: ReadonlyMap<string, string> | undefined,
): boolean | undefined {
  if (tags === undefined) return undefined;
  const value = tags.get(scope.key);
  return value !== undefined && (scope.value === undefined || value === scope.value);
}

function scopeLabel({ key, value }: TagScope): string {
  return value === undefined ? key : `${key}=${value}`;
}

/** A resource's tags, where the snapshot read them (security groups' only). */
function tagsOf(
  account: AccountView,
  type: string,
  id: string,
): ReadonlyMap<string, string> | undefined {
  return type === RESOURCE_TYPES.securityGroup ? account.securityGroups.get(id)?.tags : undefined;
}

/** What people call the resource: a user's, security group's or policy's name, where known. */
function nameOf(account: AccountView, type: string, id: string): string | undefined {
  if (type === RESOURCE_TYPES.iamUser) return account.users.get(id)?.userName;
  if (type === RESOURCE_TYPES.securityGroup) return account.securityGroups.get(id)?.groupName;
  if (type === RESOURCE_TYPES.iamPolicy)
    return account.customerManagedPolicies?.get(id)?.policyName;
  return undefined;
}

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
