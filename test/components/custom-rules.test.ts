import { strict as assert } from "assert";
import * as exposedPorts from "../../functions/rules/exposed-ports/handler";
import * as inactiveUsers from "../../functions/rules/iam-inactive-users/handler";
import * as oneActiveKey from "../../functions/rules/iam-user-one-active-key/handler";
import * as mfaPolicy from "../../functions/rules/mfa-policy-attached/handler";
import { MOCK_ACCOUNT_ID, ProgramRun } from "../../offline/mock-runtime";
import { buildStack, jsonInput, only, within } from "../helpers/program";

const RULES = [
  {
    name: "exposed-ports",
    component: "exposed-ports",
    permissions: exposedPorts.PERMISSIONS,
    scope: ["AWS::EC2::SecurityGroup", "AWS::EC2::Instance"],
    periodic: undefined,
    parameters: { forbiddenPorts: "22,1-1024,9200-9300" },
  },
  {
    name: "iam-inactive-users",
    component: "iam-inactive-users",
    permissions: inactiveUsers.PERMISSIONS,
    scope: ["AWS::IAM::User"],
    periodic: "TwentyFour_Hours",
    parameters: {
      maxInactiveDays: "45",
      exemptUsers: '["ci-deployer","datadog"]',
      refreshDays: "7",
    },
  },
  {
    name: "mfa-policy-attached",
    component: "mfa-policy-attached",
    permissions: mfaPolicy.PERMISSIONS,
    scope: ["AWS::IAM::User"],
    periodic: "One_Hour",
    parameters: {
      policyArn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:policy/RequireMFA`,
      exemptUsers: '["ci-deployer","datadog"]',
      refreshDays: "7",
    },
  },
  {
    name: "iam-user-one-active-key",
    component: "iam-user-one-active-key",
    permissions: oneActiveKey.PERMISSIONS,
    scope: ["AWS::IAM::User"],
    periodic: "TwentyFour_Hours",
    parameters: { exemptUsers: '["ci-deployer","datadog"]', refreshDays: "7" },
  },
] as const;

function customRuleNames(run: ProgramRun): unknown[] {
  return run.resources
    .filter(
      (r) => r.type === "aws:cfg/rule:Rule" && (r.inputs.source as any).owner === "CUSTOM_LAMBDA",
    )
    .map((r) => r.inputs.name);
}

describe("custom Config rules", () => {
  let run: ProgramRun;
  before(async () => {
    run = await buildStack({
      forbiddenPorts: ["22", "1-1024", "9200-9300"],
      maxInactiveDays: 45,
      exemptUsers: ["ci-deployer", "datadog"],
      mfaPolicyName: "RequireMFA",
      logRetentionDays: 30,
      ruleSets: ["guardrails", "cis-foundations"],
    });
  });

  for (const expected of RULES) {
    describe(expected.name, () => {
      let rule: ProgramRun;
      before(() => {
        rule = within(run, "guardrails:index:CustomConfigRule", expected.component);
      });

      it("is a CUSTOM_LAMBDA rule on its function, scoped, with parameters from stack config", () => {
        const resource = only(rule, "aws:cfg/rule:Rule");
        const fn = only(rule, "aws:lambda/function:Function");
        const source = resource.inputs.source as any;
        assert.equal(resource.inputs.name, expected.name);
        assert.equal(source.owner, "CUSTOM_LAMBDA");
        assert.equal(
          source.sourceIdentifier,
          `arn:aws:lambda:us-east-1:${MOCK_ACCOUNT_ID}:${fn.name}-0a1b2c3`,
        );
        assert.deepEqual((resource.inputs.scope as any).complianceResourceTypes, expected.scope);
        assert.deepEqual(jsonInput(resource, "inputParameters"), expected.parameters);
        assert.equal(resource.inputs.maximumExecutionFrequency, expected.periodic);
      });

      it("is triggered by changes, oversized changes and, if periodic, its schedule", () => {
        const source = only(rule, "aws:cfg/rule:Rule").inputs.source as any;
        const expectedDetails = [
          { eventSource: "aws.config", messageType: "ConfigurationItemChangeNotification" },
          {
            eventSource: "aws.config",
            messageType: "OversizedConfigurationItemChangeNotification",
          },
          ...(expected.periodic
            ? [
                {
                  eventSource: "aws.config",
                  messageType: "ScheduledNotification",
                  maximumExecutionFrequency: expected.periodic,
                },
              ]
            : []),
        ];
        assert.deepEqual(source.sourceDetails, expectedDetails);
      });

      it("waits for the recorder to be on, and for Config's permission to invoke", () => {
        const resource = only(rule, "aws:cfg/rule:Rule");
        const status = only(run, "aws:cfg/recorderStatus:RecorderStatus");
        assert.ok(resource.dependencies.includes(status.urn), "depends on the recorder status");
        assert.ok(
          resource.dependencies.includes(only(rule, "aws:lambda/permission:Permission").urn),
        );
      });

      it("lets only this account's AWS Config invoke the function", () => {
        const permission = only(rule, "aws:lambda/permission:Permission").inputs;
        assert.equal(permission.principal, "config.amazonaws.com");
        assert.equal(permission.action, "lambda:InvokeFunction");
        assert.equal(permission.sourceAccount, MOCK_ACCOUNT_ID);
      });

      it("runs Node.js 22 with tracing, its own log group with retention, and its own role", () => {
        const fn = only(rule, "aws:lambda/function:Function").inputs as any;
        const logGroup = only(rule, "aws:cloudwatch/logGroup:LogGroup").inputs;
        assert.equal(fn.runtime, "nodejs22.x");
        assert.deepEqual(fn.tracingConfig, { mode: "Active" });
        assert.equal(fn.loggingConfig.logGroup, logGroup.name);
        assert.equal(logGroup.retentionInDays, 30);
        assert.equal(
          fn.role,
          `arn:aws:iam::${MOCK_ACCOUNT_ID}:role/${only(rule, "aws:iam/role:Role").name}-0a1b2c3`,
        );
      });

      it("grants exactly the handler's calls, its log group and X-Ray: no managed policy, no wildcard action", () => {
        assert.equal(
          rule.resources.filter(
            (r) => r.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
          ).length,
          0,
        );
        const policy = jsonInput(only(rule, "aws:iam/rolePolicy:RolePolicy"), "policy");
        const actions = policy.Statement.flatMap((statement: any) => statement.Action);
        assert.deepEqual(
          [...actions].sort(),
          [
            ...expected.permissions,
            "logs:CreateLogStream",
            "logs:PutLogEvents",
            "xray:PutTelemetryRecords",
            "xray:PutTraceSegments",
          ].sort(),
        );
        assert.ok(actions.every((action: string) => !action.includes("*")));
        const logs = policy.Statement.find((statement: any) => statement.Sid === "OwnLogGroup");
        assert.match(logs.Resource, /:log-group:|logs-0a1b2c3:\*$/);
        const trust = jsonInput(only(rule, "aws:iam/role:Role"), "assumeRolePolicy");
        assert.deepEqual(trust.Statement[0].Principal, { Service: "lambda.amazonaws.com" });
      });

      it("ships only the serialized handler: the runtime provides the AWS SDK", () => {
        const code = only(rule, "aws:lambda/function:Function").inputs.code as any;
        assert.deepEqual(Object.keys(code.__archive), ["__index.js"]);
      });
    });
  }

  it("keeps each rule where its former wrapper component put it (an alias to its old parent)", () => {
    // The rule's name and log group name are fixed: without the alias, `pulumi up` on a stack
    // deployed before would create them anew beside the old ones and then delete the old ones.
    const former: Record<string, string> = {
      "exposed-ports": "ExposedPortsRule",
      "iam-inactive-users": "InactiveUsersRule",
      "mfa-policy-attached": "MfaPolicyRule",
    };
    assert.equal(
      run.resources.find((r) => r.name === "iam-user-one-active-key")?.aliases.length,
      0,
      "a rule that never had a wrapper has no alias",
    );
    for (const [name, wrapper] of Object.entries(former)) {
      const component = run.resources.find(
        (r) => r.type === "guardrails:index:CustomConfigRule" && r.name === name,
      );
      assert.deepEqual(
        component?.aliases.map((alias: any) => alias.spec?.parenturn),
        [`urn:pulumi:test::guardrails::guardrails:index:${wrapper}::${name}`],
      );
    }
  });

  it("can switch a rule off by name", async () => {
    const without = await buildStack({ disabledRules: ["iam-inactive-users", "exposed-ports"] });
    const names = customRuleNames(without);
    assert.deepEqual(names, ["mfa-policy-attached"]);
    assert.deepEqual([...customRuleNames(run)].sort(), RULES.map((rule) => rule.name).sort());
  });

  it("runs the IAM rules only in the region that records global resources", async () => {
    const regional = await buildStack({
      recordGlobalResources: false,
      ruleSets: ["guardrails", "cis-foundations"],
    });
    const names = customRuleNames(regional);
    assert.deepEqual(names, ["exposed-ports"]);
  });
});
