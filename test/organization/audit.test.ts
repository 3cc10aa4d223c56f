import { EC2Client } from "@aws-sdk/client-ec2";
import { CreateUserCommand, IAMClient } from "@aws-sdk/client-iam";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { strict as assert } from "assert";
import { parseSettings } from "../../config";
import { RULES, rulesFor } from "../../functions/catalog";
import { MEMBER_ACCOUNT_PLACEHOLDER } from "../../functions/shared/member-roles";
import {
  MOCK_ACCOUNT_ID,
  MOCK_ORGANIZATION_ID,
  ProgramRun,
  runProgram,
} from "../../offline/mock-runtime";
import { organizationFootprint } from "../../bench/organization";
import { memberBaseline, organizationBucketName } from "../../organization/baseline";
import { ListParentsCommand, OrganizationsClient } from "@aws-sdk/client-organizations";
import { mockClient } from "aws-sdk-client-mock";
import { OVERRIDES_VARIABLE } from "../../functions/shared/account-overrides";
import { EXEMPT_USERS_CODEC } from "../../functions/shared/boundary";
import { memberAccountRuleHandler } from "../../functions/shared/member-account";
import { createAudit, createGuardrails } from "../../stack";
import { startConfigListener } from "../helpers/config-listener";
import { matchesPattern } from "../helpers/event-pattern";
import { createExposedGroup, ingressCidrs } from "../helpers/ec2";
import { configEvent, fixture } from "../helpers/fixtures";
import { invokeSerialized } from "../helpers/lambda-process";
import { startMoto } from "../helpers/moto";
import { buildStack, jsonInput, only, resourcesOfType, within } from "../helpers/program";

const AUDIT = {
  deployment: "audit",
  homeRegion: "eu-west-1",
  regions: ["eu-west-1", "us-east-1", "ap-southeast-2"],
  excludedAccounts: ["555566667777"],
  ruleSets: ["guardrails", "cis-foundations"],
  exemptUsers: ["ci-deployer"],
};

function plan(config: Record<string, unknown> = AUDIT): Promise<ProgramRun> {
  return runProgram(() => createAudit(parseSettings(config)), {
    project: "guardrails",
    stack: "org-audit",
    config: {},
  });
}

const MANAGED = "aws:cfg/organizationManagedRule:OrganizationManagedRule";
const CUSTOM = "aws:cfg/organizationCustomRule:OrganizationCustomRule";

