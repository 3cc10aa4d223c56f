/**
 * The pack as a whole: which policies it registers, and that it loads the way the Pulumi CLI
 * loads it — `node @pulumi/pulumi/cmd/run-policy-pack <engine> .` in the pack's folder, which
 * compiles index.ts with ts-node (type-checked), constructs the PolicyPack, and prints the port of
 * the analyzer's gRPC server. The test then talks to that server as the engine would.
 */
import { strict as assert } from "assert";
import { ChildProcess, spawn } from "child_process";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
import * as aws from "@pulumi/aws";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as analyzer from "@pulumi/pulumi/proto/analyzer_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { RULE_NAMES } from "../../functions/catalog";
import { PACK_NAME, POLICIES } from "../../policies/pack";
import { TYPES } from "../../policies/resource-types";

const PACK_DIR = path.join(__dirname, "..", "..", "policies");

const EXPECTED = [
  ["exposed-ports", "mandatory"],
  ["vpc-default-security-group-closed", "mandatory"],
  ["access-keys-rotated", "advisory"],
  ["mfa-policy-attached", "mandatory"],
  ["config-recorder-global-resources", "advisory"],
  ["config-remediation-retries", "mandatory"],
  ["lambda-log-group-retention", "advisory"],
  ["iam-user-no-policies-check", "advisory"],
  ["iam-policy-no-statements-with-admin-access", "advisory"],
  ["nacl-no-unrestricted-ssh-rdp", "advisory"],
  ["ec2-imdsv2-check", "advisory"],
];

