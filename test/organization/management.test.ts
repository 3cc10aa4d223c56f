import { strict as assert } from "assert";
import { parseSettings } from "../../config";
import { memberBaseline } from "../../organization/baseline";
import { ProgramRun, runProgram } from "../../offline/mock-runtime";
import { createManagement } from "../../stack";
import { only, resourcesOfType } from "../helpers/program";

const MANAGEMENT = {
  deployment: "management",
  homeRegion: "eu-central-1",
  regions: ["us-east-1", "eu-central-1", "ap-southeast-2"],
  auditAccountId: "222233334444",
  organizationTargets: ["ou-a1b2-c3d4e5f6", "ou-a1b2-77778888"],
  excludedAccounts: ["555566667777"],
};

function plan(config: Record<string, unknown>): Promise<ProgramRun> {
  return runProgram(() => createManagement(parseSettings(config)), {
    project: "guardrails",
    stack: "org-management",
    config: {},
  });
}

describe("deployment management (an organization's management account)", () => {
  let run: ProgramRun;
  before(async () => {
    run = await plan(MANAGEMENT);
  });

  it("enables trusted access for AWS Config and delegates both principals to the audit account", () => {
    const principals = ["config.amazonaws.com", "config-multiaccountsetup.amazonaws.com"];
    assert.deepEqual(
      resourcesOfType(run, "aws:organizations/awsServiceAccess:AwsServiceAccess").map(
        (r) => r.inputs.servicePrincipal,
      ),
      principals,
    );
    const delegations = resourcesOfType(
      run,
      "aws:organizations/delegatedAdministrator:DelegatedAdministrator",
    );
    assert.deepEqual(
      delegations.map((r) => [r.inputs.servicePrincipal, r.inputs.accountId]),
      principals.map((principal) => [principal, "222233334444"]),
    );
    const access = resourcesOfType(run, "aws:organizations/awsServiceAccess:AwsServiceAccess");
    delegations.forEach((delegation, index) =>
      assert.ok(delegation.dependencies.includes(access[index]?.urn ?? ""), "after trusted access"),
    );
  });

  it("deploys the member baseline as a service-managed StackSet that follows accounts in and out", () => {
    const stackSet = only(run, "aws:cloudformation/stackSet:StackSet").inputs as any;
    assert.equal(stackSet.permissionModel, "SERVICE_MANAGED");
    assert.deepEqual(stackSet.autoDeployment, {
      enabled: true,
      retainStacksOnAccountRemoval: false,
    });
    assert.deepEqual(stackSet.capabilities, ["CAPABILITY_NAMED_IAM"]);
    assert.equal(stackSet.region, "eu-central-1");
    assert.deepEqual(JSON.parse(stackSet.templateBody), memberBaseline(parseSettings(MANAGEMENT)));
  });

  it("targets the chosen OUs in every region, home region first, without the excluded accounts", () => {
    const instances = only(run, "aws:cloudformation/stackInstances:StackInstances").inputs as any;
    assert.deepEqual(instances.regions, ["eu-central-1", "us-east-1", "ap-southeast-2"]);
    assert.deepEqual(instances.operationPreferences.regionOrders, instances.regions);
    assert.equal(instances.operationPreferences.regionConcurrencyType, "SEQUENTIAL");
    assert.deepEqual(instances.deploymentTargets, {
      organizationalUnitIds: ["ou-a1b2-c3d4e5f6", "ou-a1b2-77778888"],
      accountFilterType: "DIFFERENCE",
      accounts: ["555566667777"],
    });
  });

  it("filters no account when none is excluded", async () => {
    const config: Record<string, unknown> = { ...MANAGEMENT };
    delete config.excludedAccounts;
    const instances = only(await plan(config), "aws:cloudformation/stackInstances:StackInstances")
      .inputs as any;
    assert.deepEqual(instances.deploymentTargets, {
      organizationalUnitIds: ["ou-a1b2-c3d4e5f6", "ou-a1b2-77778888"],
    });
  });

  it("registers every AWS resource with the account's explicit provider, and a region where it takes one", () => {
    const provider = only(run, "pulumi:providers:aws");
    assert.equal(provider.inputs.region, "eu-central-1");
    const awsResources = run.resources.filter((r) => r.custom && r.type.startsWith("aws:"));
    assert.ok(awsResources.length >= 6);
    for (const resource of awsResources) {
      // A provider reference is `<urn>::<id>`.
      const reference = resource.provider ?? "";
      assert.equal(
        reference.slice(0, reference.lastIndexOf("::")),
        provider.urn,
        `${resource.type} ${resource.name}`,
      );
    }
    for (const resource of awsResources.filter((r) => r.type.startsWith("aws:cloudformation/"))) {
      assert.equal(resource.inputs.region, "eu-central-1", resource.type);
    }
  });

  it("holds no rule, function, recorder or member resource of its own", () => {
    const types = new Set(run.resources.map((r) => r.type));
    for (const type of types) {
      assert.ok(
        !/^aws:(cfg|lambda|iam|s3|sns|cloudwatch)\//.test(type),
        `${type} belongs in the audit or member accounts`,
      );
    }
  });
});
