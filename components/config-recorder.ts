import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { denyInsecureTransport, lockDownBucket } from "./private-bucket";
import { serviceTrustPolicy } from "./trust-policy";
import { withDefaults } from "./defaults";

export interface ConfigRecorderArgs {
  /**
   * Create the recorder, its delivery channel and bucket (true), or reuse the recorder the
   * account already has in this region (false: AWS allows one per region).
   */
  create: boolean;
  /** Name of the recorder to create or reuse. */
  recorderName: string;
  /**
   * Record global resource types (IAM users, groups, policies) as well. Turn it on in one region
   * per account: recording them everywhere duplicates items, evaluations and cost.
   */
  includeGlobalResources: boolean;
  /** Days a delivered snapshot or history file is kept. Default: 2557 (Config's own 7 years). */
  retentionDays?: number;
  /** Days before delivered files move to S3 Standard-IA. Default: 30. */
  infrequentAccessAfterDays?: number;
  /** How often Config delivers a full snapshot. Default: "TwentyFour_Hours". */
  snapshotFrequency?: pulumi.Input<string>;
  /** Tags for the taggable resources (role, bucket). */
  tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

const DEFAULTS = {
  retentionDays: 2557,
  infrequentAccessAfterDays: 30,
  snapshotFrequency: "TwentyFour_Hours",
} as const;

/**
 * AWS Config's recorder with everything it needs: its service role, a hardened delivery bucket,
 * the delivery channel and the recorder status, created in the order AWS requires (recorder,
 * then channel, then recording on). Rules must depend on `ruleDependencies`, or they are created
 * before anything is recorded and evaluate nothing.
 */
export class ConfigRecorder extends pulumi.ComponentResource {
  /** Name of the recorder, created or reused. */
  public readonly recorderName: pulumi.Output<string>;
  /** Name of the delivery bucket; undefined when an existing recorder is reused. */
  public readonly bucketName: pulumi.Output<string | undefined>;
  /** Whether global resources (IAM) are recorded by the recorder this component created. */
  public readonly recordsGlobalResources: boolean;
  /** What a Config rule must depend on: the recorder being on. Empty when reusing one. */
  public readonly ruleDependencies: pulumi.Resource[];

