import { strict as assert } from "assert";
import { ProgramRun } from "../../offline/mock-runtime";
import { buildStack, only, resourcesOfType, within } from "../helpers/program";

const MANAGED = "guardrails:index:ManagedRules";

function rule(run: ProgramRun, name: string) {
  const found = resourcesOfType(within(run, MANAGED), "aws:cfg/rule:Rule").find(
    (r) => r.inputs.name === name,
  );
  assert.ok(found, `no managed rule ${name}`);
  return found;
}

describe("managed rules", () => {
  let run: ProgramRun;
  before(async () => {
    run = await buildStack({
      authorizedTcpPorts: "443,1020-1025",
      authorizedUdpPorts: "500",
      maxAccessKeyAge: 60,
      restrictedSshTagKey: "Name",
      restrictedSshTagValue: "test-config",
    });
  });

  const expected: Array<
    [string, string, string[] | undefined, Record<string, string> | undefined]
  > = [
    [
      "vpc-default-security-group-closed",
      "VPC_DEFAULT_SECURITY_GROUP_CLOSED",
      ["AWS::EC2::SecurityGroup"],
      undefined,
    ],
    [
      "vpc-sg-open-only-to-authorized-ports",
      "VPC_SG_OPEN_ONLY_TO_AUTHORIZED_PORTS",
      ["AWS::EC2::SecurityGroup"],
      { authorizedTcpPorts: "443,1020-1025", authorizedUdpPorts: "500" },
    ],
    ["access-keys-rotated", "ACCESS_KEYS_ROTATED", undefined, { maxAccessKeyAge: "60" }],
    ["restricted-ssh", "INCOMING_SSH_DISABLED", ["AWS::EC2::SecurityGroup"], undefined],
  ];
  for (const [name, identifier, scope, parameters] of expected) {
    it(`${name}: AWS's ${identifier} with its documented parameters, after the recorder`, () => {
      const resource = rule(run, name);
      assert.deepEqual(resource.inputs.source, { owner: "AWS", sourceIdentifier: identifier });
      assert.deepEqual((resource.inputs.scope as any)?.complianceResourceTypes, scope);
      assert.deepEqual(
        resource.inputs.inputParameters === undefined
          ? undefined
          : JSON.parse(resource.inputs.inputParameters as string),
        parameters,
      );
      assert.ok(
        resource.dependencies.includes(only(run, "aws:cfg/recorderStatus:RecorderStatus").urn),
      );
    });
  }

  it("runs access-keys-rotated daily: it is a periodic rule", () => {
    assert.equal(
      rule(run, "access-keys-rotated").inputs.maximumExecutionFrequency,
      "TwentyFour_Hours",
    );
  });

  it("scopes restricted-ssh by tag when restrictedSshTagKey is set", () => {
    const scope = rule(run, "restricted-ssh").inputs.scope as any;
    assert.equal(scope.tagKey, "Name");
    assert.equal(scope.tagValue, "test-config");
  });

  it("leaves out the UDP parameter when no UDP port is authorized", async () => {
    const plain = await buildStack({});
    assert.deepEqual(
      JSON.parse(
        String(rule(plain, "vpc-sg-open-only-to-authorized-ports").inputs.inputParameters),
      ),
      {
        authorizedTcpPorts: "443",
      },
    );
    assert.equal((rule(plain, "restricted-ssh").inputs.scope as any).tagKey, undefined);
  });

  it("can switch managed rules off, and keeps access-keys-rotated in the global region", async () => {
    const regional = await buildStack({
      recordGlobalResources: false,
      disabledRules: ["restricted-ssh"],
    });
    const names = resourcesOfType(within(regional, MANAGED), "aws:cfg/rule:Rule").map(
      (r) => r.inputs.name,
    );
    assert.deepEqual(names, [
      "vpc-default-security-group-closed",
      "vpc-sg-open-only-to-authorized-ports",
    ]);
  });
});
