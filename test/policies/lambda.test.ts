import { strict as assert } from "assert";
import { lambdaLogGroupRetention } from "../../policies/lambda";
import { TYPES } from "../../policies/resource-types";
import {
  FakeResource,
  UNKNOWN_AT_PREVIEW,
  stackArgs,
  urnOf,
  validateStack,
} from "../helpers/policy-args";

describe("lambda-log-group-retention policy", () => {
  /**
   * api logs to its default group /aws/lambda/api-fn; rule to the group its loggingConfig names;
   * worker to a group whose name is computed (unknown at preview), found by the dependency.
   */
  function fixture(): FakeResource[] {
    return [
      { type: TYPES.lambdaFunction, name: "api", props: { name: "api-fn", runtime: "nodejs22.x" } },
      {
        type: TYPES.logGroup,
        name: "api-logs",
        props: { name: "/aws/lambda/api-fn", retentionInDays: 90 },
      },
      {
        type: TYPES.lambdaFunction,
        name: "rule",
        props: {
          name: "rule-fn-1a2b3c",
          loggingConfig: { logFormat: "Text", logGroup: "/aws/lambda/guardrails/exposed-ports" },
        },
      },
      {
        type: TYPES.logGroup,
        name: "rule-logs",
        props: { name: "/aws/lambda/guardrails/exposed-ports", retentionInDays: 30 },
      },
      {
        type: TYPES.lambdaFunction,
        name: "worker",
        props: {
          name: "worker-fn",
          loggingConfig: { logFormat: "JSON", logGroup: UNKNOWN_AT_PREVIEW },
        },
        dependsOn: { loggingConfig: ["worker-logs"] },
      },
      {
        type: TYPES.logGroup,
        name: "worker-logs",
        props: { name: UNKNOWN_AT_PREVIEW, retentionInDays: 14 },
      },
    ];
  }

  function changed(name: string, change: Partial<FakeResource>): FakeResource[] {
    return fixture().map((resource) =>
      resource.name === name ? { ...resource, ...change } : resource,
    );
  }

  const judge = (resources: FakeResource[]) =>
    validateStack(lambdaLogGroupRetention, stackArgs(resources));

  it("passes functions whose log groups have a retention", async () => {
    assert.deepEqual(await judge(fixture()), []);
  });

  it("flags a function without its /aws/lambda/<name> group", async () => {
    const resources = changed("api-logs", {
      props: { name: "/aws/lambda/api-function", retentionInDays: 90 },
    });
    assert.deepEqual(await judge(resources), [
      {
        message:
          "Lambda functions must have a log group with retentionInDays in the stack; api-fn has none (/aws/lambda/api-fn), so Lambda creates one that keeps logs forever.",
        urn: urnOf(TYPES.lambdaFunction, "api"),
      },
    ]);
  });

  it("flags a log group without retentionInDays", async () => {
    const resources = changed("api-logs", { props: { name: "/aws/lambda/api-fn" } });
    assert.deepEqual(await judge(resources), [
      {
        message:
          "Lambda log groups must set retentionInDays; the log group of api-fn (/aws/lambda/api-fn) keeps logs forever.",
        urn: urnOf(TYPES.logGroup, "api-logs"),
      },
    ]);
  });

  it("flags retentionInDays 0 (never expire)", async () => {
    const resources = changed("api-logs", {
      props: { name: "/aws/lambda/api-fn", retentionInDays: 0 },
    });
    assert.deepEqual(await judge(resources), [
      {
        message:
          "Lambda log groups must set retentionInDays; the log group of api-fn (/aws/lambda/api-fn) keeps logs forever.",
        urn: urnOf(TYPES.logGroup, "api-logs"),
      },
    ]);
  });

  it("flags a loggingConfig.logGroup that is not in the stack", async () => {
    const resources = changed("rule-logs", {
      props: { name: "/aws/lambda/guardrails/other-rule", retentionInDays: 30 },
    });
    assert.deepEqual(await judge(resources), [
      {
        message:
          "Lambda functions must have a log group with retentionInDays in the stack; rule-fn-1a2b3c has none (/aws/lambda/guardrails/exposed-ports), so Lambda creates one that keeps logs forever.",
        urn: urnOf(TYPES.lambdaFunction, "rule"),
      },
    ]);
  });

  it("does not accept /aws/lambda/<name> when loggingConfig names another group", async () => {
    const resources = changed("rule-logs", {
      props: { name: "/aws/lambda/rule-fn-1a2b3c", retentionInDays: 30 },
    });
    assert.equal((await judge(resources)).length, 1);
  });

  it("flags an unknown loggingConfig.logGroup that comes from no log group", async () => {
    const resources = changed("worker", {
      props: {
        name: "worker-fn",
        loggingConfig: { logFormat: "JSON", logGroup: UNKNOWN_AT_PREVIEW },
      },
      dependsOn: {},
    });
    assert.deepEqual(await judge(resources), [
      {
        message:
          "Lambda functions must have a log group with retentionInDays in the stack; worker-fn has none (its loggingConfig.logGroup), so Lambda creates one that keeps logs forever.",
        urn: urnOf(TYPES.lambdaFunction, "worker"),
      },
    ]);
  });

  it("finds a group named after a function whose name is unknown at preview", async () => {
    const resources: FakeResource[] = [
      { type: TYPES.lambdaFunction, name: "job", props: { name: UNKNOWN_AT_PREVIEW } },
      {
        type: TYPES.logGroup,
        name: "job-logs",
        props: { name: UNKNOWN_AT_PREVIEW, retentionInDays: 7 },
        dependsOn: { name: ["job"] },
      },
    ];
    assert.deepEqual(await judge(resources), []);
    assert.deepEqual(await judge(resources.slice(0, 1)), [
      {
        message:
          "Lambda functions must have a log group with retentionInDays in the stack; job has none (/aws/lambda/<name>), so Lambda creates one that keeps logs forever.",
        urn: urnOf(TYPES.lambdaFunction, "job"),
      },
    ]);
  });
});
