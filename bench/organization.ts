/**
 * An organization's figures, computed rather than timed. The invoke permission of an
 * organization custom rule's function, written the other way: one
 * statement per member account (AWS Config of that account, `AWS:SourceAccount`), as Lambda's
 * GetPolicy returns it. What it measures: the policy's size in bytes for N accounts against
 * Lambda's 20 KB per function, with the longest function name this program makes (the rule
 * name and the longest region name). Not a timing.
 */
import { parseSettings } from "../config";
import { RULE_NAMES, isLambdaRemediation, remediationsFor, rulesFor } from "../functions/catalog";
import { memberSettings, organizationRegions } from "../organization/baseline";

/** Lambda's limit on a function's resource-based policy. */
export const FUNCTION_POLICY_LIMIT_BYTES = 20 * 1024;

const LONGEST_REGION = "ap-southeast-5";

function statement(functionArn: string, accountId: string, sid: string) {
  return {
    Sid: sid,
    Effect: "Allow",
    Principal: { Service: "config.amazonaws.com" },
    Action: "lambda:InvokeFunction",
    Resource: functionArn,
    Condition: { StringEquals: { "AWS:SourceAccount": accountId } },
  };
}

export interface PolicySize {
  accounts: number;
  bytes: number;
}

export function invokePolicySizes(counts: readonly number[]): {
  sizes: PolicySize[];
  fitting: number;
} {
  const longestRule = [...RULE_NAMES].sort((a, b) => b.length - a.length)[0] ?? "";
  // As Pulumi names the function: the resource name and a random suffix.
  const functionName = `${longestRule}-${LONGEST_REGION}-function-0a1b2c3`;
  const functionArn = `arn:aws:lambda:${LONGEST_REGION}:123456789012:function:${functionName}`;
  const policy = (accounts: number) =>
    JSON.stringify({
      Version: "2012-10-17",
      Id: "default",
      Statement: Array.from({ length: accounts }, (_, index) => {
        const accountId = String(100000000000 + index);
        return statement(functionArn, accountId, `${longestRule}-invoke-${accountId}`);
      }),
    });
  const sizes = counts.map((accounts) => ({
    accounts,
    bytes: Buffer.byteLength(policy(accounts)),
  }));
  let fitting = 0;
  while (Buffer.byteLength(policy(fitting + 1)) <= FUNCTION_POLICY_LIMIT_BYTES) fitting++;
  return { sizes, fitting };
}

/** What an organization deploys for the stack defaults, counted from the catalogue. */
export interface OrganizationFootprint {
  regions: number;
  accounts: number;
  /** StackSet stack instances: one per member account and region. */
  stackInstances: number;
  /** Rules AWS Config creates in each member (OrgConfigRule-...), over all its regions. */
  rulesPerMember: number;
  /** Functions in the audit account: custom rules and remediations, per region. */
  auditFunctions: number;
}

/**
 * The organization's size for the stack defaults: the rules and remediations a member account
 * runs (the IAM ones in the home region only), for R regions and N member accounts.
 */
export function organizationFootprint(
  regionCounts: readonly number[],
  accountCounts: readonly number[],
): OrganizationFootprint[] {
  const settings = memberSettings(parseSettings({}));
  const rules = rulesFor(settings);
  const remediations = remediationsFor(settings).filter(isLambdaRemediation);
  return regionCounts.flatMap((regions) => {
    // As many regions as counted, the first the home region.
    const names = Array.from({ length: regions }, (_, index) => `region-${index}`);
    const count = (ruleNames: readonly string[]) =>
      ruleNames.reduce((sum, name) => sum + organizationRegions(name, names, "region-0").length, 0);
    const rulesPerMember = count(rules.map((rule) => rule.name));
    const auditFunctions =
      count(rules.filter((rule) => rule.owner === "CUSTOM_LAMBDA").map((rule) => rule.name)) +
      count(remediations.map((remediation) => remediation.rule));
    return accountCounts.map((accounts) => ({
      regions,
      accounts,
      stackInstances: regions * accounts,
      rulesPerMember,
      auditFunctions,
    }));
  });
}
