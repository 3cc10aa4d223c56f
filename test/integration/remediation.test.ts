/**
 * The remediation Lambdas against a real AWS API emulator (moto's server, one for the suite):
 * the account is seeded through the SDK, each handler runs on the compliance change EventBridge
 * delivers (the fixture, edited for moto's resources), and the account is read back.
 *
 * moto 5.2 implements what the remediations need: DescribeSecurityGroupRules (one rule per CIDR,
 * with its own id) and RevokeSecurityGroupIngress by SecurityGroupRuleIds (answering
 * InvalidPermission.NotFound for an id the group no longer has). It cannot backdate an access
 * key's CreateDate, so the access-key runs inject `now` instead.
 */
import { strict as assert } from "assert";
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateVpcCommand,
  DescribeImagesCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  RevokeSecurityGroupIngressCommand,
  RunInstancesCommand,
  SecurityGroupRule,
} from "@aws-sdk/client-ec2";
import {
  AttachGroupPolicyCommand,
  CreateAccessKeyCommand,
  CreateGroupCommand,
  CreatePolicyCommand,
  CreateUserCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListAttachedUserPoliciesCommand,
  ListGroupsForUserCommand,
  ListUserTagsCommand,
  User,
} from "@aws-sdk/client-iam";
import * as exposedPorts from "../../functions/remediation/exposed-ports/handler";
import * as accessKeys from "../../functions/remediation/access-keys/handler";
import * as mfaPolicy from "../../functions/remediation/mfa-policy/handler";
import { deactivationTag } from "../../functions/remediation/access-keys/plan";
import { ComplianceChangeEvent } from "../../functions/shared/compliance-change";
import { Logger } from "../../functions/shared/log";
import { RemediationSummary } from "../../functions/shared/remediation-handler";
import { fixture } from "../helpers/fixtures";
import { MotoServer, startMoto } from "../helpers/moto";

const REGION = "us-east-1";
const CREDENTIALS = { accessKeyId: "testing", secretAccessKey: "testing" };
const DAY_MS = 24 * 60 * 60 * 1000;
const MFA_POLICY_DOCUMENT = JSON.stringify({
  Version: "2012-10-17",
  Statement: [
    {
      Sid: "DenyAllExceptListedIfNoMFA",
      Effect: "Deny",
      NotAction: ["iam:ChangePassword", "iam:GetUser", "sts:GetSessionToken"],
      Resource: "*",
      Condition: { BoolIfExists: { "aws:MultiFactorAuthPresent": "false" } },
    },
  ],
});

/** The EventBridge compliance change as delivered (the fixture), edited for moto's resource. */
function complianceChange(
  ruleName: string,
  resourceType: string,
  resourceId: string,
): ComplianceChangeEvent {
  const event = fixture("config-events/compliance-change-notification.json");
  const detail = event.detail;
  const qualifier = detail.newEvaluationResult.evaluationResultIdentifier.evaluationResultQualifier;
  event.region = detail.awsRegion = REGION;
  detail.configRuleName = qualifier.configRuleName = ruleName;
  detail.resourceType = qualifier.resourceType = resourceType;
  detail.resourceId = qualifier.resourceId = resourceId;
  return event;
}

const SCHEDULED_EVENT = {
  version: "0",
  id: "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa",
  "detail-type": "Scheduled Event",
  source: "aws.events",
  account: "123456789012",
  time: "2025-06-10T08:15:00Z",
  region: REGION,
  resources: ["arn:aws:events:us-east-1:123456789012:rule/remediate-access-keys-schedule"],
  detail: {},
};