describe("deployment audit (the delegated administrator)", () => {
  let run: ProgramRun;
  before(async () => {
    run = await plan();
  });

  it("creates every organization rule exactly once per region, the IAM rules only in the home region", () => {
    const deployed = rulesFor(parseSettings({ ...AUDIT, recordGlobalResources: true }));
    const planned = [...resourcesOfType(run, MANAGED), ...resourcesOfType(run, CUSTOM)].map(
      (r) => `${String(r.inputs.region)} ${String(r.inputs.name)}`,
    );
    const expected = AUDIT.regions.flatMap((region) =>
      deployed
        .filter((rule) => !rule.global || region === AUDIT.homeRegion)
        .map((rule) => `${region} ${rule.name}`),
    );
    assert.deepEqual([...planned].sort(), [...expected].sort());
    assert.equal(new Set(planned).size, planned.length, "once each");
    assert.ok(expected.includes("eu-west-1 iam-inactive-users"));
    assert.ok(!expected.includes("us-east-1 iam-inactive-users"));
  });

  it("gives managed rules AWS's identifiers, and excludes from every rule the excluded and the management account", () => {
    const ssh = resourcesOfType(run, MANAGED).find(
      (r) => r.inputs.name === "restricted-ssh" && r.inputs.region === "us-east-1",
    );
    assert.equal(ssh?.inputs.ruleIdentifier, "INCOMING_SSH_DISABLED");
    assert.deepEqual(ssh?.inputs.resourceTypesScopes, ["AWS::EC2::SecurityGroup"]);
    for (const rule of [...resourcesOfType(run, MANAGED), ...resourcesOfType(run, CUSTOM)]) {
      // The management account (the mock organization's) never gets the member baseline.
      assert.deepEqual(
        rule.inputs.excludedAccounts,
        ["555566667777", MOCK_ACCOUNT_ID],
        String(rule.inputs.name),
      );
    }
  });

  it("runs each custom rule on a function of its region, invoked by AWS Config, triggered as the rule is", () => {
    for (const rule of resourcesOfType(run, CUSTOM)) {
      const name = `${String(rule.inputs.name)}-${String(rule.inputs.region)}`;
      const fn = only(
        within(run, "guardrails:index:GuardrailsFunction", name),
        "aws:lambda/function:Function",
      );
      assert.equal(fn.inputs.region, rule.inputs.region);
      const definition = RULES.find((r) => r.name === rule.inputs.name);
      assert.deepEqual(rule.inputs.triggerTypes, [
        ...(definition?.onChange
          ? ["ConfigurationItemChangeNotification", "OversizedConfigurationItemChangeNotification"]
          : []),
        ...(definition?.periodic ? ["ScheduledNotification"] : []),
      ]);
      const permission = resourcesOfType(run, "aws:lambda/permission:Permission").find(
        (p) => p.name === `${name}-invoke`,
      );
      assert.equal(permission?.inputs.principal, "config.amazonaws.com");
      assert.equal(permission?.inputs.region, rule.inputs.region);
      assert.ok(rule.dependencies.includes(permission?.urn ?? ""), "after its permission");
    }
  });

  it("lets each function do one thing itself: assume its kind of member role in the organization's accounts", () => {
    const functions = resourcesOfType(run, "guardrails:index:GuardrailsFunction");
    assert.ok(functions.length > 0);
    for (const component of functions) {
      const kind = component.name.startsWith("remediate-") ? "remediation" : "evaluation";
      const inside = within(run, "guardrails:index:GuardrailsFunction", component.name);
      assert.equal(only(inside, "aws:iam/role:Role").inputs.path, `/guardrails/${kind}/`);
      const statements = jsonInput(
        only(inside, "aws:iam/rolePolicy:RolePolicy"),
        "policy",
      ).Statement;
      assert.deepEqual(statements[0], {
        Sid: "MemberAccountsOfTheOrganization",
        Effect: "Allow",
        Action: "sts:AssumeRole",
        Resource: `arn:aws:iam::*:role/guardrails-member-${kind}`,
        Condition: { StringEquals: { "aws:ResourceOrgID": MOCK_ORGANIZATION_ID } },
      });
      const region = String(only(inside, "aws:lambda/function:Function").inputs.region);
      // Report mode (the defaults of MFA and exposed ports): its records to its region's bus.
      const reports = /^remediate-(exposed-ports|mfa-policy)-/.test(component.name);
      assert.deepEqual(
        statements.slice(1),
        [
          ...(reports
            ? [
                {
                  Sid: "ReportDestination",
                  Effect: "Allow",
                  Action: "events:PutEvents",
                  Resource: `arn:aws:events:${region}:${MOCK_ACCOUNT_ID}:event-bus/aws-config-guardrails`,
                },
              ]
            : []),
          ...statements.slice(reports ? 2 : 1),
        ],
        component.name,
      );
      assert.deepEqual(
        statements.slice(reports ? 2 : 1).map((s: any) => s.Sid),
        ["OwnLogGroup", "Tracing"],
        component.name,
      );
    }
  });

  it("runs each remediation once per region (the IAM ones in the home region), on its rule's NON_COMPLIANT changes from members", () => {
    const functions = resourcesOfType(run, "aws:lambda/function:Function")
      .filter((f) => f.name.startsWith("remediate-"))
      .map((f) => `${String(f.inputs.region)} ${f.name.replace(/-[a-z]+-[a-z]+-\d-function$/, "")}`)
      .sort();
    const expected = AUDIT.regions
      .flatMap((region) => [
        `${region} remediate-exposed-ports`,
        ...(region === AUDIT.homeRegion
          ? [`${region} remediate-mfa-policy`, `${region} remediate-access-keys`]
          : []),
      ])
      .sort();
    assert.deepEqual(functions, expected);
    const memberChange = (rule: string, resourceType: string) => {
      const event = fixture<any>("config-events/organization-compliance-change.json");
      event.detail.configRuleName = `OrgConfigRule-${rule}-dbgzf8ba`;
      event.detail.resourceType = resourceType;
      return event;
    };
    for (const region of AUDIT.regions) {
      const trigger = resourcesOfType(run, "aws:cloudwatch/eventRule:EventRule").find(
        (r) => r.name === `remediate-exposed-ports-${region}-on-noncompliant`,
      );
      assert.equal(trigger?.inputs.region, region);
      assert.equal(trigger?.inputs.eventBusName, "aws-config-guardrails");
      const pattern = jsonInput(trigger, "eventPattern");
      assert.equal(
        matchesPattern(pattern, memberChange("exposed-ports", "AWS::EC2::SecurityGroup")),
        true,
      );
      assert.equal(matchesPattern(pattern, memberChange("exposed-ports", "AWS::IAM::User")), false);
      assert.equal(
        matchesPattern(pattern, memberChange("restricted-ssh", "AWS::EC2::SecurityGroup")),
        false,
      );
      const permission = resourcesOfType(run, "aws:lambda/permission:Permission").find(
        (p) => p.name === `remediate-exposed-ports-${region}-on-noncompliant-invoke`,
      );
      assert.equal(permission?.inputs.principal, "events.amazonaws.com");
      assert.match(
        String(permission?.inputs.sourceArn),
        /remediate-exposed-ports-.*-on-noncompliant/,
      );
    }
    // The MFA remediation's environment names every member's policy through the placeholder.
    const mfa = resourcesOfType(run, "aws:lambda/function:Function").find((f) =>
      f.name.startsWith("remediate-mfa-policy-eu-west-1"),
    );
    assert.equal(
      (mfa?.inputs.environment as any).variables.POLICY_ARN,
      `arn:aws:iam::${MEMBER_ACCOUNT_PLACEHOLDER}:policy/DenyActionWithoutMFA`,
    );
  });

  it("routes what the report-mode remediations would have done to the topic, from their region's bus", () => {
    const reports = resourcesOfType(run, "aws:cloudwatch/eventRule:EventRule").find(
      (r) => r.inputs.region === "eu-west-1" && /remediation-reports/.test(r.name),
    );
    const pattern = jsonInput(reports as never, "eventPattern");
    const functions = resourcesOfType(run, "aws:lambda/function:Function").filter((f) =>
      f.name.startsWith("remediate-"),
    );
    for (const fn of functions) {
      const arn = `arn:aws:lambda:${String(fn.inputs.region)}:${MOCK_ACCOUNT_ID}:${fn.name}-0a1b2c3`;
      // A Lambda destination's record names the function with its version.
      const record = {
        source: "lambda",
        account: MOCK_ACCOUNT_ID,
        "detail-type": "Lambda Function Invocation Result - Success",
        resources: [`${arn}:$LATEST`],
        detail: {
          requestContext: { functionArn: `${arn}:$LATEST` },
          responsePayload: { remediation: "x", mode: "report", actions: [] },
        },
      };
      const inReportMode = /remediate-(exposed-ports|mfa-policy)-/.test(fn.name);
      assert.equal(matchesPattern(pattern, record), inReportMode, fn.name);
      // The same record put by another account (source "lambda" is not reserved) is not one,
      // nor one of an event the function ignored.
      assert.equal(matchesPattern(pattern, { ...record, account: "444455556666" }), false);
      const skipped = {
        ...record,
        detail: { ...record.detail, responsePayload: { skipped: "off in this account" } },
      };
      assert.equal(matchesPattern(pattern, skipped), false);
      const destination = resourcesOfType(
        run,
        "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
      ).find((d) => d.inputs.functionName === `${fn.name}-0a1b2c3`);
      assert.equal(
        (destination?.inputs.destinationConfig as any)?.onSuccess.destination,
        inReportMode
          ? `arn:aws:events:${String(fn.inputs.region)}:${MOCK_ACCOUNT_ID}:event-bus/aws-config-guardrails`
          : undefined,
        fn.name,
      );
    }
  });

  it("keeps each region's central bus to the members' forwarding roles in the organization", () => {
    const buses = resourcesOfType(run, "aws:cloudwatch/eventBus:EventBus");
    assert.deepEqual(buses.map((b) => b.inputs.region).sort(), [...AUDIT.regions].sort());
    for (const bus of buses) assert.equal(bus.inputs.name, "aws-config-guardrails");
    const policies = resourcesOfType(run, "aws:cloudwatch/eventBusPolicy:EventBusPolicy");
    assert.equal(policies.length, AUDIT.regions.length);
    for (const policy of policies) {
      const statements = jsonInput(policy, "policy").Statement;
      assert.deepEqual(statements, [
        {
          Sid: "MemberForwardingRoles",
          Effect: "Allow",
          Principal: { AWS: "*" },
          Action: "events:PutEvents",
          Resource: `arn:aws:events:${String(policy.inputs.region)}:${MOCK_ACCOUNT_ID}:event-bus/aws-config-guardrails`,
          Condition: {
            StringEquals: {
              "aws:PrincipalOrgID": MOCK_ORGANIZATION_ID,
              "events:source": "aws.config",
              "events:detail-type": "Config Rules Compliance Change",
            },
            ArnLike: {
              "aws:PrincipalArn": "arn:aws:iam::*:role/guardrails-member-event-forwarding-*",
            },
          },
        },
      ]);
    }
  });

  it("sends every region's compliance changes and reports to one topic in the home region", () => {
    const topic = only(run, "aws:sns/topic:Topic");
    assert.equal(topic.inputs.region, "eu-west-1");
    const rules = resourcesOfType(run, "aws:cloudwatch/eventRule:EventRule").filter(
      (r) => !r.name.startsWith("remediate-"),
    );
    const homeBus = `arn:aws:events:eu-west-1:${MOCK_ACCOUNT_ID}:event-bus/aws-config-guardrails`;
    const targets = resourcesOfType(run, "aws:cloudwatch/eventTarget:EventTarget");
    for (const region of AUDIT.regions) {
      const here = rules.filter((r) => r.inputs.region === region);
      // Members send every region's changes to the home region's bus themselves; each region's
      // reports start on its own bus and are forwarded once.
      assert.deepEqual(
        here.map((r) => (/compliance-changes/.test(r.name) ? "changes" : "reports")).sort(),
        region === "eu-west-1" ? ["changes", "reports"] : ["reports"],
        region,
      );
      for (const rule of here) {
        const target = targets.find((t) => t.name === `${rule.name}-target`);
        if (region === "eu-west-1") {
          assert.match(
            String(target?.inputs.arn),
            /^arn:aws:sns:eu-west-1:\d{12}:organization-remediations-notifications-topic/,
          );
        } else {
          assert.equal(target?.inputs.arn, homeBus, rule.name);
          assert.ok(String(target?.inputs.roleArn).length > 0, "with the forwarding role");
        }
      }
    }
    const changes = rules.find(
      (r) => r.inputs.region === "eu-west-1" && /compliance-changes/.test(r.name),
    );
    const event = fixture<any>("config-events/organization-compliance-change.json");
    assert.equal(matchesPattern(jsonInput(changes as never, "eventPattern"), event), true);
    event.detail.configRuleName = "exposed-ports";
    assert.equal(matchesPattern(jsonInput(changes as never, "eventPattern"), event), false);
  });

  it("names each member's own MFA policy through the placeholder account", () => {
    const rule = resourcesOfType(run, CUSTOM).find((r) => r.inputs.name === "mfa-policy-attached");
    const parameters = JSON.parse(String(rule?.inputs.inputParameters));
    assert.equal(
      parameters.policyArn,
      `arn:aws:iam::${MEMBER_ACCOUNT_PLACEHOLDER}:policy/DenyActionWithoutMFA`,
    );
  });

  it("keeps the central bucket to the organization: each writer its own prefix, TLS only", () => {
    const bucket = only(run, "aws:s3/bucket:Bucket");
    assert.equal(bucket.inputs.bucket, organizationBucketName(MOCK_ACCOUNT_ID, "eu-west-1"));
    assert.equal(bucket.inputs.region, "eu-west-1");
    const statements = jsonInput(only(run, "aws:s3/bucketPolicy:BucketPolicy"), "policy").Statement;
    const allowed = statements.filter((s: any) => s.Effect === "Allow");
    assert.equal(allowed.length, 2);
    for (const statement of allowed) {
      assert.deepEqual(statement.Principal, { AWS: "*" });
      assert.equal(statement.Condition.StringEquals["aws:PrincipalOrgID"], MOCK_ORGANIZATION_ID);
      assert.equal(
        statement.Condition.ArnLike["aws:PrincipalArn"],
        "arn:aws:iam::*:role/guardrails-member-config-recorder-*",
      );
    }
    const delivery = allowed.find((s: any) => s.Sid === "MemberRecordersDelivery");
    assert.match(delivery.Resource, /\/AWSLogs\/\$\{aws:PrincipalAccount\}\/Config\/\*$/);
    assert.equal(delivery.Condition.StringEquals["s3:x-amz-acl"], "bucket-owner-full-control");
    assert.ok(
      statements.some((s: any) => s.Sid === "DenyInsecureTransport" && s.Effect === "Deny"),
    );
  });

  it("aggregates the whole organization, every region, in the home region", () => {
    const aggregator = only(run, "aws:cfg/configurationAggregator:ConfigurationAggregator")
      .inputs as any;
    assert.equal(aggregator.region, "eu-west-1");
    assert.equal(aggregator.organizationAggregationSource.allRegions, true);
    const attachment = only(run, "aws:iam/rolePolicyAttachment:RolePolicyAttachment");
    assert.equal(
      attachment.inputs.policyArn,
      "arn:aws:iam::aws:policy/service-role/AWSConfigRoleForOrganizations",
    );
  });

  it("registers every AWS resource with the account's explicit provider, and a region where it takes one", () => {
    const provider = only(run, "pulumi:providers:aws");
    const global = /^aws:(iam|organizations)\//;
    for (const resource of run.resources.filter((r) => r.custom && r.type.startsWith("aws:"))) {
      const reference = resource.provider ?? "";
      assert.equal(reference.slice(0, reference.lastIndexOf("::")), provider.urn, resource.name);
      if (!global.test(resource.type)) {
        assert.ok(
          typeof resource.inputs.region === "string",
          `${resource.type} ${resource.name} names its region`,
        );
      }
    }
  });
});

