import { CreateAccessKeyCommand, CreateUserCommand, IAMClient } from "@aws-sdk/client-iam";
import { strict as assert } from "assert";
import { ProgramRun } from "../../offline/mock-runtime";
import { ConfigListener, startConfigListener } from "../helpers/config-listener";
import { configEvent, fixture } from "../helpers/fixtures";
import { invokeSerialized } from "../helpers/lambda-process";
import { startMoto } from "../helpers/moto";
import { buildStack, only, within } from "../helpers/program";

/** A rule's InputParameters as the plan gives them to AWS Config: its Lambda's `ruleParameters`. */
function plannedParameters(run: ProgramRun, component: string): string {
  const rule = only(
    within(run, "guardrails:index:CustomConfigRule", component),
    "aws:cfg/rule:Rule",
  );
  const text = rule.inputs.inputParameters;
  assert.equal(typeof text, "string");
  return text as string;
}

/** The `__index.js` text of a rule's function, exactly as `pulumi up` would upload it. */
function uploadedCode(run: ProgramRun, component: string): string {
  const code = only(
    within(run, "guardrails:index:CustomConfigRule", component),
    "aws:lambda/function:Function",
  ).inputs.code as any;
  const text = code.__archive["__index.js"]?.text;
  assert.equal(typeof text, "string", "the archive holds the serialized handler");
  return text;
}

