import { strict as assert } from "assert";
import { MOCK_ACCOUNT_ID, ProgramRun } from "../../offline/mock-runtime";
import {
  buildStack,
  isTaggable,
  jsonInput,
  only,
  resourcesOfType,
  within,
} from "../helpers/program";

const RECORDER = "guardrails:index:ConfigRecorder";

const RECORDER_RESOURCES = [
  "aws:iam/role:Role",
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  "aws:iam/rolePolicy:RolePolicy",
  "aws:s3/bucket:Bucket",
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
  "aws:s3/bucketPolicy:BucketPolicy",
  "aws:cfg/recorder:Recorder",
  "aws:cfg/deliveryChannel:DeliveryChannel",
  "aws:cfg/recorderStatus:RecorderStatus",
];

function awsTypes(run: ProgramRun): string[] {
  return run.resources.filter((r) => r.type.startsWith("aws:")).map((r) => r.type);
}

describe("ConfigRecorder", () => {
  let run: ProgramRun;
  before(async () => {
    run = within(
      await buildStack({ tags: { Owner: "platform-team", CostCenter: 4210 } }),
      RECORDER,
    );
  });

  it("registers exactly the recorder, its delivery channel, status, role and hardened bucket", () => {
    assert.deepEqual([...awsTypes(run)].sort(), [...RECORDER_RESOURCES].sort());
  });

  it("records every supported type including global resources (IAM)", () => {
    const recorder = only(run, "aws:cfg/recorder:Recorder");
    assert.deepEqual(recorder.inputs.recordingGroup, {
      allSupported: true,
      includeGlobalResourceTypes: true,
    });
    assert.equal(recorder.inputs.name, "default");
    assert.match(String(recorder.inputs.roleArn), /^arn:aws:iam::\d{12}:role\//);
  });

  it("lets only this account's Config service assume the role, with the AWS_ConfigRole policy", () => {
    const trust = jsonInput(only(run, "aws:iam/role:Role"), "assumeRolePolicy");
    assert.deepEqual(trust.Statement, [
      {
        Effect: "Allow",
        Principal: { Service: "config.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "aws:SourceAccount": MOCK_ACCOUNT_ID } },
      },
    ]);
    const attachment = only(run, "aws:iam/rolePolicyAttachment:RolePolicyAttachment");
    assert.equal(
      attachment.inputs.policyArn,
      "arn:aws:iam::aws:policy/service-role/AWS_ConfigRole",
    );
  });

  it("lets only config.amazonaws.com of this account write, and only over TLS", () => {
    const policy = jsonInput(only(run, "aws:s3/bucketPolicy:BucketPolicy"), "policy");
    const bucketArn = "arn:aws:s3:::config-bucket-0a1b2c3";
    const allows = policy.Statement.filter((s: any) => s.Effect === "Allow");
    assert.deepEqual(
      allows.map((s: any) => s.Action),
      ["s3:GetBucketAcl", "s3:ListBucket", "s3:PutObject"],
    );
    for (const statement of allows) {
      assert.deepEqual(statement.Principal, { Service: "config.amazonaws.com" }, statement.Sid);
      assert.equal(
        statement.Condition.StringEquals["aws:SourceAccount"],
        MOCK_ACCOUNT_ID,
        statement.Sid,
      );
    }
    const delivery = allows.find((s: any) => s.Action === "s3:PutObject");
    assert.equal(delivery.Resource, `${bucketArn}/AWSLogs/${MOCK_ACCOUNT_ID}/Config/*`);
    assert.equal(delivery.Condition.StringEquals["s3:x-amz-acl"], "bucket-owner-full-control");

    const denies = policy.Statement.filter((s: any) => s.Effect === "Deny");
    assert.deepEqual(denies, [
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [bucketArn, `${bucketArn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ]);
  });

  it("grants the role the delivery it needs: the bucket ACL check and this account's prefix", () => {
    const policy = jsonInput(only(run, "aws:iam/rolePolicy:RolePolicy"), "policy");
    assert.deepEqual(
      policy.Statement.map((s: any) => [s.Action, s.Resource]),
      [
        ["s3:GetBucketAcl", "arn:aws:s3:::config-bucket-0a1b2c3"],
        ["s3:PutObject", `arn:aws:s3:::config-bucket-0a1b2c3/AWSLogs/${MOCK_ACCOUNT_ID}/Config/*`],
      ],
    );
  });

  it("blocks every form of public access, encrypts, and expires history by lifecycle", () => {
    const block = only(run, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs;
    assert.deepEqual(
      [
        block.blockPublicAcls,
        block.blockPublicPolicy,
        block.ignorePublicAcls,
        block.restrictPublicBuckets,
      ],
      [true, true, true, true],
    );
    const encryption = only(
      run,
      "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    );
    assert.deepEqual(encryption.inputs.rules, [
      { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
    ]);
    const lifecycle = only(run, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration");
    const [rule] = lifecycle.inputs.rules as any[];
    assert.equal(rule.status, "Enabled");
    assert.equal(rule.expiration.days, 2557);
    assert.equal(only(run, "aws:s3/bucket:Bucket").inputs.forceDestroy, false);
  });

  it("creates recorder, then delivery channel, then recording on", () => {
    const urn = (type: string) => only(run, type).urn;
    const dependsOn = (type: string) => only(run, type).dependencies;
    assert.ok(
      dependsOn("aws:cfg/recorder:Recorder").includes(
        urn("aws:iam/rolePolicyAttachment:RolePolicyAttachment"),
      ),
    );
    const channel = dependsOn("aws:cfg/deliveryChannel:DeliveryChannel");
    for (const before of [
      "aws:cfg/recorder:Recorder",
      "aws:s3/bucketPolicy:BucketPolicy",
      "aws:iam/rolePolicy:RolePolicy",
    ]) {
      assert.ok(channel.includes(urn(before)), `delivery channel waits for ${before}`);
    }
    assert.ok(
      dependsOn("aws:cfg/recorderStatus:RecorderStatus").includes(
        urn("aws:cfg/deliveryChannel:DeliveryChannel"),
      ),
    );
    assert.equal(only(run, "aws:cfg/recorderStatus:RecorderStatus").inputs.isEnabled, true);
  });

  it("tags every taggable resource with the stack's tags and the program's own", () => {
    const taggable = run.resources.filter((r) => r.type.startsWith("aws:") && isTaggable(r.type));
    assert.ok(taggable.length >= 2, "role and bucket at least");
    for (const resource of taggable) {
      assert.deepEqual(
        resource.inputs.tags,
        { Owner: "platform-team", CostCenter: "4210", ManagedBy: "aws-config-guardrails" },
        resource.name,
      );
    }
  });

  it("exports the recorder and bucket names", () => {
    assert.equal(run.outputs.recorderName, "default");
    assert.equal(run.outputs.deliveryBucket, "config-bucket-0a1b2c3");
  });

  it("can leave global resources to another region's recorder", async () => {
    const regional = within(await buildStack({ recordGlobalResources: false }), RECORDER);
    const recorder = only(regional, "aws:cfg/recorder:Recorder");
    assert.equal((recorder.inputs.recordingGroup as any).includeGlobalResourceTypes, false);
    assert.equal(regional.outputs.recordsGlobalResources, false);
  });

  it("creates nothing in AWS when it reuses the account's recorder", async () => {
    const whole = await buildStack({ createRecorder: false, recorderName: "existing-recorder" });
    assert.equal(resourcesOfType(whole, RECORDER).length, 1);
    const reused = within(whole, RECORDER);
    assert.deepEqual(awsTypes(reused), []);
    assert.equal(reused.outputs.recorderName, "existing-recorder");
    assert.equal(reused.outputs.deliveryBucket, undefined);
  });
});