describe("deployment audit with accountOverrides", () => {
  const MEMBER_B = "210987654321";
  const UNIT = "ou-a1b2-c3d4e5f6";
  const OVERRIDES = {
    [MEMBER_B]: { exemptUsers: ["b-legacy"], exposedPortsRemediation: "revoke" },
    [UNIT]: { mfaRemediation: "off" },
  };
  let run: ProgramRun;
  before(async () => {
    run = await plan({ ...AUDIT, accountOverrides: OVERRIDES });
  });
  const functionOf = (name: string) =>
    only(within(run, "guardrails:index:GuardrailsFunction", name), "aws:lambda/function:Function");
  const overridesOf = (name: string) =>
    JSON.parse((functionOf(name).inputs.environment as any).variables[OVERRIDES_VARIABLE]);

  it("gives each function what its targets change, encoded as the function reads it", () => {
    assert.deepEqual(overridesOf("iam-inactive-users-eu-west-1"), {
      [MEMBER_B]: { values: { exemptUsers: '["ci-deployer","b-legacy"]' } },
    });
    assert.deepEqual(overridesOf("remediate-exposed-ports-us-east-1"), {
      [MEMBER_B]: { values: { MODE: "revoke" }, off: false },
    });
    assert.deepEqual(overridesOf("remediate-mfa-policy-eu-west-1"), {
      [MEMBER_B]: { values: { EXEMPT_USERS: '["ci-deployer","b-legacy"]' } },
      [UNIT]: { values: {}, off: true },
    });
  });

  it("lets the functions read OUs, since an override names one", () => {
    const inside = within(run, "guardrails:index:GuardrailsFunction", "exposed-ports-eu-west-1");
    const statements = jsonInput(only(inside, "aws:iam/rolePolicy:RolePolicy"), "policy").Statement;
    assert.deepEqual(statements.find((s: any) => s.Sid === "HandlerCalls")?.Action, [
      "organizations:ListParents",
    ]);
  });

  it("judges member B with its own exempt users, from the planned parameters and environment", async () => {
    const rule = resourcesOfType(run, CUSTOM).find(
      (r) => r.inputs.name === "iam-inactive-users" && r.inputs.region === "eu-west-1",
    );
    const received: Array<string | undefined> = [];
    const stsStub = mockClient(STSClient);
    const organizationsStub = mockClient(OrganizationsClient);
    try {
      stsStub.on(AssumeRoleCommand).resolves({
        Credentials: {
          AccessKeyId: "ASIAB",
          SecretAccessKey: "s",
          SessionToken: "t",
          Expiration: new Date("2099-01-01T00:00:00Z"),
        },
      });
      organizationsStub
        .on(ListParentsCommand)
        .resolves({ Parents: [{ Id: "r-a1b2", Type: "ROOT" }] });
      const handler = memberAccountRuleHandler({
        rule: "iam-inactive-users",
        env: (functionOf("iam-inactive-users-eu-west-1").inputs.environment as any).variables,
        createHandler: () => (event) => {
          received.push(event.ruleParameters);
          return Promise.resolve({ rule: "x", evaluations: 0, putEvaluationsCalls: 0 });
        },
        clientsFor: () => ({}) as never,
        log: () => undefined,
      });
      for (const accountId of [MEMBER_B, "444455556666"]) {
        await handler({
          ...configEvent("scheduled"),
          accountId,
          ruleParameters: String(rule?.inputs.inputParameters),
        });
      }
    } finally {
      stsStub.restore();
      organizationsStub.restore();
    }
    const exempt = received.map((text) =>
      EXEMPT_USERS_CODEC.decode(JSON.parse(text ?? "{}").exemptUsers),
    );
    assert.deepEqual(exempt, [["ci-deployer", "b-legacy"], ["ci-deployer"]]);
  });

  it("gives the member remediation role the calls of every account's mode", () => {
    const template = memberBaseline(
      parseSettings({
        deployment: "management",
        homeRegion: "eu-west-1",
        regions: AUDIT.regions,
        auditAccountId: "222233334444",
        organizationTargets: ["r-a1b2"],
        accountOverrides: OVERRIDES,
      }),
    );
    const role = template.Resources.RemediationRole as any;
    const actions: string[] = role.Properties.Policies[0].PolicyDocument.Statement[0].Action;
    assert.ok(actions.includes("ec2:RevokeSecurityGroupIngress"), actions.join(" "));
  });
});

