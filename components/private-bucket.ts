/**
 * What every bucket of this program's compliance evidence gets: no public access and default
 * encryption; and the statement its policy ends with. Plain functions creating resources under
 * the caller, so the resources keep the names and parents they had before they were shared.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** The public access block and encryption of `bucket`; a policy must wait for the former. */
export function lockDownBucket(
  name: string,
  bucket: aws.s3.Bucket,
  region: string | undefined,
  opts: pulumi.CustomResourceOptions,
): {
  publicAccessBlock: aws.s3.BucketPublicAccessBlock;
  encryption: aws.s3.BucketServerSideEncryptionConfiguration;
} {
  const publicAccessBlock = new aws.s3.BucketPublicAccessBlock(
    `${name}-bucket-public-access`,
    {
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
      region,
    },
    opts,
  );
  const encryption = new aws.s3.BucketServerSideEncryptionConfiguration(
    `${name}-bucket-encryption`,
    {
      bucket: bucket.id,
      rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
      region,
    },
    opts,
  );
  return { publicAccessBlock, encryption };
}

/** Denies every request to the bucket that is not over TLS. */
export function denyInsecureTransport(bucketArn: pulumi.Input<string>) {
  return {
    Sid: "DenyInsecureTransport",
    Effect: "Deny",
    Principal: "*",
    Action: "s3:*",
    Resource: [bucketArn, pulumi.interpolate`${bucketArn}/*`],
    Condition: { Bool: { "aws:SecureTransport": "false" } },
  };
}
