import {
  DescribeInstancesCommand,
  DescribeSecurityGroupRulesCommand,
  EC2Client,
  EC2ServiceException,
  RevokeSecurityGroupIngressCommand,
  SecurityGroupRule,
} from "@aws-sdk/client-ec2";
import { strict as assert } from "assert";
import {
  createHandler,
  permissions,
} from "../../../../functions/remediation/exposed-ports/handler";
import { ExposedPortsMode } from "../../../../functions/remediation/exposed-ports/plan";
import { ComplianceChangeEvent } from "../../../../functions/shared/compliance-change";
import { fixture } from "../../../helpers/fixtures";
import { memoryLogger, stubClients } from "../../../helpers/sdk";

const GROUP = "sg-0123456789abcdef0";
const OTHER_GROUP = "sg-0b1c2d3e4f5a6b7c8";
const INSTANCE = "i-0a1b2c3d4e5f67890";

/** The EventBridge compliance change as delivered (the fixture), with one field edited. */
function complianceChange(
  change: {
    ruleName?: string;
    resourceType?: string;
    resourceId?: string;
    complianceType?: string;
  } = {},
): ComplianceChangeEvent {
  const event = fixture("config-events/compliance-change-notification.json");
  const detail = event.detail;
  const qualifier = detail.newEvaluationResult.evaluationResultIdentifier.evaluationResultQualifier;
  if (change.ruleName) detail.configRuleName = qualifier.configRuleName = change.ruleName;
  if (change.resourceType) detail.resourceType = qualifier.resourceType = change.resourceType;
  if (change.resourceId) detail.resourceId = qualifier.resourceId = change.resourceId;
  if (change.complianceType) detail.newEvaluationResult.complianceType = change.complianceType;
  return event;
}

const instanceChange = () =>
  complianceChange({ resourceType: "AWS::EC2::Instance", resourceId: INSTANCE });

/** A rule as DescribeSecurityGroupRules returns it: one CIDR per rule. */
function rule(id: string, change: Partial<SecurityGroupRule>): SecurityGroupRule {
  return {
    SecurityGroupRuleId: id,
    GroupId: GROUP,
    GroupOwnerId: "123456789012",
    IsEgress: false,
    IpProtocol: "tcp",
    FromPort: 22,
    ToPort: 22,
    Tags: [],
    ...change,
  };
}

/**
 * One group's rules after `authorize 22/tcp from 0.0.0.0/0 and 10.0.0.0/8` (one permission, two
 * rules), 3389 from ::/0, all traffic from ::/0, ICMP, and the default egress.
 */
const MIXED_RULES = [
  rule("sgr-00000000000ssh4", { CidrIpv4: "0.0.0.0/0" }),
  rule("sgr-000000000ssh10", { CidrIpv4: "10.0.0.0/8" }),
  rule("sgr-00000000000rdp6", { FromPort: 3389, ToPort: 3389, CidrIpv6: "::/0" }),
  rule("sgr-0000000000rdp172", { FromPort: 3389, ToPort: 3389, CidrIpv4: "172.16.0.0/12" }),
  rule("sgr-00000000000all6", { IpProtocol: "-1", FromPort: -1, ToPort: -1, CidrIpv6: "::/0" }),
  rule("sgr-0000000000icmp4", {
    IpProtocol: "icmp",
    FromPort: 8,
    ToPort: -1,
    CidrIpv4: "0.0.0.0/0",
  }),
  rule("sgr-00000000egress4", {
    IsEgress: true,
    IpProtocol: "-1",
    FromPort: -1,
    ToPort: -1,
    CidrIpv4: "0.0.0.0/0",
  }),
];
const MIXED_PUBLIC_IDS = ["sgr-00000000000ssh4", "sgr-00000000000rdp6", "sgr-00000000000all6"];

function ec2Error(name: string, message: string) {
  return new EC2ServiceException({ name, message, $fault: "client", $metadata: {} });
}

function setUp(mode: ExposedPortsMode) {
  const aws = stubClients({ ec2: EC2Client });
  const invoke = (event: unknown) => {
    const logger = memoryLogger();
    const handler = createHandler({
      ec2: new EC2Client({}),
      env: { MODE: mode, FORBIDDEN_PORTS: "22,3389" },
      log: logger.log,
    });
    return handler(event as ComplianceChangeEvent).then((summary) => ({ summary, logger }));
  };
  const revokes = () =>
    aws.ec2.commandCalls(RevokeSecurityGroupIngressCommand).map((call) => call.args[0].input);
  const describedGroups = () =>
    aws.ec2
      .commandCalls(DescribeSecurityGroupRulesCommand)
      .map((call) => call.args[0].input.Filters);
  return { aws, invoke, revokes, describedGroups };
}

const revoke = setUp("revoke");
const report = setUp("report");