describe("the bench's organization footprint", () => {
  it("counts the rules and functions the audit stack plans", async () => {
    const regions = ["eu-west-1", "us-east-1", "ap-southeast-2"];
    const run = await plan({ deployment: "audit", homeRegion: "eu-west-1", regions });
    const [footprint] = organizationFootprint([regions.length], [1]);
    assert.equal(
      footprint?.rulesPerMember,
      resourcesOfType(run, MANAGED).length + resourcesOfType(run, CUSTOM).length,
    );
    assert.equal(
      footprint?.auditFunctions,
      resourcesOfType(run, "guardrails:index:GuardrailsFunction").length,
    );
  });
});

describe("deployment account is what it was", () => {
  it("plans the same resources whether deployment is left out or set to account", async () => {
    const names = (r: ProgramRun) => r.resources.map((x) => `${x.type} ${x.name}`).sort();
    const implicit = await buildStack({});
    const explicit = await runProgram(
      () => createGuardrails(parseSettings({ deployment: "account" })),
      {
        project: "guardrails",
        stack: "test",
        config: {},
      },
    );
    assert.deepEqual(names(explicit), names(implicit));
    assert.ok(!names(implicit).some((n) => /organization/i.test(n)));
  });
});

describe("an organization rule's function, as uploaded, judging member B on moto", function () {
  this.timeout(120_000);

  it("assumes B's evaluation role and sends B's evaluations with B's credentials", async () => {
    const run = await plan();
    const fn = only(
      within(run, "guardrails:index:GuardrailsFunction", "iam-inactive-users-eu-west-1"),
      "aws:lambda/function:Function",
    );
    const code = (fn.inputs.code as any).__archive["__index.js"].text as string;
    const rule = resourcesOfType(run, CUSTOM).find(
      (r) => r.inputs.name === "iam-inactive-users" && r.inputs.region === "eu-west-1",
    );
    const [moto, listener] = await Promise.all([startMoto(), startConfigListener()]);
    try {
      const member = "210987654321";
      const sts = new STSClient({
        region: "eu-west-1",
        endpoint: moto.endpoint,
        credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
      });
      const setup = (
        await sts.send(
          new AssumeRoleCommand({
            RoleArn: `arn:aws:iam::${member}:role/setup`,
            RoleSessionName: "s",
          }),
        )
      ).Credentials;
      const inB = new IAMClient({
        region: "eu-west-1",
        endpoint: moto.endpoint,
        credentials: {
          accessKeyId: setup?.AccessKeyId ?? "",
          secretAccessKey: setup?.SecretAccessKey ?? "",
          sessionToken: setup?.SessionToken,
        },
      });
      const user = (await inB.send(new CreateUserCommand({ UserName: "b-carol" }))).User;
      inB.destroy();
      sts.destroy();
      const event = {
        ...configEvent("scheduled", {
          invoking: (invoking) => (invoking.awsAccountId = member),
        }),
        accountId: member,
        ruleParameters: String(rule?.inputs.inputParameters),
      };
      const outcome = await invokeSerialized(code, event, {
        AWS_ENDPOINT_URL_STS: moto.endpoint,
        AWS_ENDPOINT_URL_IAM: moto.endpoint,
        AWS_ENDPOINT_URL_CONFIG_SERVICE: listener.endpoint,
      });
      assert.equal(outcome.error, undefined, `${outcome.stdout}\n${outcome.stderr}`);
      assert.deepEqual(
        listener.evaluations().map((e) => e.ComplianceResourceId),
        [user?.UserId],
      );
      const signers = new Set(listener.requests.map((request) => request.accessKeyId));
      assert.equal(signers.size, 1);
      assert.ok(
        ![...signers].includes("AKIAIOSFODNN7EXAMPLE"),
        "not the function's own credentials",
      );
    } finally {
      await Promise.all([moto.stop(), listener.stop()]);
    }
  });
});

