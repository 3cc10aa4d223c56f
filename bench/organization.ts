/**
 * The invoke permission of an organization custom rule's function, written the other way: one
 * statement per member account (AWS Config of that account, `AWS:SourceAccount`), as Lambda's
 * GetPolicy returns it. What it measures: the policy's size in bytes for N accounts against
 * Lambda's 20 KB per function, with the longest function name this program makes (the rule
 * name and the longest region name). Not a timing.
 */
import { RULE_NAMES } from "../functions/catalog";

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