describe("serialized Lambdas, run as uploaded", function () {
  this.timeout(60_000);
  let run: ProgramRun;
  let listener: ConfigListener;

  before(async () => {
    run = await buildStack({
      exemptUsers: ["ci-deployer"],
      ruleSets: ["guardrails", "cis-foundations"],
    });
    listener = await startConfigListener();
  });
  after(() => listener.stop());
  beforeEach(() => listener.clear());

  const cases = [
    {
      rule: "exposed-ports",
      component: "exposed-ports",
      event: () => configEvent("sg-change"),
      expected: [
        [
          "AWS::EC2::SecurityGroup",
          "sg-0123456789abcdef0",
          "NON_COMPLIANT",
          "22/tcp open to 0.0.0.0/0",
        ],
      ],
    },
    {
      rule: "mfa-policy-attached",
      component: "mfa-policy-attached",
      // A user in no group: judged from the item alone, so no IAM endpoint is needed.
      event: () =>
        configEvent("iam-user-change", {
          invoking: (invoking) => {
            invoking.configurationItem.configuration.groupList = [];
          },
        }),
      expected: [
        [
          "AWS::IAM::User",
          "AIDA2G65BPRJX3MQADPTP",
          "NON_COMPLIANT",
          "DenyActionWithoutMFA is not attached to alice.",
        ],
      ],
    },
    {
      rule: "iam-inactive-users",
      component: "iam-inactive-users",
      // A deleted user needs no credential report: the cold-start path, end to end.
      event: () =>
        configEvent("iam-user-change", {
          invoking: (invoking) => {
            invoking.configurationItem.configurationItemStatus = "ResourceDeleted";
          },
        }),
      expected: [
        [
          "AWS::IAM::User",
          "AIDA2G65BPRJX3MQADPTP",
          "NOT_APPLICABLE",
          "The resource was deleted (ResourceDeleted).",
        ],
      ],
    },
  ];

  for (const { rule, component, event, expected } of cases) {
    it(`${rule}: the uploaded code evaluates a real event and calls PutEvaluations`, async () => {
      // The parameters the deployed rule hands its Lambda: the plan's, not the fixture's.
      const invocation = { ...event(), ruleParameters: plannedParameters(run, component) };
      const outcome = await invokeSerialized(uploadedCode(run, component), invocation, {
        AWS_ENDPOINT_URL: listener.endpoint,
      });
      assert.equal(outcome.error, undefined, `${outcome.stdout}\n${outcome.stderr}`);
      assert.deepEqual(
        listener
          .evaluations()
          .map((e) => [
            e.ComplianceResourceType,
            e.ComplianceResourceId,
            e.ComplianceType,
            e.Annotation,
          ]),
        expected,
      );
      const put = listener.requests.find((request) => request.operation === "PutEvaluations");
      assert.equal(put?.body.ResultToken, invocation.resultToken);
      assert.equal(put?.body.TestMode, undefined, "never TestMode");
      assert.deepEqual(outcome.result, {
        rule,
        notification: "change",
        evaluations: expected.length,
        putEvaluationsCalls: 1,
      });
    });
  }

  it("iam-user-one-active-key: the uploaded code reads IAM's credential report and judges every user", async function () {
    this.timeout(120_000);
    const moto = await startMoto();
    try {
      const iam = new IAMClient({
        region: "us-east-1",
        endpoint: moto.endpoint,
        credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
      });
      const ids: Record<string, string> = {};
      for (const [name, keys] of [
        ["half-rotated", 2],
        ["single-key", 1],
        ["ci-deployer", 2],
      ] as const) {
        const user = await iam.send(new CreateUserCommand({ UserName: name }));
        ids[name] = user.User?.UserId ?? "";
        for (let key = 0; key < keys; key++) {
          await iam.send(new CreateAccessKeyCommand({ UserName: name }));
        }
      }
      iam.destroy();
      const component = "iam-user-one-active-key";
      const invocation = {
        ...configEvent("scheduled"),
        configRuleName: component,
        ruleParameters: plannedParameters(run, component),
      };
      const outcome = await invokeSerialized(uploadedCode(run, component), invocation, {
        // IAM from moto, Config from the recording listener (moto refuses PutEvaluations).
        AWS_ENDPOINT_URL_IAM: moto.endpoint,
        AWS_ENDPOINT_URL_CONFIG_SERVICE: listener.endpoint,
      });
      assert.equal(outcome.error, undefined, `${outcome.stdout}\n${outcome.stderr}`);
      assert.deepEqual(
        listener
          .evaluations()
          .map((e) => [e.ComplianceResourceId, e.ComplianceType])
          .sort(),
        [
          [ids["ci-deployer"], "COMPLIANT"],
          [ids["half-rotated"], "NON_COMPLIANT"],
          [ids["single-key"], "COMPLIANT"],
        ].sort(),
      );
    } finally {
      await moto.stop();
    }
  });

  const remediations = {
    "remediate-exposed-ports": "exposed-ports",
    "remediate-mfa-policy": "mfa-policy-attached",
    "remediate-access-keys": "access-keys-rotated",
  };
  for (const [remediation, rule] of Object.entries(remediations)) {
    it(`${remediation}: the uploaded code reads its settings from the environment and runs`, async () => {
      const fn = only(
        within(run, "guardrails:index:RemediationFunction", remediation),
        "aws:lambda/function:Function",
      );
      const code = (fn.inputs.code as any).__archive["__index.js"].text;
      const variables = (fn.inputs.environment as any).variables as Record<string, string>;
      // A compliance change of a rule this remediation does not handle: read, checked, ignored.
      const event = fixture("config-events/compliance-change-notification.json");
      event.detail.configRuleName = "some-other-rule";
      const outcome = await invokeSerialized(code, event, {
        ...variables,
        AWS_ENDPOINT_URL: listener.endpoint,
      });
      assert.equal(outcome.error, undefined, `${outcome.stdout}\n${outcome.stderr}`);
      assert.deepEqual(outcome.result, {
        remediation,
        mode: variables.MODE,
        actions: [],
        skipped: `for rule some-other-rule, not ${rule}`,
        resourceId: "sg-0123456789abcdef0",
      });
      assert.equal(listener.requests.length, 0, "no AWS call for an event it does not handle");
    });
  }

  it("captures no @pulumi package and no SDK client made at deployment time", () => {
    for (const { component } of cases) {
      const text = uploadedCode(run, component);
      assert.doesNotMatch(text, /require\("@pulumi\//);
      assert.match(text, /require\("@aws-sdk\/client-config-service/);
    }
  });
});
