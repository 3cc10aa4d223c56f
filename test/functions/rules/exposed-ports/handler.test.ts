import {
  ConfigServiceClient,
  GetResourceConfigHistoryCommand,
  PutEvaluationsCommand,
} from "@aws-sdk/client-config-service";
import { DescribeSecurityGroupsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { strict as assert } from "assert";
import { PERMISSIONS, createHandler } from "../../../../functions/rules/exposed-ports/handler";
import { stubClients, LAMBDA_CONTEXT, memoryLogger } from "../../../helpers/sdk";
import { configEvent, fixture } from "../../../helpers/fixtures";

const aws = stubClients({ config: ConfigServiceClient, ec2: EC2Client });

function run(event: ReturnType<typeof configEvent>) {
  const logger = memoryLogger();
  const handler = createHandler({
    config: new ConfigServiceClient({}),
    ec2: new EC2Client({}),
    log: logger.log,
  });
  return { result: handler(event, LAMBDA_CONTEXT), logger };
}

function putInputs() {
  return aws.config.commandCalls(PutEvaluationsCommand).map((call) => call.args[0].input);
}

describe("exposed-ports handler", () => {
  aws.install();
  beforeEach(() => {
    aws.config.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [] });
  });

  it("evaluates a changed security group from the item alone, with the exact PutEvaluations input", async () => {
    const event = configEvent("sg-change");
    await run(event).result;
    assert.deepEqual(putInputs(), [
      {
        ResultToken: event.resultToken,
        Evaluations: [
          {
            ComplianceResourceType: "AWS::EC2::SecurityGroup",
            ComplianceResourceId: "sg-0123456789abcdef0",
            ComplianceType: "NON_COMPLIANT",
            Annotation: "22/tcp open to 0.0.0.0/0",
            OrderingTimestamp: new Date(
              JSON.parse(event.invokingEvent).configurationItem.configurationItemCaptureTime,
            ),
          },
        ],
      },
    ]);
    assert.equal(aws.ec2.calls().length, 0, "no EC2 call for a security group");
  });

  it("evaluates an instance through its groups in one DescribeSecurityGroups call", async () => {
    aws.ec2.on(DescribeSecurityGroupsCommand).resolves({
      SecurityGroups: [
        {
          GroupId: "sg-0123456789abcdef0",
          IpPermissions: [
            {
              IpProtocol: "tcp",
              FromPort: 3389,
              ToPort: 3389,
              IpRanges: [{ CidrIp: "0.0.0.0/0" }],
            },
          ],
        },
        { GroupId: "sg-0b1c2d3e4f5a6b7c8", IpPermissions: [] },
      ],
    });
    await run(configEvent("instance-change")).result;
    assert.deepEqual(
      aws.ec2.commandCalls(DescribeSecurityGroupsCommand).map((call) => call.args[0].input.Filters),
      [[{ Name: "group-id", Values: ["sg-0123456789abcdef0", "sg-0b1c2d3e4f5a6b7c8"] }]],
    );
    const [evaluation] = putInputs()[0]?.Evaluations ?? [];
    assert.equal(evaluation?.ComplianceResourceType, "AWS::EC2::Instance");
    assert.equal(evaluation?.ComplianceResourceId, "i-0a1b2c3d4e5f67890");
    assert.equal(evaluation?.ComplianceType, "NON_COMPLIANT");
    assert.equal(evaluation?.Annotation, "sg-0123456789abcdef0: 3389/tcp open to 0.0.0.0/0");
  });

  it("reports a deleted resource NOT_APPLICABLE without looking it up", async () => {
    await run(configEvent("sg-deleted")).result;
    const [evaluation] = putInputs()[0]?.Evaluations ?? [];
    assert.equal(evaluation?.ComplianceType, "NOT_APPLICABLE");
    assert.equal(evaluation?.ComplianceResourceId, "sg-0aa11bb22cc33dd44");
    assert.equal(
      aws.ec2.calls().length + aws.config.commandCalls(GetResourceConfigHistoryCommand).length,
      0,
    );
  });

  it("reports a resource that left the rule's scope NOT_APPLICABLE", async () => {
    const event = { ...configEvent("sg-change"), eventLeftScope: true };
    await run(event).result;
    assert.equal(putInputs()[0]?.Evaluations?.[0]?.ComplianceType, "NOT_APPLICABLE");
  });

  it("fetches an oversized item from the configuration history (limit 1) and evaluates it", async () => {
    const history = fixture("config-events/get-resource-config-history-sg.json");
    const latest = history.configurationItems[0];
    aws.config.on(GetResourceConfigHistoryCommand).resolves({
      configurationItems: [
        { ...latest, configurationItemCaptureTime: new Date(latest.configurationItemCaptureTime) },
      ],
    });
    await run(configEvent("oversized")).result;
    assert.deepEqual(
      aws.config.commandCalls(GetResourceConfigHistoryCommand).map((call) => call.args[0].input),
      [{ resourceType: "AWS::EC2::SecurityGroup", resourceId: "sg-0fedcba9876543210", limit: 1 }],
    );
    const [evaluation] = putInputs()[0]?.Evaluations ?? [];
    assert.equal(evaluation?.ComplianceResourceId, "sg-0fedcba9876543210");
    assert.deepEqual(evaluation?.OrderingTimestamp, new Date(latest.configurationItemCaptureTime));
    assert.match(evaluation?.Annotation ?? "", /open to/);
  });

  it("honours the rule's own ports", async () => {
    await run(configEvent("sg-change", { ruleParameters: { forbiddenPorts: "443" } })).result;
    assert.equal(putInputs()[0]?.Evaluations?.[0]?.Annotation, "443/tcp open to ::/0");
  });

  for (const [what, ruleParameters] of [
    ["a bad port", { forbiddenPorts: "22,ssh" }],
    ["parameters that are not JSON", "{forbiddenPorts: 22"],
    // The program always sets every parameter: a rule without them was changed outside it, and
    // a default here would judge with ports nobody chose.
    ["missing parameters", undefined],
    ["a parameter the rule does not read", { forbiddenPorts: "22", forbiddenPort: "3389" }],
  ] as const) {
    it(`logs ${what} and evaluates nothing, without failing (no retry loop)`, async () => {
      const { result, logger } = run(configEvent("sg-change", { ruleParameters }));
      const summary = await result;
      assert.equal(aws.config.calls().length, 0);
      assert.match(summary.skipped ?? "", /ruleParameters/);
      assert.equal(logger.lines[0]?.level, "ERROR");
    });
  }

  it("cuts annotations to 256 characters", async () => {
    const ports = Array.from({ length: 60 }, (_, index) => 1000 + index * 2).join(",");
    const event = configEvent("sg-change", {
      ruleParameters: { forbiddenPorts: ports },
      invoking: (invoking) => {
        invoking.configurationItem.configuration.ipPermissions = [
          {
            ipProtocol: "-1",
            ipv4Ranges: [{ cidrIp: "0.0.0.0/0" }],
            ipv6Ranges: [{ cidrIpv6: "::/0" }],
          },
        ];
      },
    });
    await run(event).result;
    const annotation = putInputs()[0]?.Evaluations?.[0]?.Annotation ?? "";
    assert.equal(annotation.length, 256);
    assert.ok(annotation.endsWith("..."));
  });

  it("fails the invocation when Config rejects evaluations", async () => {
    aws.config.on(PutEvaluationsCommand).resolves({
      FailedEvaluations: [
        {
          ComplianceResourceType: "AWS::EC2::SecurityGroup",
          ComplianceResourceId: "sg-0123456789abcdef0",
          ComplianceType: "NON_COMPLIANT",
          OrderingTimestamp: new Date(),
        },
      ],
    });
    await assert.rejects(
      run(configEvent("sg-change")).result,
      /Config rejected 1 of 1 evaluations/,
    );
  });

  it("its role grants exactly the calls it made (least privilege, proven)", () => {
    assert.deepEqual(aws.actions.actions, [...PERMISSIONS].sort());
  });
});
