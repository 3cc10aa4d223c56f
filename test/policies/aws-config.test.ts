import { strict as assert } from "assert";
import { configRecorderGlobalResources, configRemediationRetries } from "../../policies/aws-config";
import { TYPES } from "../../policies/resource-types";
import { UNKNOWN_AT_PREVIEW, messages, resourceArgs } from "../helpers/policy-args";

describe("config-recorder-global-resources policy", () => {
  const recorder = {
    name: "default",
    roleArn: "arn:aws:iam::123456789012:role/config",
    recordingGroup: { allSupported: true, includeGlobalResourceTypes: true },
  };
  const judge = (recordingGroup: object | undefined) =>
    messages(
      configRecorderGlobalResources,
      resourceArgs(TYPES.recorder, { ...recorder, recordingGroup }),
    );
  const MESSAGE =
    "The configuration recorder must record global resource types (IAM) in one region per account: ";

  it("passes a recorder of every type, global ones included", async () => {
    assert.deepEqual(await judge(recorder.recordingGroup), []);
  });

  it("flags includeGlobalResourceTypes false", async () => {
    assert.deepEqual(await judge({ allSupported: true, includeGlobalResourceTypes: false }), [
      `${MESSAGE}recordingGroup.includeGlobalResourceTypes is not true. Ignore this in the other regions.`,
    ]);
  });

  it("flags a recorder of listed types only", async () => {
    assert.deepEqual(
      await judge({
        allSupported: false,
        includeGlobalResourceTypes: true,
        resourceTypes: ["AWS::EC2::SecurityGroup"],
      }),
      [`${MESSAGE}recordingGroup.allSupported is false. Ignore this in the other regions.`],
    );
  });

  it("flags a recorder without recording group (AWS leaves global types out)", async () => {
    assert.deepEqual(await judge(undefined), [
      `${MESSAGE}recordingGroup.includeGlobalResourceTypes is not true. Ignore this in the other regions.`,
    ]);
  });
});

describe("config-remediation-retries policy", () => {
  const remediation = {
    configRuleName: "vpc-default-security-group-closed",
    targetType: "SSM_DOCUMENT",
    targetId: "AWSConfigRemediation-RemoveVPCDefaultSecurityGroupRules",
    automatic: true,
    maximumAutomaticAttempts: 3,
    retryAttemptSeconds: 60,
  };
  const judge = (change: object) =>
    messages(
      configRemediationRetries,
      resourceArgs(TYPES.remediationConfiguration, { ...remediation, ...change }),
    );
  const MESSAGE =
    "Automatic remediations must set maximumAutomaticAttempts and retryAttemptSeconds; missing: ";

  it("passes an automatic remediation with both limits", async () => {
    assert.deepEqual(await judge({}), []);
  });

  it("refuses one without maximumAutomaticAttempts", async () => {
    assert.deepEqual(await judge({ maximumAutomaticAttempts: undefined }), [
      `${MESSAGE}maximumAutomaticAttempts.`,
    ]);
  });

  it("refuses one without retryAttemptSeconds", async () => {
    assert.deepEqual(await judge({ retryAttemptSeconds: undefined }), [
      `${MESSAGE}retryAttemptSeconds.`,
    ]);
  });

  it("refuses one without either", async () => {
    assert.deepEqual(
      await judge({ maximumAutomaticAttempts: undefined, retryAttemptSeconds: undefined }),
      [`${MESSAGE}maximumAutomaticAttempts, retryAttemptSeconds.`],
    );
  });

  it("passes a manual remediation without limits", async () => {
    assert.deepEqual(
      await judge({
        automatic: false,
        maximumAutomaticAttempts: undefined,
        retryAttemptSeconds: undefined,
      }),
      [],
    );
  });

  it("counts a limit unknown at preview as set", async () => {
    assert.deepEqual(await judge({ retryAttemptSeconds: UNKNOWN_AT_PREVIEW }), []);
  });
});
