import { strict as assert } from "assert";
import { RULES } from "../../functions/catalog";
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

describe("managed rules of the cis-foundations rule set", () => {
  let run: ProgramRun;
  before(async () => {
    run = await buildStack({
      ruleSets: ["guardrails", "cis-foundations"],
      passwordMinimumLength: 16,
      passwordRequiredCharacters: ["uppercase", "numbers"],
    });
  });

  const expected: Array<[string, string, string[] | undefined, string | undefined]> = [
    ["iam-root-access-key-check", "IAM_ROOT_ACCESS_KEY_CHECK", undefined, "TwentyFour_Hours"],
    ["root-account-mfa-enabled", "ROOT_ACCOUNT_MFA_ENABLED", undefined, "TwentyFour_Hours"],
    [
      "root-account-hardware-mfa-enabled",
      "ROOT_ACCOUNT_HARDWARE_MFA_ENABLED",
      undefined,
      "TwentyFour_Hours",
    ],
    ["iam-password-policy", "IAM_PASSWORD_POLICY", undefined, "TwentyFour_Hours"],
    [
      "mfa-enabled-for-iam-console-access",
      "MFA_ENABLED_FOR_IAM_CONSOLE_ACCESS",
      undefined,
      "TwentyFour_Hours",
    ],
    ["iam-user-no-policies-check", "IAM_USER_NO_POLICIES_CHECK", ["AWS::IAM::User"], undefined],
    ["iam-policy-in-use", "IAM_POLICY_IN_USE", undefined, "TwentyFour_Hours"],
    [
      "iam-external-access-analyzer-enabled",
      "IAM_EXTERNAL_ACCESS_ANALYZER_ENABLED",
      undefined,
      "TwentyFour_Hours",
    ],
    [
      "iam-policy-no-statements-with-admin-access",
      "IAM_POLICY_NO_STATEMENTS_WITH_ADMIN_ACCESS",
      ["AWS::IAM::Policy"],
      undefined,
    ],
    [
      "nacl-no-unrestricted-ssh-rdp",
      "NACL_NO_UNRESTRICTED_SSH_RDP",
      ["AWS::EC2::NetworkAcl"],
      undefined,
    ],
    ["ec2-imdsv2-check", "EC2_IMDSV2_CHECK", ["AWS::EC2::Instance"], undefined],
  ];
  it("lists every managed rule of the set", () => {
    const cis = RULES.filter((r) => r.owner === "AWS" && r.ruleSets.includes("cis-foundations"));
    const guardrails = cis.filter((r) => r.ruleSets.includes("guardrails")).map((r) => r.name);
    assert.deepEqual(
      expected.map(([name]) => name).sort(),
      cis
        .map((r) => r.name)
        .filter((name) => !guardrails.includes(name))
        .sort(),
    );
  });

  for (const [name, identifier, scope, frequency] of expected) {
    it(`${name}: AWS's ${identifier}, ${frequency ? "periodic" : "on changes"}, naming its CIS controls`, () => {
      const resource = rule(run, name);
      assert.deepEqual(resource.inputs.source, { owner: "AWS", sourceIdentifier: identifier });
      assert.deepEqual((resource.inputs.scope as any)?.complianceResourceTypes, scope);
      assert.equal(resource.inputs.maximumExecutionFrequency, frequency);
      assert.match(String(resource.inputs.description), / \(CIS \d+\.\d+(, \d+\.\d+)*\)$/);
    });
  }

  it("names AWSSupportAccess in the account's own partition", () => {
    assert.deepEqual(JSON.parse(String(rule(run, "iam-policy-in-use").inputs.inputParameters)), {
      policyARN: "arn:aws:iam::aws:policy/AWSSupportAccess",
      policyUsageType: "ANY",
    });
  });

  it("passes the password requirements under AWS's parameter names, booleans in lower case", () => {
    assert.deepEqual(JSON.parse(String(rule(run, "iam-password-policy").inputs.inputParameters)), {
      MinimumPasswordLength: "16",
      PasswordReusePrevention: "24",
      MaxPasswordAge: "90",
      RequireUppercaseCharacters: "true",
      RequireLowercaseCharacters: "false",
      RequireSymbols: "false",
      RequireNumbers: "true",
    });
  });

  it("deploys none of them by default, and keeps the IAM ones in the global region only", async () => {
    const plain = await buildStack({});
    const names = (r: ProgramRun) =>
      resourcesOfType(within(r, MANAGED), "aws:cfg/rule:Rule").map((x) => x.inputs.name);
    for (const [name] of expected) assert.ok(!names(plain).includes(name), name);
    const regional = await buildStack({
      ruleSets: ["cis-foundations"],
      recordGlobalResources: false,
    });
    assert.deepEqual(names(regional).sort(), [
      "ec2-imdsv2-check",
      "iam-external-access-analyzer-enabled",
      "nacl-no-unrestricted-ssh-rdp",
      "restricted-ssh",
      "vpc-default-security-group-closed",
    ]);
  });
});
