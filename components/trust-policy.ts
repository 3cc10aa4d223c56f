import * as pulumi from "@pulumi/pulumi";

/**
 * The trust policy of a role an AWS service assumes. With `sourceAccount`, only that service
 * acting for this account may assume it (the confused-deputy guard AWS recommends).
 */
export function serviceTrustPolicy(
  service: string,
  sourceAccount?: pulumi.Input<string>,
): pulumi.Output<string> {
  return pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: service },
        Action: "sts:AssumeRole",
        ...(sourceAccount === undefined
          ? {}
          : { Condition: { StringEquals: { "aws:SourceAccount": sourceAccount } } }),
      },
    ],
  });
}
