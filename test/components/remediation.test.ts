import { strict as assert } from "assert";
import * as remediateAccessKeys from "../../functions/remediation/access-keys/handler";
import * as remediateExposedPorts from "../../functions/remediation/exposed-ports/handler";
import * as remediateMfa from "../../functions/remediation/mfa-policy/handler";
import { parseSettings } from "../../config";
import { MOCK_ACCOUNT_ID, ProgramRun, runProgram } from "../../offline/mock-runtime";
import { createGuardrails } from "../../stack";
import { matchesPattern } from "../helpers/event-pattern";
import { fixture } from "../helpers/fixtures";
import { buildStack, jsonInput, only, resourcesOfType, within } from "../helpers/program";

const REMEDIATION = "guardrails:index:RemediationFunction";
const SSM = "guardrails:index:SsmRemediation";

/** The compliance change fixture, as EventBridge would deliver it for another rule and resource. */
function complianceChange(rule: string, resourceType: string, compliance = "NON_COMPLIANT") {
  const event = fixture("config-events/compliance-change-notification.json");
  event.detail.configRuleName = rule;
  event.detail.resourceType = resourceType;
  event.detail.newEvaluationResult.complianceType = compliance;
  return event;
}

function actionsOf(run: ProgramRun): string[] {
  const policy = jsonInput(only(run, "aws:iam/rolePolicy:RolePolicy"), "policy");
  return policy.Statement.find((statement: any) => statement.Sid === "HandlerCalls").Action;
}

