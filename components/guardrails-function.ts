import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { serviceTrustPolicy } from "./trust-policy";

export interface GuardrailsFunctionArgs {
  description: string;
  /**
   * Makes the handler; Pulumi serializes it with everything it references. It runs once per
   * cold start, so SDK clients belong inside it (a client made at deployment time captures
   * native crypto and does not serialize).
   */
  callbackFactory: aws.lambda.CallbackFactory<never, unknown>;
  /** Exactly the API actions the handler calls; the role grants these and no others. */
  permissions: readonly string[];
  /** Settings the handler reads from `process.env` at cold start. */
  environment?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** CloudWatch Logs retention of the function's log group, in days. */
  logRetentionDays: number;
  /** MB; CPU scales with memory. */
  memorySize: number;
  /** Seconds. */
  timeout: number;
  tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** The region of its regional resources; the provider's when absent. */
  region?: string;
  /** The role's IAM path: member roles trust the audit account's functions by path. */
  rolePath?: string;
  /** Statements the handler needs beyond `permissions` (assuming member roles). */
  statements?: pulumi.Input<Record<string, unknown>>[];
}

/**
 * Packages left out of every Lambda zip: the Node.js 22 runtime ships the AWS SDK v3, and
 * `CallbackFunction` would otherwise zip each client with its whole dependency tree (client-ec2
 * alone is 28 MB) whatever the function uses. See the README's "Lambda packages".
 */
export const RUNTIME_PROVIDED_PACKAGES = [
  "@aws-sdk/client-config-service",
  "@aws-sdk/client-ec2",
  "@aws-sdk/client-iam",
  "@aws-sdk/client-organizations",
  "@aws-sdk/client-sts",
];

export const LAMBDA_RUNTIME = aws.lambda.Runtime.NodeJS22dX;

/**
 * A TypeScript callback serialized into a Lambda, with its own least-privilege role, X-Ray
 * tracing and a log group with retention: what every rule and remediation of this program runs on.
 */
export class GuardrailsFunction extends pulumi.ComponentResource {
  public readonly function: aws.lambda.CallbackFunction<never, unknown>;
  public readonly roleName: pulumi.Output<string>;

  constructor(name: string, args: GuardrailsFunctionArgs, opts?: pulumi.ComponentResourceOptions) {
    super("guardrails:index:GuardrailsFunction", name, {}, opts);
    const parent = { parent: this };

    const logGroup = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      {
        name: `/aws/lambda/guardrails/${name}`,
        retentionInDays: args.logRetentionDays,
        region: args.region,
        tags: args.tags,
      },
      parent,
    );
    const role = new aws.iam.Role(
      `${name}-role`,
      {
        description: `Runs ${name}: exactly the calls its handler makes.`,
        assumeRolePolicy: serviceTrustPolicy("lambda.amazonaws.com"),
        path: args.rolePath,
        tags: args.tags,
      },
      parent,
    );
    const rolePolicy = new aws.iam.RolePolicy(
      `${name}-policy`,
      {
        role: role.id,
        policy: handlerPolicy(args.permissions, logGroup.arn, args.statements ?? []),
      },
      parent,
    );
    this.function = new aws.lambda.CallbackFunction(
      `${name}-function`,
      {
        description: args.description,
        callbackFactory: args.callbackFactory,
        runtime: LAMBDA_RUNTIME,
        role,
        memorySize: args.memorySize,
        timeout: args.timeout,
        environment: args.environment ? { variables: args.environment } : undefined,
        tracingConfig: { mode: "Active" },
        loggingConfig: { logFormat: "Text", logGroup: logGroup.name },
        codePathOptions: { extraExcludePackages: RUNTIME_PROVIDED_PACKAGES },
        region: args.region,
        tags: args.tags,
      },
      { parent: this, dependsOn: [rolePolicy] },
    );
    this.roleName = role.name;
    this.registerOutputs({ functionArn: this.function.arn });
  }
}

/** The handler's calls, plus writing to its own log group and X-Ray. */
export function handlerPolicy(
  permissions: readonly string[],
  logGroupArn: pulumi.Input<string>,
  statements: readonly pulumi.Input<Record<string, unknown>>[] = [],
): pulumi.Output<string> {
  return pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      // These read, evaluation and repair calls are scoped by the handler's own checks (exempt
      // users, forbidden ports), not by resource ARNs known at deployment.
      ...(permissions.length > 0
        ? [{ Sid: "HandlerCalls", Effect: "Allow", Action: [...permissions].sort(), Resource: "*" }]
        : []),
      ...statements,
      {
        Sid: "OwnLogGroup",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: pulumi.interpolate`${logGroupArn}:*`,
      },
      {
        Sid: "Tracing",
        Effect: "Allow",
        Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
        Resource: "*",
      },
    ],
  });
}