  constructor(name: string, args: ConfigRecorderArgs, opts?: pulumi.ComponentResourceOptions) {
    super("guardrails:index:ConfigRecorder", name, {}, opts);
    const settings = withDefaults(DEFAULTS, args);
    this.recordsGlobalResources = settings.create && settings.includeGlobalResources;

    if (!settings.create) {
      this.recorderName = pulumi.output(settings.recorderName);
      this.bucketName = pulumi.output(undefined);
      this.ruleDependencies = [];
      this.registerOutputs({ recorderName: this.recorderName });
      return;
    }

    const parent = { parent: this };
    const account = aws.getCallerIdentityOutput({}, parent);
    const partition = aws.getPartitionOutput({}, parent).partition;

    const role = new aws.iam.Role(
      `${name}-role`,
      {
        description: "Lets AWS Config read resource configurations and deliver them to S3.",
        // aws:SourceAccount: another account's Config cannot use this role (confused deputy).
        assumeRolePolicy: serviceTrustPolicy("config.amazonaws.com", account.accountId),
        tags: args.tags,
      },
      parent,
    );
    const managedPolicy = new aws.iam.RolePolicyAttachment(
      `${name}-read-policy`,
      {
        role: role.name,
        policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/service-role/AWS_ConfigRole`,
      },
      parent,
    );

    const bucket = new aws.s3.Bucket(
      `${name}-bucket`,
      // Compliance history is evidence: never empty the bucket on `pulumi destroy`.
      { forceDestroy: false, tags: args.tags },
      parent,
    );
    const { publicAccessBlock, encryption } = lockDownBucket(name, bucket, undefined, parent);
    new aws.s3.BucketLifecycleConfiguration(
      `${name}-bucket-lifecycle`,
      {
        bucket: bucket.id,
        rules: [
          {
            id: "config-history-retention",
            status: "Enabled",
            filter: {},
            transitions: [
              { days: settings.infrequentAccessAfterDays, storageClass: "STANDARD_IA" },
            ],
            expiration: { days: settings.retentionDays },
            abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
          },
        ],
      },
      parent,
    );

    const deliveryPrefix = pulumi.interpolate`${bucket.arn}/AWSLogs/${account.accountId}/Config/*`;
    const bucketPolicy = new aws.s3.BucketPolicy(
      `${name}-bucket-policy`,
      {
        bucket: bucket.id,
        policy: configBucketPolicy(bucket.arn, deliveryPrefix, account.accountId),
      },
      // S3 rejects a policy while the public access block is being written.
      { parent: this, dependsOn: [publicAccessBlock] },
    );
    // A custom (not service-linked) role delivers with its own permissions, not the bucket's.
    const deliveryPolicy = new aws.iam.RolePolicy(
      `${name}-delivery-policy`,
      {
        role: role.id,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            { Effect: "Allow", Action: "s3:GetBucketAcl", Resource: bucket.arn },
            {
              Effect: "Allow",
              Action: "s3:PutObject",
              Resource: deliveryPrefix,
              Condition: { StringLike: { "s3:x-amz-acl": "bucket-owner-full-control" } },
            },
          ],
        }),
      },
      parent,
    );

    const recorder = new aws.cfg.Recorder(
      `${name}-recorder`,
      {
        name: settings.recorderName,
        roleArn: role.arn,
        recordingGroup: {
          allSupported: true,
          includeGlobalResourceTypes: settings.includeGlobalResources,
        },
      },
      { parent: this, dependsOn: [managedPolicy] },
    );
    const deliveryChannel = new aws.cfg.DeliveryChannel(
      `${name}-delivery-channel`,
      {
        name: settings.recorderName,
        s3BucketName: bucket.bucket,
        snapshotDeliveryProperties: { deliveryFrequency: settings.snapshotFrequency },
      },
      // PutDeliveryChannel checks that Config can write to the bucket, so its permissions first.
      { parent: this, dependsOn: [recorder, bucketPolicy, deliveryPolicy, encryption] },
    );
    const status = new aws.cfg.RecorderStatus(
      `${name}-recorder-status`,
      { name: recorder.name, isEnabled: true },
      { parent: this, dependsOn: [deliveryChannel] },
    );

    this.recorderName = recorder.name;
    this.bucketName = bucket.bucket;
    this.ruleDependencies = [status];
    this.registerOutputs({ recorderName: this.recorderName, bucketName: this.bucketName });
  }
}

/**
 * The bucket policy AWS documents for Config delivery, scoped to this account with
 * `aws:SourceAccount`, plus a deny of every request that is not over TLS.
 */
export function configBucketPolicy(
  bucketArn: pulumi.Input<string>,
  deliveryPrefix: pulumi.Input<string>,
  accountId: pulumi.Input<string>,
): pulumi.Output<string> {
  const fromThisAccountsConfig = {
    Effect: "Allow",
    Principal: { Service: "config.amazonaws.com" },
    Condition: { StringEquals: { "aws:SourceAccount": accountId } },
  };
  return pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AWSConfigBucketPermissionsCheck",
        ...fromThisAccountsConfig,
        Action: "s3:GetBucketAcl",
        Resource: bucketArn,
      },
      {
        Sid: "AWSConfigBucketExistenceCheck",
        ...fromThisAccountsConfig,
        Action: "s3:ListBucket",
        Resource: bucketArn,
      },
      {
        Sid: "AWSConfigBucketDelivery",
        ...fromThisAccountsConfig,
        Action: "s3:PutObject",
        Resource: deliveryPrefix,
        Condition: {
          StringEquals: {
            "aws:SourceAccount": accountId,
            "s3:x-amz-acl": "bucket-owner-full-control",
          },
        },
      },
      denyInsecureTransport(bucketArn),
    ],
  });
}
