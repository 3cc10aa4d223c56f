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
import { organizationBucketName } from "../../organization/baseline";
import { createAudit, createGuardrails } from "../../stack";
import { startConfigListener } from "../helpers/config-listener";
import { configEvent } from "../helpers/fixtures";
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

  it("lets each function do one thing itself: assume the member evaluation role in the organization's accounts", () => {
    const roles = resourcesOfType(run, "aws:iam/role:Role").filter(
      (r) => r.name.endsWith("-role") && r.name !== "organization-aggregator-role",
    );
    assert.ok(roles.length > 0);
    for (const role of roles) assert.equal(role.inputs.path, "/guardrails/evaluation/");
    for (const policy of resourcesOfType(run, "aws:iam/rolePolicy:RolePolicy")) {
      const statements = jsonInput(policy, "policy").Statement;
      assert.deepEqual(
        statements.map((s: any) => s.Sid),
        ["MemberAccountsOfTheOrganization", "OwnLogGroup", "Tracing"],
      );
      assert.deepEqual(statements[0], {
        Sid: "MemberAccountsOfTheOrganization",
        Effect: "Allow",
        Action: "sts:AssumeRole",
        Resource: "arn:aws:iam::*:role/guardrails-member-evaluation",
        Condition: { StringEquals: { "aws:ResourceOrgID": MOCK_ORGANIZATION_ID } },
      });
    }
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