describe("an organization remediation, as uploaded, repairing member B on moto", function () {
  this.timeout(120_000);

  it("revokes the exposure in B from B's compliance change, and changes nothing in A or the audit account", async () => {
    const run = await plan({ ...AUDIT, exposedPortsRemediation: "revoke" });
    const fn = only(
      within(run, "guardrails:index:GuardrailsFunction", "remediate-exposed-ports-eu-west-1"),
      "aws:lambda/function:Function",
    );
    const code = (fn.inputs.code as any).__archive["__index.js"].text as string;
    const variables = (fn.inputs.environment as { variables: Record<string, string> }).variables;
    const moto = await startMoto();
    const region = "eu-west-1";
    const clients: EC2Client[] = [];
    try {
      const ec2In = async (account: string | undefined) => {
        const base = { accessKeyId: "testing", secretAccessKey: "testing" };
        let credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } =
          base;
        if (account) {
          const sts = new STSClient({ region, endpoint: moto.endpoint, credentials: base });
          const assumed = (
            await sts.send(
              new AssumeRoleCommand({
                RoleArn: `arn:aws:iam::${account}:role/setup`,
                RoleSessionName: "s",
              }),
            )
          ).Credentials;
          sts.destroy();
          credentials = {
            accessKeyId: assumed?.AccessKeyId ?? "",
            secretAccessKey: assumed?.SecretAccessKey ?? "",
            sessionToken: assumed?.SessionToken,
          };
        }
        const client = new EC2Client({ region, endpoint: moto.endpoint, credentials });
        clients.push(client);
        return client;
      };
      // The same exposure in member B, member A and the audit account (moto's default).
      const accounts = { B: "210987654321", A: "444455556666", audit: undefined };
      const groups: Record<string, { client: EC2Client; groupId: string }> = {};
      for (const [label, account] of Object.entries(accounts)) {
        const client = await ec2In(account);
        const GroupId = await createExposedGroup(client, "web");
        groups[label] = { client, groupId: GroupId };
      }
      const cidrs = (label: string) => {
        const { client, groupId } = groups[label] as { client: EC2Client; groupId: string };
        return ingressCidrs(client, groupId);
      };
      const event = fixture<any>("config-events/organization-compliance-change.json");
      event.detail.resourceId = groups.B?.groupId;
      const outcome = await invokeSerialized(code, event, {
        ...variables,
        AWS_ENDPOINT_URL_STS: moto.endpoint,
        AWS_ENDPOINT_URL_EC2: moto.endpoint,
      });
      assert.equal(outcome.error, undefined, `${outcome.stdout}\n${outcome.stderr}`);
      assert.deepEqual(
        (outcome.result as any).actions.map((a: any) => a.outcome),
        ["done"],
        JSON.stringify(outcome.result),
      );
      assert.deepEqual(
        await cidrs("B"),
        ["10.0.0.0/8"],
        "B's exposure revoked, its private CIDR kept",
      );
      assert.deepEqual(await cidrs("A"), ["0.0.0.0/0", "10.0.0.0/8"], "member A untouched");
      assert.deepEqual(
        await cidrs("audit"),
        ["0.0.0.0/0", "10.0.0.0/8"],
        "audit account untouched",
      );

      // The same change again finds nothing left to do.
      const replay = await invokeSerialized(code, event, {
        ...variables,
        AWS_ENDPOINT_URL_STS: moto.endpoint,
        AWS_ENDPOINT_URL_EC2: moto.endpoint,
      });
      assert.deepEqual((replay.result as any).actions, []);
    } finally {
      for (const client of clients) client.destroy();
      await moto.stop();
    }
  });
});