describe("remediation resources", () => {
  let run: ProgramRun;
  before(async () => {
    run = await buildStack({
      exposedPortsRemediation: "revoke",
      mfaRemediation: "enforce",
      accessKeyRemediation: "delete",
      defaultSecurityGroupRemediation: "automatic",
      publicSecurityGroupRemediation: "report",
      remediationAttempts: 5,
      remediationRetrySeconds: 120,
      notificationEmails: ["sec@example.com", "ops@example.com"],
      exemptUsers: ["ci-deployer"],
    });
  });

  const lambdas = [
    {
      name: "remediate-exposed-ports",
      rule: "exposed-ports",
      types: ["AWS::EC2::SecurityGroup", "AWS::EC2::Instance"],
      permissions: remediateExposedPorts.permissions("revoke"),
      env: { MODE: "revoke", FORBIDDEN_PORTS: "22,3389" },
    },
    {
      name: "remediate-mfa-policy",
      rule: "mfa-policy-attached",
      types: ["AWS::IAM::User"],
      permissions: remediateMfa.permissions("enforce", "group"),
      env: {
        MODE: "enforce",
        ENFORCEMENT: "group",
        POLICY_ARN: `arn:aws:iam::${MOCK_ACCOUNT_ID}:policy/DenyActionWithoutMFA`,
        GROUP_NAME: "mfa-required",
        EXEMPT_USERS: '["ci-deployer"]',
      },
    },
    {
      name: "remediate-access-keys",
      rule: "access-keys-rotated",
      types: ["AWS::IAM::User"],
      permissions: remediateAccessKeys.permissions("delete"),
      env: {
        MODE: "delete",
        MAX_ACCESS_KEY_AGE: "90",
        KEY_DELETE_GRACE_DAYS: "14",
        EXEMPT_USERS: '["ci-deployer"]',
      },
    },
  ];
  for (const expected of lambdas) {
    describe(expected.name, () => {
      let remediation: ProgramRun;
      before(() => {
        remediation = within(run, REMEDIATION, expected.name);
      });

      it("is triggered by its rule's NON_COMPLIANT compliance changes, exactly as AWS emits them", () => {
        const rule = resourcesOfType(remediation, "aws:cloudwatch/eventRule:EventRule").find((r) =>
          r.name.endsWith("-on-noncompliant"),
        );
        const pattern = JSON.parse(String(rule?.inputs.eventPattern));
        assert.deepEqual(pattern, {
          source: ["aws.config"],
          "detail-type": ["Config Rules Compliance Change"],
          detail: {
            messageType: ["ComplianceChangeNotification"],
            configRuleName: [expected.rule],
            resourceType: expected.types,
            newEvaluationResult: { complianceType: ["NON_COMPLIANT"] },
          },
        });
        for (const type of expected.types) {
          assert.ok(
            matchesPattern(pattern, complianceChange(expected.rule, type)),
            `matches ${type}`,
          );
        }
        assert.ok(
          !matchesPattern(
            pattern,
            complianceChange(expected.rule, expected.types[0] ?? "", "COMPLIANT"),
          ),
        );
        assert.ok(
          !matchesPattern(pattern, complianceChange("another-rule", expected.types[0] ?? "")),
        );
      });

      it("may be invoked only by its own EventBridge rules", () => {
        const rules = resourcesOfType(remediation, "aws:cloudwatch/eventRule:EventRule");
        const permissions = resourcesOfType(remediation, "aws:lambda/permission:Permission");
        assert.equal(permissions.length, rules.length);
        for (const permission of permissions) {
          assert.equal(permission.inputs.principal, "events.amazonaws.com");
          assert.ok(
            rules.some(
              (rule) =>
                permission.inputs.sourceArn ===
                `arn:aws:cloudwatch:us-east-1:${MOCK_ACCOUNT_ID}:${rule.name}-0a1b2c3`,
            ),
            `${permission.name} is scoped to one of its rules`,
          );
        }
      });

      it("grants exactly the calls of its mode, no wildcard action", () => {
        const actions = actionsOf(remediation);
        assert.deepEqual([...actions].sort(), [...expected.permissions].sort());
        assert.ok(actions.every((action) => !action.includes("*")));
      });

      it("gets its settings through environment variables", () => {
        const fn = only(remediation, "aws:lambda/function:Function");
        assert.deepEqual((fn.inputs.environment as any).variables, expected.env);
      });
    });
  }

  it("deletes keys only after a daily sweep finds their grace period over (delete mode)", () => {
    const keys = within(run, REMEDIATION, "remediate-access-keys");
    const schedule = resourcesOfType(keys, "aws:cloudwatch/eventRule:EventRule").find((r) =>
      r.name.endsWith("-schedule"),
    );
    assert.equal(schedule?.inputs.scheduleExpression, "rate(1 day)");
  });

  describe("SSM Automation", () => {
    it("closes default security groups with our own document: describe, revoke ingress, revoke egress", () => {
      const remediation = within(run, SSM, "close-default-security-group");
      const document = only(remediation, "aws:ssm/document:Document");
      assert.equal(document.inputs.documentType, "Automation");
      const content = JSON.parse(String(document.inputs.content));
      assert.equal(content.schemaVersion, "0.3");
      assert.deepEqual(
        content.mainSteps.map((step: any) => [step.name, step.inputs.Api]),
        [
          ["DescribeSecurityGroups", "DescribeSecurityGroups"],
          ["RevokeSecurityGroupIngress", "RevokeSecurityGroupIngress"],
          ["RevokeSecurityGroupEgress", "RevokeSecurityGroupEgress"],
        ],
      );
      // The SSM role may make exactly the document's calls.
      const policy = jsonInput(only(remediation, "aws:iam/rolePolicy:RolePolicy"), "policy");
      assert.deepEqual(policy.Statement[0].Action, [
        "ec2:DescribeSecurityGroups",
        "ec2:RevokeSecurityGroupEgress",
        "ec2:RevokeSecurityGroupIngress",
      ]);
      const trust = jsonInput(only(remediation, "aws:iam/role:Role"), "assumeRolePolicy");
      assert.deepEqual(trust.Statement[0].Principal, { Service: "ssm.amazonaws.com" });
      assert.equal(trust.Statement[0].Condition.StringEquals["aws:SourceAccount"], MOCK_ACCOUNT_ID);
    });

    it("runs automatically with the configured attempts and retry seconds", () => {
      const configuration = only(
        within(run, SSM, "close-default-security-group"),
        "aws:cfg/remediationConfiguration:RemediationConfiguration",
      ).inputs as any;
      assert.equal(configuration.configRuleName, "vpc-default-security-group-closed");
      assert.equal(configuration.targetType, "SSM_DOCUMENT");
      assert.equal(configuration.automatic, true);
      assert.equal(configuration.maximumAutomaticAttempts, 5);
      assert.equal(configuration.retryAttemptSeconds, 120);
      assert.deepEqual(configuration.parameters, [
        {
          name: "AutomationAssumeRole",
          staticValue: `arn:aws:iam::${MOCK_ACCOUNT_ID}:role/close-default-security-group-role-0a1b2c3`,
        },
        { name: "GroupId", resourceValue: "RESOURCE_ID" },
      ]);
    });

    it("attaches AWS-DisablePublicAccessForSecurityGroup to restricted-ssh, manual in report mode", () => {
      const configuration = only(
        within(run, SSM, "disable-public-ssh"),
        "aws:cfg/remediationConfiguration:RemediationConfiguration",
      ).inputs as any;
      assert.equal(configuration.targetId, "AWS-DisablePublicAccessForSecurityGroup");
      assert.equal(configuration.configRuleName, "restricted-ssh");
      assert.equal(configuration.automatic, false);
    });
  });

  describe("notifications", () => {
    it("subscribes every configured address to one topic", () => {
      const subscriptions = resourcesOfType(run, "aws:sns/topicSubscription:TopicSubscription");
      assert.deepEqual(
        subscriptions.map((s) => [s.inputs.protocol, s.inputs.endpoint]),
        [
          ["email", "sec@example.com"],
          ["email", "ops@example.com"],
        ],
      );
    });

    it("forwards this program's compliance changes as readable text", () => {
      const notifications = within(run, "guardrails:index:Notifications");
      const rule = only(notifications, "aws:cloudwatch/eventRule:EventRule");
      const pattern = JSON.parse(String(rule.inputs.eventPattern));
      assert.deepEqual([...pattern.detail.configRuleName].sort(), [
        "access-keys-rotated",
        "exposed-ports",
        "iam-inactive-users",
        "mfa-policy-attached",
        "restricted-ssh",
        "vpc-default-security-group-closed",
        "vpc-sg-open-only-to-authorized-ports",
      ]);
      assert.ok(
        matchesPattern(pattern, complianceChange("exposed-ports", "AWS::EC2::SecurityGroup")),
      );
      const target = only(notifications, "aws:cloudwatch/eventTarget:EventTarget").inputs as any;
      assert.equal(
        target.inputTransformer.inputPaths.annotation,
        "$.detail.newEvaluationResult.annotation",
      );
      assert.match(
        target.inputTransformer.inputTemplate,
        /^"AWS Config rule <rule>: <resourceType> <resourceId> is now <compliance>/,
      );
      const policy = jsonInput(only(notifications, "aws:sns/topicPolicy:TopicPolicy"), "policy");
      assert.deepEqual(policy.Statement[0].Principal, { Service: "events.amazonaws.com" });
      assert.equal(
        policy.Statement[0].Condition.ArnEquals["aws:SourceArn"],
        `arn:aws:cloudwatch:us-east-1:${MOCK_ACCOUNT_ID}:${rule.name}-0a1b2c3`,
      );
    });

    it("sends what a report-mode remediation would have done about a resource to the topic", async () => {
      const reporting = await buildStack({ exposedPortsRemediation: "report" });
      const remediation = within(reporting, REMEDIATION, "remediate-exposed-ports");
      // The record goes to the account's default bus, with the function's own role.
      const bus = `arn:aws:events:us-east-1:${MOCK_ACCOUNT_ID}:event-bus/default`;
      const destination = only(
        remediation,
        "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
      ).inputs as any;
      assert.equal(destination.destinationConfig.onSuccess.destination, bus);
      const put = resourcesOfType(remediation, "aws:iam/rolePolicy:RolePolicy").find((r) =>
        r.name.endsWith("-report"),
      );
      assert.deepEqual(JSON.parse(String(put?.inputs.policy)).Statement, [
        { Sid: "ReportDestination", Effect: "Allow", Action: "events:PutEvents", Resource: bus },
      ]);

      // From the bus, the records of that function about a resource reach the topic.
      const notifications = within(reporting, "guardrails:index:Notifications");
      const rules = resourcesOfType(notifications, "aws:cloudwatch/eventRule:EventRule");
      const reports = rules.find((rule) => rule.name.endsWith("-remediation-reports"));
      const pattern = jsonInput(reports as never, "eventPattern");
      const fn = only(remediation, "aws:lambda/function:Function");
      const arn = `arn:aws:lambda:us-east-1:${MOCK_ACCOUNT_ID}:${fn.name}-0a1b2c3`;
      // As Lambda puts it on the bus: the function named with its version.
      const record = {
        version: "0",
        id: "7d9f7a1b-0c2e-4c55-9a61-2f3e4d5c6b7a",
        "detail-type": "Lambda Function Invocation Result - Success",
        source: "lambda",
        account: MOCK_ACCOUNT_ID,
        time: "2025-06-10T08:15:03Z",
        region: "us-east-1",
        resources: [`${arn}:$LATEST`],
        detail: {
          version: "1.0",
          timestamp: "2025-06-10T08:15:03.120Z",
          requestContext: {
            functionArn: `${arn}:$LATEST`,
            condition: "Success",
            approximateInvokeCount: 1,
          },
          responseContext: { statusCode: 200, executedVersion: "$LATEST" },
          responsePayload: { remediation: "remediate-exposed-ports", mode: "report", actions: [] },
        },
      };
      assert.ok(matchesPattern(pattern, record));
      // Not an event the function ignored, nor another account's record (source "lambda" is
      // not reserved), nor another function's.
      const skipped = {
        ...record,
        detail: { ...record.detail, responsePayload: { skipped: "not a NON_COMPLIANT change" } },
      };
      assert.equal(matchesPattern(pattern, skipped), false);
      assert.equal(matchesPattern(pattern, { ...record, account: "444455556666" }), false);
      assert.equal(
        matchesPattern(pattern, { ...record, resources: [`${arn}-other:$LATEST`] }),
        false,
      );
      const target = resourcesOfType(notifications, "aws:cloudwatch/eventTarget:EventTarget").find(
        (t) => t.name === `${reports?.name}-target`,
      );
      const topic = only(reporting, "aws:sns/topic:Topic");
      const topicArn = `arn:aws:sns:us-east-1:${MOCK_ACCOUNT_ID}:${topic.name}-0a1b2c3`;
      assert.equal(target?.inputs.arn, topicArn);
      // The topic takes it from that rule, as from the compliance changes' one.
      const policy = jsonInput(only(notifications, "aws:sns/topicPolicy:TopicPolicy"), "policy");
      assert.deepEqual(
        policy.Statement[0].Condition.ArnEquals["aws:SourceArn"],
        rules.map((rule) => `arn:aws:cloudwatch:us-east-1:${MOCK_ACCOUNT_ID}:${rule.name}-0a1b2c3`),
      );
      assert.equal(rules.length, 2);
    });
  });

  it("creates no remediation whose mode is off", async () => {
    const off = await buildStack({
      exposedPortsRemediation: "off",
      mfaRemediation: "off",
      accessKeyRemediation: "off",
      defaultSecurityGroupRemediation: "off",
      publicSecurityGroupRemediation: "off",
    });
    assert.deepEqual(resourcesOfType(off, REMEDIATION), []);
    assert.deepEqual(resourcesOfType(off, SSM), []);
  });
});