describe("policy pack", () => {
  it("holds every policy once, with its enforcement level", () => {
    assert.deepEqual(
      POLICIES.map((policy) => [policy.name, policy.enforcementLevel]),
      EXPECTED,
    );
  });

  it("names the policies that mirror a Config rule after the rule", () => {
    for (const name of [
      "exposed-ports",
      "vpc-default-security-group-closed",
      "access-keys-rotated",
      "mfa-policy-attached",
      "iam-user-no-policies-check",
      "iam-policy-no-statements-with-admin-access",
      "nacl-no-unrestricted-ssh-rdp",
      "ec2-imdsv2-check",
    ]) {
      assert.ok(RULE_NAMES.includes(name), name);
    }
  });

  describe("type tokens", () => {
    const classes: Record<keyof typeof TYPES, { isInstance(object: unknown): boolean }> = {
      securityGroup: aws.ec2.SecurityGroup,
      securityGroupRule: aws.ec2.SecurityGroupRule,
      securityGroupIngressRule: aws.vpc.SecurityGroupIngressRule,
      defaultSecurityGroup: aws.ec2.DefaultSecurityGroup,
      accessKey: aws.iam.AccessKey,
      user: aws.iam.User,
      group: aws.iam.Group,
      policy: aws.iam.Policy,
      userPolicyAttachment: aws.iam.UserPolicyAttachment,
      userPolicy: aws.iam.UserPolicy,
      groupPolicyAttachment: aws.iam.GroupPolicyAttachment,
      policyAttachment: aws.iam.PolicyAttachment,
      userGroupMembership: aws.iam.UserGroupMembership,
      groupMembership: aws.iam.GroupMembership,
      recorder: aws.cfg.Recorder,
      remediationConfiguration: aws.cfg.RemediationConfiguration,
      lambdaFunction: aws.lambda.Function,
      logGroup: aws.cloudwatch.LogGroup,
      networkAcl: aws.ec2.NetworkAcl,
      defaultNetworkAcl: aws.ec2.DefaultNetworkAcl,
      networkAclRule: aws.ec2.NetworkAclRule,
      instance: aws.ec2.Instance,
    };
    for (const [key, token] of Object.entries(TYPES)) {
      it(`${token} is what @pulumi/aws registers`, () => {
        // How @pulumi/policy's isType matches a resource to a class.
        assert.ok(classes[key as keyof typeof TYPES].isInstance({ __pulumiType: token }));
      });
    }
  });

  describe("loaded as the Pulumi CLI loads it", function () {
    // ts-node type-checks the pack on load: a few seconds.
    this.timeout(60000);
    let child: ChildProcess | undefined;
    let client: AnalyzerClient | undefined;
    let stderr = "";

    before(async () => {
      // What the pulumi-analyzer-policy shim and the Node.js language host do: resolve the runner
      // from the pack's folder (so @pulumi/pulumi comes from the root node_modules here) and run
      // it there, with the engine's address and the pack's path.
      const runner = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [PACK_DIR] });
      const env = Object.fromEntries(
        Object.entries(process.env).filter(([key]) => !key.startsWith("TS_NODE_")),
      );
      child = spawn(process.execPath, [runner, "127.0.0.1:1", "."], { cwd: PACK_DIR, env });
      const started = child;
      started.stderr?.on("data", (chunk) => (stderr += String(chunk)));
      const port = await new Promise<string>((resolve, reject) => {
        let stdout = "";
        started.stdout?.on("data", (chunk) => {
          stdout += String(chunk);
          const line = /^(\d+)\n/.exec(stdout);
          if (line) resolve(line[1] as string);
        });
        started.on("exit", (code) =>
          reject(new Error(`the pack exited (${code}) before listening:\n${stdout}\n${stderr}`)),
        );
      });
      client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    });

    after(async () => {
      client?.close();
      if (child && child.exitCode === null) {
        const exited = new Promise((resolve) => child?.once("exit", resolve));
        child.kill();
        await exited;
      }
    });

    /** A unary call as a promise (the client's methods are overloaded, so no generic helper). */
    function settle<T>(resolve: (value: T) => void, reject: (error: Error) => void) {
      return (error: grpc.ServiceError | null, response: T) =>
        error ? reject(error) : resolve(response);
    }
    const analyzerInfo = () =>
      new Promise<analyzer.AnalyzerInfo>((resolve, reject) =>
        client!.getAnalyzerInfo(new Empty(), settle(resolve, reject)),
      );
    const analyze = (request: analyzer.AnalyzeRequest) =>
      new Promise<analyzer.AnalyzeResponse>((resolve, reject) =>
        client!.analyze(request, settle(resolve, reject)),
      );

    it("registers every policy with its enforcement level and config schema", async () => {
      const info = await analyzerInfo();
      assert.equal(info.getName(), PACK_NAME);
      const levels = {
        [analyzer.EnforcementLevel.ADVISORY]: "advisory",
        [analyzer.EnforcementLevel.MANDATORY]: "mandatory",
      };
      assert.deepEqual(
        info
          .getPoliciesList()
          .map((policy) => [policy.getName(), levels[policy.getEnforcementlevel() as 0 | 1]]),
        EXPECTED,
      );
      const exposedPorts = info
        .getPoliciesList()
        .find((policy) => policy.getName() === "exposed-ports");
      assert.deepEqual(
        exposedPorts?.getConfigschema()?.getProperties()?.toJavaScript().forbiddenPorts,
        {
          type: "array",
          items: { type: ["string", "integer"] },
          minItems: 1,
          description: 'Ports or ranges ("1-1024") that must not be open to 0.0.0.0/0 or ::/0.',
          default: ["22", "3389"],
        },
      );
    });

    it("refuses a security group that opens SSH to the internet, through the shared evaluator", async () => {
      const request = new analyzer.AnalyzeRequest()
        .setType(TYPES.securityGroup)
        .setName("web")
        .setUrn(`urn:pulumi:dev::guardrails::${TYPES.securityGroup}::web`)
        .setOptions(new analyzer.AnalyzerResourceOptions())
        .setProperties(
          Struct.fromJavaScript({
            ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] }],
          }),
        );
      const response = await analyze(request);
      const diagnostics = response
        .getDiagnosticsList()
        .map((d) => [d.getPolicyname(), d.getEnforcementlevel(), d.getMessage().split("\n").pop()]);
      assert.deepEqual(diagnostics, [
        [
          "exposed-ports",
          analyzer.EnforcementLevel.MANDATORY,
          "Security group ingress must not open forbidden ports to the internet: 22/tcp open to 0.0.0.0/0.",
        ],
      ]);
    });
  });
});