describe("remediate-exposed-ports handler", () => {
  describe("MODE=revoke", () => {
    const { aws, invoke, revokes, describedGroups } = revoke;
    aws.install();
    beforeEach(() => {
      aws.ec2.on(RevokeSecurityGroupIngressCommand).resolves({ Return: true });
    });

    it("revokes exactly the public forbidden rules, one rule id per call (IPv4, IPv6, -1)", async () => {
      aws.ec2.on(DescribeSecurityGroupRulesCommand).resolves({ SecurityGroupRules: MIXED_RULES });
      const { summary } = await invoke(complianceChange());
      assert.deepEqual(describedGroups(), [[{ Name: "group-id", Values: [GROUP] }]]);
      assert.deepEqual(
        revokes(),
        MIXED_PUBLIC_IDS.map((id) => ({ GroupId: GROUP, SecurityGroupRuleIds: [id] })),
      );
      assert.deepEqual(
        summary.actions.map((action) => [action.ruleId, action.outcome, action.exposure]),
        [
          ["sgr-00000000000ssh4", "done", "22/tcp open to 0.0.0.0/0"],
          ["sgr-00000000000rdp6", "done", "3389/tcp open to ::/0"],
          ["sgr-00000000000all6", "done", "all traffic open to ::/0 (includes 22, 3389)"],
        ],
      );
      assert.equal(summary.mode, "revoke");
      assert.equal(summary.resourceId, GROUP);
    });

    it("reads every page of DescribeSecurityGroupRules before revoking", async () => {
      aws.ec2
        .on(DescribeSecurityGroupRulesCommand)
        .resolvesOnce({ SecurityGroupRules: MIXED_RULES.slice(0, 2), NextToken: "page-2" })
        .resolvesOnce({ SecurityGroupRules: MIXED_RULES.slice(2) });
      await invoke(complianceChange());
      // The SDK's paginator reuses one input object, so only the last token can be checked.
      const calls = aws.ec2.commandCalls(DescribeSecurityGroupRulesCommand);
      assert.equal(calls.length, 2);
      assert.equal(calls[1]?.args[0].input.NextToken, "page-2");
      assert.deepEqual(
        revokes().map((input) => input.SecurityGroupRuleIds),
        MIXED_PUBLIC_IDS.map((id) => [id]),
      );
    });

    for (const code of ["InvalidPermission.NotFound", "InvalidSecurityGroupRuleId.NotFound"]) {
      it(`counts ${code} on a revoke as already done and carries on with the other rules`, async () => {
        aws.ec2.on(DescribeSecurityGroupRulesCommand).resolves({ SecurityGroupRules: MIXED_RULES });
        aws.ec2
          .on(RevokeSecurityGroupIngressCommand, { SecurityGroupRuleIds: ["sgr-00000000000ssh4"] })
          .rejects(ec2Error(code, "The specified rule does not exist in this security group."));
        const { summary } = await invoke(complianceChange());
        assert.equal(revokes().length, 3, "the other rules are still revoked");
        assert.deepEqual(
          summary.actions.map((action) => [action.ruleId, action.outcome]),
          [
            ["sgr-00000000000ssh4", "already-done"],
            ["sgr-00000000000rdp6", "done"],
            ["sgr-00000000000all6", "done"],
          ],
        );
      });
    }

    it("fails the invocation on any other revoke error (so EventBridge retries)", async () => {
      aws.ec2.on(DescribeSecurityGroupRulesCommand).resolves({ SecurityGroupRules: MIXED_RULES });
      aws.ec2
        .on(RevokeSecurityGroupIngressCommand)
        .rejects(ec2Error("UnauthorizedOperation", "You are not authorized."));
      await assert.rejects(invoke(complianceChange()), { name: "UnauthorizedOperation" });
    });

    it("remediates an instance through the groups of the instance and of every network interface", async () => {
      aws.ec2.on(DescribeInstancesCommand).resolves({
        Reservations: [
          {
            Instances: [
              {
                InstanceId: INSTANCE,
                State: { Name: "running", Code: 16 },
                SecurityGroups: [{ GroupId: GROUP, GroupName: "web" }],
                NetworkInterfaces: [
                  {
                    NetworkInterfaceId: "eni-0aaa",
                    Groups: [{ GroupId: GROUP, GroupName: "web" }],
                  },
                  {
                    NetworkInterfaceId: "eni-0bbb",
                    Groups: [{ GroupId: OTHER_GROUP, GroupName: "admin" }],
                  },
                ],
              },
            ],
          },
        ],
      });
      aws.ec2.on(DescribeSecurityGroupRulesCommand).resolves({
        SecurityGroupRules: [
          rule("sgr-0000000000web443", { FromPort: 443, ToPort: 443, CidrIpv4: "0.0.0.0/0" }),
          rule("sgr-000000000admin22", { GroupId: OTHER_GROUP, CidrIpv4: "0.0.0.0/0" }),
          rule("sgr-00000000admin22p", { GroupId: OTHER_GROUP, CidrIpv4: "192.168.0.0/16" }),
        ],
      });
      const { summary } = await invoke(instanceChange());
      assert.deepEqual(
        aws.ec2.commandCalls(DescribeInstancesCommand).map((call) => call.args[0].input),
        [{ InstanceIds: [INSTANCE] }],
      );
      assert.deepEqual(describedGroups(), [[{ Name: "group-id", Values: [GROUP, OTHER_GROUP] }]]);
      assert.deepEqual(revokes(), [
        { GroupId: OTHER_GROUP, SecurityGroupRuleIds: ["sgr-000000000admin22"] },
      ]);
      assert.equal(summary.resourceId, INSTANCE);
    });

    it("does nothing for an instance that no longer exists (InvalidInstanceID.NotFound)", async () => {
      aws.ec2
        .on(DescribeInstancesCommand)
        .rejects(
          ec2Error("InvalidInstanceID.NotFound", `The instance ID '${INSTANCE}' does not exist`),
        );
      const { summary } = await invoke(instanceChange());
      assert.deepEqual(summary.actions, []);
      assert.equal(aws.ec2.commandCalls(DescribeSecurityGroupRulesCommand).length, 0);
      assert.equal(revokes().length, 0);
    });

    it("does nothing on a group whose rules are already clean", async () => {
      aws.ec2.on(DescribeSecurityGroupRulesCommand).resolves({
        SecurityGroupRules: MIXED_RULES.filter(
          (r) => !MIXED_PUBLIC_IDS.includes(r.SecurityGroupRuleId ?? ""),
        ),
      });
      const { summary, logger } = await invoke(complianceChange());
      assert.deepEqual(summary.actions, []);
      assert.equal(revokes().length, 0);
      assert.ok(logger.lines.some((line) => line.message === "Nothing to remediate"));
    });

    const skipped: Array<[string, unknown, RegExp]> = [
      [
        "an event for another rule",
        complianceChange({ ruleName: "mfa-policy-attached" }),
        /mfa-policy-attached/,
      ],
      ["a COMPLIANT result", complianceChange({ complianceType: "COMPLIANT" }), /COMPLIANT/],
      [
        "a resource type it does not remediate",
        complianceChange({ resourceType: "AWS::EC2::NetworkInterface", resourceId: "eni-0aaa" }),
        /AWS::EC2::NetworkInterface/,
      ],
      [
        "an EventBridge Scheduled Event (no sweep)",
        { "detail-type": "Scheduled Event", source: "aws.events", detail: {} },
        /not a Config Rules Compliance Change/,
      ],
    ];
    for (const [what, event, reason] of skipped) {
      it(`skips ${what} without any API call`, async () => {
        const { summary, logger } = await invoke(event);
        assert.match(summary.skipped ?? "", reason);
        assert.deepEqual(summary.actions, []);
        assert.equal(aws.ec2.calls().length, 0);
        assert.equal(logger.lines[0]?.level, "WARN");
      });
    }
  });

  describe("MODE=report", () => {
    const { aws, invoke, revokes } = report;
    aws.install();

    it("sends no revoke and reports what it would revoke", async () => {
      aws.ec2.on(DescribeSecurityGroupRulesCommand).resolves({ SecurityGroupRules: MIXED_RULES });
      const { summary, logger } = await invoke(complianceChange());
      assert.equal(revokes().length, 0);
      assert.deepEqual(
        summary.actions.map((action) => [action.action, action.ruleId, action.outcome]),
        MIXED_PUBLIC_IDS.map((id) => ["revoke-ingress-rule", id, "reported"]),
      );
      assert.equal(
        logger.lines.filter((line) => line.message === "Remediation action").length,
        3,
        "one log line per action",
      );
    });

    it("reports an instance's exposed groups without revoking", async () => {
      aws.ec2.on(DescribeInstancesCommand).resolves({
        Reservations: [
          { Instances: [{ InstanceId: INSTANCE, SecurityGroups: [{ GroupId: GROUP }] }] },
        ],
      });
      aws.ec2.on(DescribeSecurityGroupRulesCommand).resolves({ SecurityGroupRules: MIXED_RULES });
      const { summary } = await invoke(instanceChange());
      assert.equal(revokes().length, 0);
      assert.equal(summary.actions.length, 3);
    });
  });

  // Mocha runs a suite's own tests before its nested suites: this one must be a suite, last.
  describe("least privilege", () => {
    it("each mode's role grants exactly the calls it made in this file (proven)", () => {
      assert.deepEqual(revoke.aws.actions.actions, [...permissions("revoke")].sort());
      assert.deepEqual(report.aws.actions.actions, [...permissions("report")].sort());
    });
  });
});