describe("remediations against moto (integration)", function () {
  this.timeout(30_000);

  let moto: MotoServer;
  /** The test's own clients: seed the account and read it back. */
  let iam: IAMClient;
  let ec2: EC2Client;
  /** The handlers' clients, which record every operation they send. */
  let handlerIam: IAMClient;
  let handlerEc2: EC2Client;
  let sent: string[] = [];
  /** Runs before each RevokeSecurityGroupIngress the handler sends: another actor's change. */
  let beforeRevoke:
    ((input: { GroupId?: string; SecurityGroupRuleIds?: string[] }) => Promise<void>) | undefined;
  const logs: Array<{ level: string; message: string; fields?: Record<string, unknown> }> = [];
  const log: Logger = (level, message, fields) => logs.push({ level, message, fields });

  before(async function () {
    moto = await startMoto();
    const common = {
      region: REGION,
      credentials: CREDENTIALS,
      maxAttempts: 1,
      endpoint: moto.endpoint,
    };
    iam = new IAMClient(common);
    ec2 = new EC2Client(common);
    handlerIam = new IAMClient(common);
    handlerEc2 = new EC2Client(common);
    /** Records the operation; before a revoke, lets the test play another actor. */
    const observe = async (commandName: string, input: unknown) => {
      const operation = commandName.replace(/Command$/, "");
      sent.push(operation);
      if (operation === "RevokeSecurityGroupIngress" && beforeRevoke)
        await beforeRevoke(input as { GroupId?: string; SecurityGroupRuleIds?: string[] });
    };
    const step = { step: "initialize", name: "recordOperations" } as const;
    handlerIam.middlewareStack.add(
      (next, context) => async (args) => {
        await observe(context.commandName ?? "", args.input);
        return next(args);
      },
      step,
    );
    handlerEc2.middlewareStack.add(
      (next, context) => async (args) => {
        await observe(context.commandName ?? "", args.input);
        return next(args);
      },
      step,
    );
  });

  after(async function () {
    for (const client of [iam, ec2, handlerIam, handlerEc2]) client?.destroy();
    await moto?.stop();
  });

  beforeEach(() => {
    sent = [];
    beforeRevoke = undefined;
    logs.length = 0;
  });

  /** A handler's summary, after checking it logged no error and skipped nothing. */
  async function run(
    handler: (event: never) => Promise<RemediationSummary>,
    event: unknown,
  ): Promise<RemediationSummary> {
    sent = [];
    const summary = await handler(event as never);
    assert.equal(summary.skipped, undefined, `the handler skipped the event: ${summary.skipped}`);
    assert.deepEqual(
      logs.filter((line) => line.level === "ERROR"),
      [],
    );
    return summary;
  }

  const outcomes = (summary: RemediationSummary) =>
    summary.actions.map((action) => `${action.action} ${action.outcome}`);

  // -------------------------------------------------------------------------------------------

  describe("exposed-ports (MODE=revoke, FORBIDDEN_PORTS=22,3389)", () => {
    let vpcId: string;
    let handler: ReturnType<typeof exposedPorts.createHandler>;

    before(async () => {
      await moto.reset();
      const { Vpc } = await ec2.send(new CreateVpcCommand({ CidrBlock: "10.20.0.0/16" }));
      vpcId = Vpc?.VpcId ?? "";
      handler = exposedPorts.createHandler({
        ec2: handlerEc2,
        env: { MODE: "revoke", FORBIDDEN_PORTS: "22,3389" },
        log,
      });
    });

    /** A group with 22 from 0.0.0.0/0 and 10.0.0.0/8 in one permission, 3389 from ::/0, 443. */
    async function exposedGroup(name: string): Promise<string> {
      const { GroupId } = await ec2.send(
        new CreateSecurityGroupCommand({
          GroupName: name,
          Description: `${name} tier`,
          VpcId: vpcId,
        }),
      );
      await ec2.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId,
          IpPermissions: [
            {
              IpProtocol: "tcp",
              FromPort: 22,
              ToPort: 22,
              IpRanges: [
                { CidrIp: "0.0.0.0/0" },
                { CidrIp: "10.0.0.0/8", Description: "office VPN" },
              ],
            },
            { IpProtocol: "tcp", FromPort: 3389, ToPort: 3389, Ipv6Ranges: [{ CidrIpv6: "::/0" }] },
            { IpProtocol: "tcp", FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: "0.0.0.0/0" }] },
          ],
        }),
      );
      return GroupId ?? "";
    }

    async function rules(groupId: string): Promise<SecurityGroupRule[]> {
      const { SecurityGroupRules } = await ec2.send(
        new DescribeSecurityGroupRulesCommand({
          Filters: [{ Name: "group-id", Values: [groupId] }],
        }),
      );
      return SecurityGroupRules ?? [];
    }

    /** The group's ingress as "protocol port cidr" lines, read with DescribeSecurityGroups. */
    async function ingress(groupId: string): Promise<string[]> {
      const { SecurityGroups } = await ec2.send(
        new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }),
      );
      return (SecurityGroups?.[0]?.IpPermissions ?? [])
        .flatMap((permission) =>
          [
            ...(permission.IpRanges ?? []).map((range) => range.CidrIp),
            ...(permission.Ipv6Ranges ?? []).map((range) => range.CidrIpv6),
          ].map((cidr) => `${permission.IpProtocol} ${permission.FromPort} ${cidr}`),
        )
        .sort();
    }

    async function egress(groupId: string): Promise<string[]> {
      const { SecurityGroups } = await ec2.send(
        new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }),
      );
      return (SecurityGroups?.[0]?.IpPermissionsEgress ?? []).flatMap((permission) =>
        (permission.IpRanges ?? []).map((range) => `${permission.IpProtocol} ${range.CidrIp}`),
      );
    }

    it("moto splits one permission into one rule per CIDR, each with its own id (what the remediation relies on)", async () => {
      const groupId = await exposedGroup("split-check");
      const ingressRules = (await rules(groupId)).filter((rule) => !rule.IsEgress);
      assert.deepEqual(
        ingressRules.map((rule) => `${rule.FromPort} ${rule.CidrIpv4 ?? rule.CidrIpv6}`).sort(),
        ["22 0.0.0.0/0", "22 10.0.0.0/8", "3389 ::/0", "443 0.0.0.0/0"],
      );
      assert.equal(new Set(ingressRules.map((rule) => rule.SecurityGroupRuleId)).size, 4);
    });

    it("revokes only the public 22 and 3389 rules; 10.0.0.0/8:22, 443 and egress remain; a second run changes nothing", async () => {
      const groupId = await exposedGroup("web");
      const egressBefore = await egress(groupId);
      const event = complianceChange("exposed-ports", "AWS::EC2::SecurityGroup", groupId);

      const first = await run(handler, event);
      assert.deepEqual(outcomes(first), ["revoke-ingress-rule done", "revoke-ingress-rule done"]);
      assert.deepEqual(first.actions.map((action) => action.exposure).sort(), [
        "22/tcp open to 0.0.0.0/0",
        "3389/tcp open to ::/0",
      ]);
      assert.deepEqual(await ingress(groupId), ["tcp 22 10.0.0.0/8", "tcp 443 0.0.0.0/0"]);
      assert.deepEqual(await egress(groupId), egressBefore);
      assert.ok(egressBefore.length > 0, "the default egress rule exists");

      const second = await run(handler, event);
      assert.deepEqual(second.actions, []);
      assert.deepEqual(sent, ["DescribeSecurityGroupRules"]);
      assert.deepEqual(await ingress(groupId), ["tcp 22 10.0.0.0/8", "tcp 443 0.0.0.0/0"]);
    });

    it("counts a rule revoked meanwhile by someone else (InvalidPermission.NotFound) as already done", async () => {
      const groupId = await exposedGroup("raced");
      let raced = false;
      beforeRevoke = async (input) => {
        if (raced) return;
        raced = true;
        await ec2.send(new RevokeSecurityGroupIngressCommand(input));
      };
      const summary = await run(
        handler,
        complianceChange("exposed-ports", "AWS::EC2::SecurityGroup", groupId),
      );
      assert.deepEqual(outcomes(summary), [
        "revoke-ingress-rule already-done",
        "revoke-ingress-rule done",
      ]);
      assert.deepEqual(await ingress(groupId), ["tcp 22 10.0.0.0/8", "tcp 443 0.0.0.0/0"]);
    });

    it("remediates an instance through its security groups", async () => {
      const groupId = await exposedGroup("instance-tier");
      const { Images } = await ec2.send(new DescribeImagesCommand({}));
      const { Instances } = await ec2.send(
        new RunInstancesCommand({
          ImageId: Images?.[0]?.ImageId,
          InstanceType: "t3.small",
          MinCount: 1,
          MaxCount: 1,
          SecurityGroupIds: [groupId],
        }),
      );
      const instanceId = Instances?.[0]?.InstanceId ?? "";
      const summary = await run(
        handler,
        complianceChange("exposed-ports", "AWS::EC2::Instance", instanceId),
      );
      assert.equal(summary.resourceId, instanceId);
      assert.equal(summary.actions.length, 2);
      assert.deepEqual(await ingress(groupId), ["tcp 22 10.0.0.0/8", "tcp 443 0.0.0.0/0"]);
    });

    it("does nothing for an instance that does not exist (moto answers InvalidInstanceID.NotFound)", async () => {
      const summary = await run(
        handler,
        complianceChange("exposed-ports", "AWS::EC2::Instance", "i-0123456789abcdef0"),
      );
      assert.deepEqual(summary.actions, []);
      assert.deepEqual(sent, ["DescribeInstances"]);
    });
  });

  // -------------------------------------------------------------------------------------------

  describe("mfa-policy (MODE=enforce)", () => {
    let policyArn: string;
    const GROUP = "mfa-required";

    before(async () => {
      await moto.reset();
      const { Policy } = await iam.send(
        new CreatePolicyCommand({
          PolicyName: "DenyActionWithoutMFA",
          PolicyDocument: MFA_POLICY_DOCUMENT,
        }),
      );
      policyArn = Policy?.Arn ?? "";
      await iam.send(new CreateGroupCommand({ GroupName: GROUP }));
      await iam.send(new AttachGroupPolicyCommand({ GroupName: GROUP, PolicyArn: policyArn }));
    });

    const handlerFor = (enforcement: "group" | "attach") =>
      mfaPolicy.createHandler({
        iam: handlerIam,
        env: {
          MODE: "enforce",
          ENFORCEMENT: enforcement,
          POLICY_ARN: policyArn,
          GROUP_NAME: GROUP,
          EXEMPT_USERS: '["ci-deployer"]',
        },
        log,
      });

    async function createUser(userName: string): Promise<User> {
      const { User: user } = await iam.send(new CreateUserCommand({ UserName: userName }));
      assert.ok(user?.UserId);
      return user;
    }

    const eventFor = (user: User) =>
      complianceChange("mfa-policy-attached", "AWS::IAM::User", user.UserId ?? "");

    async function groupsOf(userName: string): Promise<string[]> {
      const { Groups } = await iam.send(new ListGroupsForUserCommand({ UserName: userName }));
      return (Groups ?? []).map((group) => group.GroupName ?? "");
    }

    async function policiesOf(userName: string): Promise<string[]> {
      const { AttachedPolicies } = await iam.send(
        new ListAttachedUserPoliciesCommand({ UserName: userName }),
      );
      return (AttachedPolicies ?? []).map((policy) => policy.PolicyArn ?? "");
    }

    const WRITES = ["AddUserToGroup", "AttachUserPolicy"];

    it("ENFORCEMENT=group: adds the user to the group; a second run writes nothing", async () => {
      const user = await createUser("erin");
      const handler = handlerFor("group");
      const first = await run(handler, eventFor(user));
      assert.deepEqual(outcomes(first), ["add-to-group done"]);
      assert.deepEqual(await groupsOf("erin"), [GROUP]);
      assert.deepEqual(await policiesOf("erin"), []);

      const second = await run(handler, eventFor(user));
      assert.deepEqual(outcomes(second), ["none already-done"]);
      assert.deepEqual(
        sent.filter((operation) => WRITES.includes(operation)),
        [],
      );
      assert.deepEqual(await groupsOf("erin"), [GROUP]);
    });

    it("leaves an exempt user untouched", async () => {
      const user = await createUser("ci-deployer");
      const summary = await run(handlerFor("group"), eventFor(user));
      assert.deepEqual(outcomes(summary), ["none already-done"]);
      assert.deepEqual(
        sent.filter((operation) => WRITES.includes(operation)),
        [],
      );
      assert.deepEqual(await groupsOf("ci-deployer"), []);
      assert.deepEqual(await policiesOf("ci-deployer"), []);
    });

    it("ENFORCEMENT=attach: attaches the policy to the user; a second run writes nothing", async () => {
      const user = await createUser("frank");
      const handler = handlerFor("attach");
      const first = await run(handler, eventFor(user));
      assert.deepEqual(outcomes(first), ["attach-policy done"]);
      assert.deepEqual(await policiesOf("frank"), [policyArn]);
      assert.deepEqual(await groupsOf("frank"), []);

      await run(handler, eventFor(user));
      assert.deepEqual(
        sent.filter((operation) => WRITES.includes(operation)),
        [],
      );
    });
  });

  // -------------------------------------------------------------------------------------------

  describe("access-keys", () => {
    before(() => moto.reset());

    const handlerFor = (mode: "deactivate" | "delete", now: Date) =>
      accessKeys.createHandler({
        iam: handlerIam,
        env: {
          MODE: mode,
          MAX_ACCESS_KEY_AGE: "90",
          KEY_DELETE_GRACE_DAYS: "14",
          EXEMPT_USERS: '["ci-deployer"]',
        },
        now: () => now,
        log,
      });

    /** A user with one fresh key; moto stamps CreateDate with the real time. */
    async function userWithKey(userName: string) {
      const { User: user } = await iam.send(new CreateUserCommand({ UserName: userName }));
      const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: userName }));
      assert.ok(user?.UserId && AccessKey?.AccessKeyId && AccessKey.CreateDate);
      return { user, keyId: AccessKey.AccessKeyId, created: AccessKey.CreateDate };
    }

    async function keysOf(userName: string): Promise<string[]> {
      const { AccessKeyMetadata } = await iam.send(
        new ListAccessKeysCommand({ UserName: userName }),
      );
      return (AccessKeyMetadata ?? []).map((key) => `${key.AccessKeyId} ${key.Status}`);
    }

    async function tagsOf(userName: string): Promise<Record<string, string>> {
      const { Tags } = await iam.send(new ListUserTagsCommand({ UserName: userName }));
      return Object.fromEntries((Tags ?? []).map((tag) => [tag.Key ?? "", tag.Value ?? ""]));
    }

    const eventFor = (user: User) =>
      complianceChange("access-keys-rotated", "AWS::IAM::User", user.UserId ?? "");
    const later = (from: Date, days: number) => new Date(from.getTime() + days * DAY_MS);

    it("deactivates a 200-day-old key and tags the user; deletes it after the grace period; then nothing", async () => {
      const { user, keyId, created } = await userWithKey("gina");
      const deactivatedAt = later(created, 200);

      const deactivated = await run(handlerFor("deactivate", deactivatedAt), eventFor(user));
      assert.deepEqual(outcomes(deactivated), ["deactivate done"]);
      assert.deepEqual(await keysOf("gina"), [`${keyId} Inactive`]);
      assert.deepEqual(await tagsOf("gina"), {
        [deactivationTag(keyId)]: deactivatedAt.toISOString(),
      });

      const tooEarly = await run(handlerFor("delete", later(deactivatedAt, 13)), eventFor(user));
      assert.deepEqual(tooEarly.actions, []);
      assert.deepEqual(await keysOf("gina"), [`${keyId} Inactive`]);

      const deleted = await run(handlerFor("delete", later(deactivatedAt, 15)), eventFor(user));
      assert.deepEqual(outcomes(deleted), ["delete done"]);
      assert.deepEqual(await keysOf("gina"), []);
      assert.deepEqual(await tagsOf("gina"), {});

      const again = await run(handlerFor("delete", later(deactivatedAt, 16)), eventFor(user));
      assert.deepEqual(again.actions, []);
      assert.deepEqual(sent.sort(), ["ListAccessKeys", "ListUserTags", "ListUsers"]);
    });

    it("keeps a young key and leaves an exempt user untouched", async () => {
      const young = await userWithKey("hana");
      const exempt = await userWithKey("ci-deployer");
      const handler = handlerFor("delete", later(young.created, 30));
      assert.deepEqual((await run(handler, eventFor(young.user))).actions, []);
      assert.deepEqual(await keysOf("hana"), [`${young.keyId} Active`]);

      const old = handlerFor("delete", later(exempt.created, 400));
      assert.deepEqual(outcomes(await run(old, eventFor(exempt.user))), ["none already-done"]);
      assert.deepEqual(await keysOf("ci-deployer"), [`${exempt.keyId} Active`]);
      assert.deepEqual(await tagsOf("ci-deployer"), {});
    });

    it("the daily sweep (MODE=delete) finds the tagged user through GetAccountAuthorizationDetails and deletes its key", async () => {
      const { user, keyId, created } = await userWithKey("ivan");
      const deactivatedAt = later(created, 120);
      await run(handlerFor("deactivate", deactivatedAt), eventFor(user));
      assert.deepEqual(await keysOf("ivan"), [`${keyId} Inactive`]);

      const sweep = await run(handlerFor("delete", later(deactivatedAt, 14)), SCHEDULED_EVENT);
      assert.ok(sent.includes("GetAccountAuthorizationDetails"));
      assert.ok(!sent.includes("ListUsers"), "the sweep needs no ListUsers");
      assert.deepEqual(
        sweep.actions.map(
          (action) => `${String(action.userName)} ${action.action} ${action.outcome}`,
        ),
        ["ivan delete done"],
      );
      assert.deepEqual(await keysOf("ivan"), []);
      assert.deepEqual(await tagsOf("ivan"), {});
    });
  });
});
