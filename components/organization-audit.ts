import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { MEMBER_ROLE_NAMES } from "../functions/shared/member-roles";
import { denyInsecureTransport, lockDownBucket } from "./private-bucket";
import { serviceTrustPolicy } from "./trust-policy";

export interface OrganizationAuditArgs {
  /** The central bucket's name: the member baseline's delivery channels write to it. */
  bucketName: pulumi.Input<string>;
  homeRegion: string;
  organizationId: pulumi.Input<string>;
  partition: pulumi.Input<string>;
  tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * The audit account's organization-wide views: the central delivery bucket every member's
 * recorder writes to (its policy scoped to the organization) and an organization aggregator
 * over all regions, in the home region.
 */
export class OrganizationAudit extends pulumi.ComponentResource {
  public readonly bucketName: pulumi.Output<string>;
  public readonly aggregatorName: pulumi.Output<string>;

  constructor(name: string, args: OrganizationAuditArgs, opts?: pulumi.ComponentResourceOptions) {
    super("guardrails:index:OrganizationAudit", name, {}, opts);
    const parent = { parent: this };
    const region = args.homeRegion;

    const bucket = new aws.s3.Bucket(
      `${name}-bucket`,
      // Compliance history of every account is evidence: never emptied by `pulumi destroy`.
      { bucket: args.bucketName, forceDestroy: false, region, tags: args.tags },
      parent,
    );
    const { publicAccessBlock } = lockDownBucket(name, bucket, region, parent);
    new aws.s3.BucketPolicy(
      `${name}-bucket-policy`,
      {
        bucket: bucket.id,
        policy: organizationBucketPolicy(bucket.arn, args.organizationId, args.partition),
        region,
      },
      // S3 rejects a policy while the public access block is being written.
      { parent: this, dependsOn: [publicAccessBlock] },
    );

    const aggregatorRole = new aws.iam.Role(
      `${name}-aggregator-role`,
      {
        description: "AWS Config's organization aggregator: reads the organization's accounts.",
        assumeRolePolicy: serviceTrustPolicy("config.amazonaws.com"),
        tags: args.tags,
      },
      parent,
    );
    const attachment = new aws.iam.RolePolicyAttachment(
      `${name}-aggregator-policy`,
      {
        role: aggregatorRole.name,
        policyArn: pulumi.interpolate`arn:${args.partition}:iam::aws:policy/service-role/AWSConfigRoleForOrganizations`,
      },
      parent,
    );
    const aggregator = new aws.cfg.ConfigurationAggregator(
      `${name}-aggregator`,
      {
        name: "aws-config-guardrails-organization",
        organizationAggregationSource: { allRegions: true, roleArn: aggregatorRole.arn },
        region,
        tags: args.tags,
      },
      { parent: this, dependsOn: [attachment] },
    );

    this.bucketName = bucket.bucket;
    this.aggregatorName = aggregator.name;
    this.registerOutputs({ bucketName: this.bucketName, aggregatorName: this.aggregatorName });
  }
}

/**
 * Config delivery from the organization's accounts only: AWS Config writes with the members'
 * recorder role (the member baseline's, `aws:PrincipalOrgID`), each to its own account's prefix
 * and handing the objects to the bucket's owner; plus a deny of every request that is not over
 * TLS. No statement for Config's service principal: its fallback delivery accepts no
 * organization condition, and an account list would have to follow the organization.
 */
export function organizationBucketPolicy(
  bucketArn: pulumi.Input<string>,
  organizationId: pulumi.Input<string>,
  partition: pulumi.Input<string>,
): pulumi.Output<string> {
  const memberRecorders = {
    Principal: { AWS: "*" },
    Condition: {
      StringEquals: { "aws:PrincipalOrgID": organizationId },
      ArnLike: {
        "aws:PrincipalArn": pulumi.interpolate`arn:${partition}:iam::*:role/${MEMBER_ROLE_NAMES.recorder}-*`,
      },
    },
  };
  return pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "MemberRecordersBucketCheck",
        Effect: "Allow",
        ...memberRecorders,
        Action: ["s3:GetBucketAcl", "s3:ListBucket"],
        Resource: bucketArn,
      },
      {
        Sid: "MemberRecordersDelivery",
        Effect: "Allow",
        Principal: memberRecorders.Principal,
        Action: ["s3:PutObject", "s3:PutObjectAcl"],
        // A policy variable: each account to its own prefix only.
        Resource: pulumi.interpolate`${bucketArn}/AWSLogs/\${aws:PrincipalAccount}/Config/*`,
        Condition: {
          ...memberRecorders.Condition,
          StringEquals: {
            ...memberRecorders.Condition.StringEquals,
            "s3:x-amz-acl": "bucket-owner-full-control",
          },
        },
      },
      denyInsecureTransport(bucketArn),
    ],
  });
}