describe("real-time repair resources", () => {
  const apiCallRules = (r: ProgramRun) =>
    resourcesOfType(r, "aws:cloudwatch/eventRule:EventRule").filter((rule) =>
      /-api-call-\d+(-forwarding)?$/.test(rule.name),
    );

  it("plans none unless realtimeRemediation is on", async () => {
    assert.deepEqual(apiCallRules(await buildStack({ exposedPortsRemediation: "revoke" })), []);
  });

  it("refuses to plan without aws:region, naming the key", async () => {
    await assert.rejects(
      runProgram(() => createGuardrails(parseSettings({ realtimeRemediation: true })), {
        project: "guardrails",
        stack: "test",
        config: {},
      }),
      /realtimeRemediation needs aws:region set on the stack/,
    );
  });

  for (const region of ["eu-west-1", "us-east-1"]) {
    it(`lets each API-call rule invoke only its function, and forwards IAM's calls from us-east-1 only where needed (stack in ${region})`, async () => {
      const run = await runProgram(
        () =>
          createGuardrails(
            parseSettings({ realtimeRemediation: true, exposedPortsRemediation: "revoke" }),
          ),
        { project: "guardrails", stack: "test", config: { "aws:region": region } },
      );
      const rules = apiCallRules(run);
      const local = rules.filter((rule) => !rule.name.endsWith("-forwarding"));
      // Exposed ports: one rule; MFA (report by default): three.
      assert.equal(local.length, 4);
      for (const rule of local) {
        const permissions = resourcesOfType(run, "aws:lambda/permission:Permission").filter(
          (p) => p.name === `${rule.name}-invoke`,
        );
        assert.equal(permissions.length, 1, rule.name);
        assert.match(String(permissions[0]?.inputs.sourceArn), new RegExp(`${rule.name}-0a1b2c3$`));
        assert.equal(permissions[0]?.inputs.principal, "events.amazonaws.com");
      }
      const forwarding = rules.filter((rule) => rule.name.endsWith("-forwarding"));
      assert.equal(forwarding.length, region === "us-east-1" ? 0 : 3);
      for (const rule of forwarding) {
        assert.equal(rule.inputs.region, "us-east-1");
        const policy = resourcesOfType(run, "aws:iam/rolePolicy:RolePolicy").find(
          (p) => p.name === `${rule.name.replace(/-forwarding$/, "")}-forwarding-policy`,
        );
        assert.deepEqual(jsonInput(policy as never, "policy").Statement, [
          {
            Effect: "Allow",
            Action: "events:PutEvents",
            Resource: `arn:aws:events:${region}:${MOCK_ACCOUNT_ID}:event-bus/default`,
          },
        ]);
      }
    });
  }

  it("adds no permission to the functions: the adapters read what the plans read", async () => {
    const config = { exposedPortsRemediation: "revoke", mfaRemediation: "enforce" };
    const actions = async (realtime: boolean) => {
      const run = await runProgram(
        () => createGuardrails(parseSettings({ ...config, realtimeRemediation: realtime })),
        { project: "guardrails", stack: "test", config: { "aws:region": "eu-west-1" } },
      );
      return ["remediate-exposed-ports", "remediate-mfa-policy"].map((name) =>
        actionsOf(within(run, "guardrails:index:GuardrailsFunction", name)),
      );
    };
    assert.deepEqual(await actions(true), await actions(false));
  });
});
