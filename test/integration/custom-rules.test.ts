/**
 * The custom rules' Lambda handlers against a real AWS API emulator: moto's server for IAM and
 * EC2 (seeded through the SDK), a recording listener for AWS Config (moto accepts
 * PutEvaluations only in TestMode, which the product never sends). Each handler runs on
 * realistic Config events and the evaluations it sent are checked resource by resource.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { ConfigServiceClient } from "@aws-sdk/client-config-service";
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  Instance,
  IpPermission,
  RevokeSecurityGroupIngressCommand,
  RunInstancesCommand,
  SecurityGroup,
} from "@aws-sdk/client-ec2";
import {
  AddUserToGroupCommand,
  AttachGroupPolicyCommand,
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateGroupCommand,
  CreatePolicyCommand,
  CreateUserCommand,
  IAMClient,
  ListUsersCommand,
  User,
} from "@aws-sdk/client-iam";
import * as exposedPorts from "../../functions/rules/exposed-ports/handler";
import * as inactiveUsers from "../../functions/rules/iam-inactive-users/handler";
import * as mfaPolicy from "../../functions/rules/mfa-policy-attached/handler";
import { ConfigRuleEvent, ConfigurationItem } from "../../functions/shared/config-event";
import { CredentialReportRuleDependencies } from "../../functions/shared/credential-report-rule";
import { Logger } from "../../functions/shared/log";
import { RuleHandler } from "../../functions/shared/rule-handler";
import { ConfigListener, SentEvaluation, startConfigListener } from "../helpers/config-listener";
import { MotoServer, startMoto } from "../helpers/moto";

const REGION = "us-east-1";
const CREDENTIALS = { accessKeyId: "testing", secretAccessKey: "testing" };
const FIXTURES = path.join(__dirname, "..", "fixtures", "config-events");
const DAY_MS = 24 * 60 * 60 * 1000;

const RESOURCE_TYPE = {
  securityGroup: "AWS::EC2::SecurityGroup",
  instance: "AWS::EC2::Instance",
  iamUser: "AWS::IAM::User",
};

// ---------------------------------------------------------------------------------------------
// Events: the fixtures' wrapper and item envelope (real shapes), filled with moto's resources.

/** A fixture event, or a minimal wrapper of the same shape when the fixture is not there. */
function eventTemplate(file: string, ruleName: string): ConfigRuleEvent {
  const fixture = path.join(FIXTURES, file);
  if (fs.existsSync(fixture)) {
    const event = JSON.parse(fs.readFileSync(fixture, "utf8")) as ConfigRuleEvent;
    return {
      ...event,
      configRuleArn: event.configRuleArn?.replace(/:config:[^:]+:/, `:config:${REGION}:`),
    };
  }
  return {
    version: "1.0",
    invokingEvent: "{}",
    resultToken: `integration-test-token-${ruleName}`,
    eventLeftScope: false,
    configRuleName: ruleName,
    configRuleArn: `arn:aws:config:${REGION}:123456789012:config-rule/config-rule-${ruleName}`,
    accountId: "123456789012",
    evaluationMode: "DETECTIVE",
  };
}

/** A fixture's configuration item (the envelope to fill in), or an empty one. */
function itemTemplate(file: string): Record<string, unknown> {
  const fixture = path.join(FIXTURES, file);
  if (!fs.existsSync(fixture)) return {};
  const event = JSON.parse(fs.readFileSync(fixture, "utf8")) as ConfigRuleEvent;
  return (JSON.parse(event.invokingEvent).configurationItem ?? {}) as Record<string, unknown>;
}

function changeEvent(
  file: string,
  ruleName: string,
  item: Pick<ConfigurationItem, "resourceType" | "resourceId" | "configuration"> &
    Partial<ConfigurationItem> & {
      /** Item fields the product does not read, kept for realism. */
      [field: string]: unknown;
    },
  ruleParameters: Record<string, string>,
): ConfigRuleEvent {
  const captured = new Date(Math.floor(Date.now() / 1000) * 1000 - 2000);
  const configurationItem = {
    ...itemTemplate(file),
    relatedEvents: [],
    relationships: [],
    supplementaryConfiguration: {},
    tags: {},
    configurationItemCaptureTime: captured.toISOString(),
    configurationStateId: captured.getTime(),
    configurationItemStatus: "OK",
    awsRegion: REGION,
    availabilityZone: "Not Applicable",
    resourceCreationTime: null,
    ...item,
  };
  const template = eventTemplate(file, ruleName);
  return {
    ...template,
    accountId: String(configurationItem.awsAccountId ?? template.accountId),
    invokingEvent: JSON.stringify({
      configurationItemDiff: null,
      configurationItem,
      notificationCreationTime: new Date().toISOString(),
      messageType: "ConfigurationItemChangeNotification",
      recordVersion: "1.3",
    }),
    ruleParameters: JSON.stringify(ruleParameters),
  };
}

function scheduledEvent(
  ruleName: string,
  ruleParameters: Record<string, string>,
  notificationCreationTime: Date,
): ConfigRuleEvent {
  const template = eventTemplate("scheduled.json", ruleName);
  return {
    ...template,
    configRuleName: ruleName,
    invokingEvent: JSON.stringify({
      awsAccountId: template.accountId,
      notificationCreationTime: notificationCreationTime.toISOString(),
      messageType: "ScheduledNotification",
      recordVersion: "1.0",
    }),
    ruleParameters: JSON.stringify(ruleParameters),
  };
}

/** `{Key: value}` objects of the EC2 API in Config's camelCase, dates as ISO text. */
function camelCase(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(camelCase);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [
        key.charAt(0).toLowerCase() + key.slice(1),
        camelCase(inner),
      ]),
    );
  }
  return value;
}

const described = (description?: string) => (description ? { description } : {});

/**
 * An AWS::EC2::SecurityGroup item's `configuration` from DescribeSecurityGroups, as Config writes
 * it: `ipv4Ranges` objects plus the legacy flat `ipRanges`, ports omitted for protocol -1.
 */
function securityGroupConfiguration(group: SecurityGroup): Record<string, unknown> {
  const permission = (p: IpPermission) => ({
    ...(p.FromPort !== undefined ? { fromPort: p.FromPort } : {}),
    ipProtocol: p.IpProtocol,
    ipv6Ranges: (p.Ipv6Ranges ?? []).map((r) => ({
      cidrIpv6: r.CidrIpv6,
      ...described(r.Description),
    })),
    prefixListIds: (p.PrefixListIds ?? []).map((r) => ({
      prefixListId: r.PrefixListId,
      ...described(r.Description),
    })),
    ...(p.ToPort !== undefined ? { toPort: p.ToPort } : {}),
    userIdGroupPairs: (p.UserIdGroupPairs ?? []).map((pair) => ({
      ...described(pair.Description),
      groupId: pair.GroupId,
      userId: pair.UserId,
    })),
    ipv4Ranges: (p.IpRanges ?? []).map((r) => ({ cidrIp: r.CidrIp, ...described(r.Description) })),
    ipRanges: (p.IpRanges ?? []).map((r) => r.CidrIp),
  });
  return {
    description: group.Description,
    groupName: group.GroupName,
    ipPermissions: (group.IpPermissions ?? []).map(permission),
    ownerId: group.OwnerId,
    groupId: group.GroupId,
    ipPermissionsEgress: (group.IpPermissionsEgress ?? []).map(permission),
    tags: (group.Tags ?? []).map((tag) => ({ key: tag.Key, value: tag.Value })),
    vpcId: group.VpcId,
  };
}

// ---------------------------------------------------------------------------------------------
// The harness: one moto server and one Config listener for the whole suite.

describe("custom rules against moto (integration)", function () {
  this.timeout(60_000);

  let moto: MotoServer;
  let listener: ConfigListener;
  let iam: IAMClient;
  let ec2: EC2Client;
  let config: ConfigServiceClient;
  const logs: Array<{ level: string; message: string; fields?: Record<string, unknown> }> = [];
  const log: Logger = (level, message, fields) => logs.push({ level, message, fields });
  /** Credential report polling without the real back-off (moto answers STARTED first). */
  const fastSleep = async (_ms: number) => {};

  before(async function () {
    this.timeout(60_000);
    listener = await startConfigListener();
    moto = await startMoto();
    const common = { region: REGION, credentials: CREDENTIALS, maxAttempts: 1 };
    iam = new IAMClient({ ...common, endpoint: moto.endpoint });
    ec2 = new EC2Client({ ...common, endpoint: moto.endpoint });
    config = new ConfigServiceClient({ ...common, endpoint: listener.endpoint });
  });

  after(async function () {
    this.timeout(30_000);
    iam?.destroy();
    ec2?.destroy();
    config?.destroy();
    await Promise.all([moto?.stop(), listener?.stop()]);
  });

  beforeEach(() => {
    listener.clear();
    logs.length = 0;
  });

  /**
   * Runs a handler on an event and returns what it sent Config, by resource id. Every request
   * must be a PutEvaluations with the event's result token and without TestMode.
   */
  async function invoke(
    handler: RuleHandler,
    event: ConfigRuleEvent,
    otherCalls: readonly string[] = [],
  ): Promise<Map<string, SentEvaluation>> {
    listener.clear();
    const summary = await handler(event, { getRemainingTimeInMillis: () => 300_000 });
    assert.equal(summary.skipped, undefined, `the handler skipped the event: ${summary.skipped}`);
    assert.deepEqual(
      logs.filter((line) => line.level === "ERROR"),
      [],
    );
    for (const request of listener.requests) {
      assert.ok(
        request.body && !("TestMode" in request.body),
        `TestMode sent to Config: ${request.rawBody}`,
      );
    }
    const puts = listener.requests.filter((request) => request.operation === "PutEvaluations");
    assert.deepEqual(
      listener.requests
        .filter((request) => request.operation !== "PutEvaluations")
        .map((request) => request.operation),
      otherCalls,
    );
    assert.ok(puts.length > 0, "no PutEvaluations reached the Config listener");
    for (const put of puts) assert.equal(put.body.ResultToken, event.resultToken);
    const evaluations = listener.evaluations();
    assert.equal(summary.evaluations, evaluations.length);
    assert.equal(summary.putEvaluationsCalls, puts.length);
    const byId = new Map(
      evaluations.map((evaluation) => [evaluation.ComplianceResourceId, evaluation]),
    );
    assert.equal(byId.size, evaluations.length, "several evaluations for one resource");
    return byId;
  }

  /** `{resourceId: compliance}`, to compare with the expected verdicts in one assertion. */
  function compliance(evaluations: Map<string, SentEvaluation>): Record<string, string> {
    return Object.fromEntries([...evaluations].map(([id, e]) => [id, e.ComplianceType]));
  }

  function only(evaluations: Map<string, SentEvaluation>, resourceId: string): SentEvaluation {
    assert.deepEqual([...evaluations.keys()], [resourceId]);
    return evaluations.get(resourceId) as SentEvaluation;
  }

  /** The timestamp Config receives (epoch seconds) for an event's item or notification. */
  function orderingSeconds(event: ConfigRuleEvent): number {
    const invoking = JSON.parse(event.invokingEvent);
    return (
      Date.parse(
        invoking.configurationItem?.configurationItemCaptureTime ??
          invoking.notificationCreationTime,
      ) / 1000
    );
  }

  // -------------------------------------------------------------------------------------------

  describe("exposed-ports", () => {
    const PARAMETERS = { forbiddenPorts: "22,3389" };
    let handler: RuleHandler;
    let vpcId: string;
    let subnetId: string;
    let imageId: string;
    let account: string;
    const groups: Record<"ssh" | "https6" | "all6" | "private", SecurityGroup> = {} as never;

    async function createGroup(name: string, permissions: IpPermission[]): Promise<SecurityGroup> {
      const { GroupId } = await ec2.send(
        new CreateSecurityGroupCommand({
          GroupName: name,
          Description: `${name} tier`,
          VpcId: vpcId,
        }),
      );
      await ec2.send(
        new AuthorizeSecurityGroupIngressCommand({ GroupId, IpPermissions: permissions }),
      );
      return describeGroup(GroupId ?? "");
    }

    async function describeGroup(groupId: string): Promise<SecurityGroup> {
      const { SecurityGroups } = await ec2.send(
        new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }),
      );
      assert.equal(SecurityGroups?.length, 1);
      return SecurityGroups?.[0] as SecurityGroup;
    }

    async function runInstance(groupIds: string[]): Promise<Instance> {
      const { Instances } = await ec2.send(
        new RunInstancesCommand({
          ImageId: imageId,
          InstanceType: "t3.small",
          MinCount: 1,
          MaxCount: 1,
          SubnetId: subnetId,
          SecurityGroupIds: groupIds,
        }),
      );
      const instanceId = Instances?.[0]?.InstanceId ?? "";
      const { Reservations } = await ec2.send(
        new DescribeInstancesCommand({ InstanceIds: [instanceId] }),
      );
      return Reservations?.[0]?.Instances?.[0] as Instance;
    }

    function groupEvent(group: SecurityGroup): ConfigRuleEvent {
      const groupId = group.GroupId ?? "";
      return changeEvent(
        "sg-change.json",
        "exposed-ports",
        {
          resourceType: RESOURCE_TYPE.securityGroup,
          resourceId: groupId,
          resourceName: group.GroupName,
          ARN: `arn:aws:ec2:${REGION}:${account}:security-group/${groupId}`,
          awsAccountId: account,
          configuration: securityGroupConfiguration(group),
          tags: {},
          relationships: [
            {
              resourceId: vpcId,
              resourceName: null as never,
              resourceType: "AWS::EC2::VPC",
              name: "Is contained in Vpc",
            },
          ],
        },
        PARAMETERS,
      );
    }

    function instanceEvent(instance: Instance): ConfigRuleEvent {
      const instanceId = instance.InstanceId ?? "";
      return changeEvent(
        "instance-change.json",
        "exposed-ports",
        {
          resourceType: RESOURCE_TYPE.instance,
          resourceId: instanceId,
          resourceName: null,
          ARN: `arn:aws:ec2:${REGION}:${account}:instance/${instanceId}`,
          awsAccountId: account,
          availabilityZone: instance.Placement?.AvailabilityZone,
          configuration: camelCase(instance),
          relationships: [
            ...(instance.SecurityGroups ?? []).map((group) => ({
              resourceId: group.GroupId,
              resourceName: null as never,
              resourceType: RESOURCE_TYPE.securityGroup,
              name: "Is associated with SecurityGroup",
            })),
            {
              resourceId: subnetId,
              resourceName: null as never,
              resourceType: "AWS::EC2::Subnet",
              name: "Is contained in Subnet",
            },
            {
              resourceId: vpcId,
              resourceName: null as never,
              resourceType: "AWS::EC2::VPC",
              name: "Is contained in Vpc",
            },
          ],
        },
        PARAMETERS,
      );
    }

    before(async () => {
      await moto.reset();
      const dependencies: exposedPorts.ExposedPortsDependencies = {
        config,
        ec2,
        log,
      };
      handler = exposedPorts.createHandler(dependencies);
      vpcId =
        (await ec2.send(new CreateVpcCommand({ CidrBlock: "10.20.0.0/16" }))).Vpc?.VpcId ?? "";
      subnetId =
        (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: "10.20.1.0/24" })))
          .Subnet?.SubnetId ?? "";
      const images = await ec2.send(new DescribeImagesCommand({ Owners: ["amazon"] }));
      imageId = images.Images?.[0]?.ImageId ?? "";
      assert.ok(imageId, "moto offers no Amazon image to run an instance from");

      groups.ssh = await createGroup("ssh-mixed", [
        {
          IpProtocol: "tcp",
          FromPort: 22,
          ToPort: 22,
          IpRanges: [
            { CidrIp: "0.0.0.0/0", Description: "vendor support (temporary)" },
            { CidrIp: "10.0.0.0/8" },
          ],
        },
      ]);
      groups.https6 = await createGroup("https-ipv6", [
        { IpProtocol: "tcp", FromPort: 443, ToPort: 443, Ipv6Ranges: [{ CidrIpv6: "::/0" }] },
      ]);
      groups.all6 = await createGroup("all-ipv6", [
        { IpProtocol: "-1", Ipv6Ranges: [{ CidrIpv6: "::/0", Description: "everything" }] },
      ]);
      groups.private = await createGroup("private-only", [
        { IpProtocol: "tcp", FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: "10.0.0.0/8" }] },
        {
          IpProtocol: "tcp",
          FromPort: 3389,
          ToPort: 3389,
          IpRanges: [{ CidrIp: "192.168.0.0/16" }],
          Ipv6Ranges: [{ CidrIpv6: "fd00::/8" }],
        },
        { IpProtocol: "-1", IpRanges: [{ CidrIp: "172.16.0.0/12" }] },
      ]);
      account = groups.ssh.OwnerId ?? "";
      assert.match(account, /^\d{12}$/);
    });

    it("sees the seeded rules in moto in Config's shape", () => {
      // Guards the conversion the other cases rely on.
      const ssh = securityGroupConfiguration(groups.ssh) as any;
      assert.deepEqual(ssh.ipPermissions, [
        {
          fromPort: 22,
          ipProtocol: "tcp",
          ipv6Ranges: [],
          prefixListIds: [],
          toPort: 22,
          userIdGroupPairs: [],
          ipv4Ranges: [
            { cidrIp: "0.0.0.0/0", description: "vendor support (temporary)" },
            { cidrIp: "10.0.0.0/8" },
          ],
          ipRanges: ["0.0.0.0/0", "10.0.0.0/8"],
        },
      ]);
      const all6 = securityGroupConfiguration(groups.all6) as any;
      assert.equal(all6.ipPermissions[0].ipProtocol, "-1");
      assert.ok(!("fromPort" in all6.ipPermissions[0]), "protocol -1 carries no fromPort");
    });

    it("judges each security group from its configuration item", async () => {
      const results = new Map<string, SentEvaluation>();
      for (const group of Object.values(groups)) {
        const event = groupEvent(group);
        const evaluation = only(await invoke(handler, event), group.GroupId ?? "");
        assert.equal(evaluation.ComplianceResourceType, RESOURCE_TYPE.securityGroup);
        assert.equal(evaluation.OrderingTimestamp, orderingSeconds(event));
        results.set(group.GroupId ?? "", evaluation);
      }
      assert.deepEqual(compliance(results), {
        [groups.ssh.GroupId ?? ""]: "NON_COMPLIANT",
        [groups.https6.GroupId ?? ""]: "COMPLIANT",
        [groups.all6.GroupId ?? ""]: "NON_COMPLIANT",
        [groups.private.GroupId ?? ""]: "COMPLIANT",
      });
      const annotation = (group: SecurityGroup) => results.get(group.GroupId ?? "")?.Annotation;
      assert.equal(annotation(groups.ssh), "22/tcp open to 0.0.0.0/0");
      assert.equal(annotation(groups.all6), "all traffic open to ::/0 (includes 22, 3389)");
      assert.equal(annotation(groups.https6), "No forbidden port (22, 3389) open to the internet.");
      assert.equal(
        annotation(groups.private),
        "No forbidden port (22, 3389) open to the internet.",
      );
    });

    it("opens 443 to ::/0 as a violation once 443 is forbidden", async () => {
      const event = groupEvent(groups.https6);
      event.ruleParameters = JSON.stringify({ forbiddenPorts: "22,443,3389" });
      const evaluation = only(await invoke(handler, event), groups.https6.GroupId ?? "");
      assert.equal(evaluation.ComplianceType, "NON_COMPLIANT");
      assert.equal(evaluation.Annotation, "443/tcp open to ::/0");
    });

    it("fetches an oversized item from GetResourceConfigHistory", async () => {
      const group = groups.ssh;
      const groupId = group.GroupId ?? "";
      const captured = Math.floor(Date.now() / 1000) - 5;
      listener.resourceConfigHistory = () => {
        // The API's shape on the wire: `configuration` as JSON text, epoch-second capture time.
        return {
          configurationItems: [
            {
              version: "1.3",
              accountId: account,
              configurationItemCaptureTime: captured,
              configurationItemStatus: "OK",
              configurationStateId: String(captured * 1000),
              configurationItemMD5Hash: "",
              arn: `arn:aws:ec2:${REGION}:${account}:security-group/${groupId}`,
              resourceType: RESOURCE_TYPE.securityGroup,
              resourceId: groupId,
              resourceName: group.GroupName,
              awsRegion: REGION,
              availabilityZone: "Not Applicable",
              tags: {},
              relatedEvents: [],
              relationships: [],
              configuration: JSON.stringify(securityGroupConfiguration(group)),
              supplementaryConfiguration: {},
            },
          ],
        };
      };
      const template = eventTemplate("oversized.json", "exposed-ports");
      const event: ConfigRuleEvent = {
        ...template,
        invokingEvent: JSON.stringify({
          configurationItemSummary: {
            changeType: "UPDATE",
            configurationItemVersion: "1.3",
            configurationItemCaptureTime: new Date(captured * 1000).toISOString(),
            configurationStateId: captured * 1000,
            awsAccountId: account,
            configurationItemStatus: "OK",
            resourceType: RESOURCE_TYPE.securityGroup,
            resourceId: groupId,
            resourceName: group.GroupName,
            ARN: `arn:aws:ec2:${REGION}:${account}:security-group/${groupId}`,
            awsRegion: REGION,
            availabilityZone: "Not Applicable",
            configurationStateMd5Hash: "",
            resourceCreationTime: null,
          },
          messageType: "OversizedConfigurationItemChangeNotification",
          notificationCreationTime: new Date().toISOString(),
          recordVersion: "1.0",
        }),
        ruleParameters: JSON.stringify(PARAMETERS),
      };
      try {
        const evaluation = only(
          await invoke(handler, event, ["GetResourceConfigHistory"]),
          groupId,
        );
        assert.equal(evaluation.ComplianceType, "NON_COMPLIANT");
        assert.equal(evaluation.Annotation, "22/tcp open to 0.0.0.0/0");
        assert.equal(evaluation.OrderingTimestamp, captured);
        const history = listener.requests.find(
          (request) => request.operation === "GetResourceConfigHistory",
        );
        assert.deepEqual(history?.body, {
          resourceType: RESOURCE_TYPE.securityGroup,
          resourceId: groupId,
          limit: 1,
        });
      } finally {
        listener.resourceConfigHistory = { configurationItems: [] };
      }
    });

    it("judges an instance by the groups moto describes for it", async () => {
      const exposed = await runInstance([groups.ssh.GroupId ?? "", groups.private.GroupId ?? ""]);
      const shielded = await runInstance([
        groups.private.GroupId ?? "",
        groups.https6.GroupId ?? "",
      ]);
      assert.equal(exposed.State?.Name, "running");

      const exposedEvent = instanceEvent(exposed);
      const exposedResult = only(await invoke(handler, exposedEvent), exposed.InstanceId ?? "");
      assert.equal(exposedResult.ComplianceResourceType, RESOURCE_TYPE.instance);
      assert.equal(exposedResult.ComplianceType, "NON_COMPLIANT");
      assert.equal(exposedResult.Annotation, `${groups.ssh.GroupId}: 22/tcp open to 0.0.0.0/0`);
      assert.equal(exposedResult.OrderingTimestamp, orderingSeconds(exposedEvent));

      const shieldedResult = only(
        await invoke(handler, instanceEvent(shielded)),
        shielded.InstanceId ?? "",
      );
      assert.equal(shieldedResult.ComplianceType, "COMPLIANT");
      assert.equal(
        shieldedResult.Annotation,
        "No security group of the instance opens a forbidden port to the internet.",
      );
    });

    it("reads the instance's groups live: a rule revoked in EC2 clears the instance", async () => {
      const group = await createGroup("rdp-public", [
        { IpProtocol: "tcp", FromPort: 3380, ToPort: 3400, IpRanges: [{ CidrIp: "0.0.0.0/0" }] },
      ]);
      const instance = await runInstance([group.GroupId ?? ""]);
      const before = only(
        await invoke(handler, instanceEvent(instance)),
        instance.InstanceId ?? "",
      );
      assert.equal(before.ComplianceType, "NON_COMPLIANT");
      assert.equal(before.Annotation, `${group.GroupId}: 3389/tcp open to 0.0.0.0/0`);

      await ec2.send(
        new RevokeSecurityGroupIngressCommand({
          GroupId: group.GroupId,
          IpPermissions: [
            {
              IpProtocol: "tcp",
              FromPort: 3380,
              ToPort: 3400,
              IpRanges: [{ CidrIp: "0.0.0.0/0" }],
            },
          ],
        }),
      );
      // Same event (the instance itself did not change): the verdict follows EC2, not the item.
      const after = only(await invoke(handler, instanceEvent(instance)), instance.InstanceId ?? "");
      assert.equal(after.ComplianceType, "COMPLIANT");
    });
  });

  // -------------------------------------------------------------------------------------------

  describe("iam-inactive-users", () => {
    const PARAMETERS = { maxInactiveDays: "90", exemptUsers: '["ci-deployer"]', refreshDays: "7" };
    const users: Record<"fresh" | "keyUser" | "exempt", User> = {} as never;

    function handlerAt(now?: Date): RuleHandler {
      const dependencies: CredentialReportRuleDependencies = {
        config,
        iam,
        log,
        sleep: fastSleep,
        ...(now ? { now: () => now } : {}),
      };
      return inactiveUsers.createHandler(dependencies);
    }

    const day = (user: User) => user.CreateDate?.toISOString().slice(0, 10);

    before(async () => {
      await moto.reset();
      const create = async (name: string) =>
        (await iam.send(new CreateUserCommand({ UserName: name }))).User as User;
      users.fresh = await create("fresh-hire");
      users.keyUser = await create("build-bot");
      users.exempt = await create("ci-deployer");
      // Use build-bot's access key once: moto records it as the key's last use.
      const key = (await iam.send(new CreateAccessKeyCommand({ UserName: "build-bot" }))).AccessKey;
      const asBuildBot = new IAMClient({
        region: REGION,
        endpoint: moto.endpoint,
        maxAttempts: 1,
        credentials: {
          accessKeyId: key?.AccessKeyId ?? "",
          secretAccessKey: key?.SecretAccessKey ?? "",
        },
      });
      await asBuildBot.send(new ListUsersCommand({}));
      asBuildBot.destroy();
    });

    it("never flags users created just now; the exempt one is exempt", async () => {
      const now = new Date(Math.floor(Date.now() / 1000) * 1000);
      const event = scheduledEvent("iam-inactive-users", PARAMETERS, now);
      // A periodic run first reads what Config holds (nothing yet here), then sends.
      const evaluations = await invoke(handlerAt(), event, ["GetComplianceDetailsByConfigRule"]);
      assert.deepEqual(compliance(evaluations), {
        [users.fresh.UserId ?? ""]: "COMPLIANT",
        [users.keyUser.UserId ?? ""]: "COMPLIANT",
        [users.exempt.UserId ?? ""]: "COMPLIANT",
      });
      for (const evaluation of evaluations.values()) {
        assert.equal(evaluation.ComplianceResourceType, RESOURCE_TYPE.iamUser);
        assert.equal(evaluation.OrderingTimestamp, now.getTime() / 1000);
      }
      const annotation = (user: User) => evaluations.get(user.UserId ?? "")?.Annotation;
      assert.equal(annotation(users.exempt), "ci-deployer is exempt (exemptUsers).");
      assert.equal(
        annotation(users.fresh),
        `fresh-hire never used a password or access key since its creation on ${day(users.fresh)} (limit 90 days).`,
      );
      assert.equal(
        annotation(users.keyUser),
        `build-bot last used its access key 1 on ${day(users.keyUser)} (limit 90 days).`,
      );
    });

    it("flags the same users once the clock is 120 days later, still sparing the exempt one", async () => {
      const later = new Date(Date.now() + 120 * DAY_MS);
      const evaluations = await invoke(
        handlerAt(later),
        scheduledEvent("iam-inactive-users", PARAMETERS, later),
        ["GetComplianceDetailsByConfigRule"],
      );
      assert.deepEqual(compliance(evaluations), {
        [users.fresh.UserId ?? ""]: "NON_COMPLIANT",
        [users.keyUser.UserId ?? ""]: "NON_COMPLIANT",
        [users.exempt.UserId ?? ""]: "COMPLIANT",
      });
      assert.match(
        evaluations.get(users.keyUser.UserId ?? "")?.Annotation ?? "",
        /^build-bot last used its access key 1 on \d{4}-\d{2}-\d{2} \(limit 90 days\)\.$/,
      );
      assert.match(evaluations.get(users.exempt.UserId ?? "")?.Annotation ?? "", /exempt/);
    });

    it("judges one user from a change notification", async () => {
      const user = users.fresh;
      const event = changeEvent(
        "iam-user-change.json",
        "iam-inactive-users",
        {
          resourceType: RESOURCE_TYPE.iamUser,
          resourceId: user.UserId ?? "",
          resourceName: user.UserName,
          ARN: user.Arn,
          awsRegion: "global",
          awsAccountId: user.Arn?.split(":")[4],
          resourceCreationTime: user.CreateDate?.toISOString(),
          configuration: {
            path: user.Path,
            userName: user.UserName,
            userId: user.UserId,
            arn: user.Arn,
            createDate: user.CreateDate?.toISOString(),
            userPolicyList: null,
            groupList: [],
            attachedManagedPolicies: [],
            permissionsBoundary: null,
            tags: [],
          },
        },
        PARAMETERS,
      );
      const evaluation = only(await invoke(handlerAt(), event), user.UserId ?? "");
      assert.equal(evaluation.ComplianceType, "COMPLIANT");
      assert.equal(evaluation.ComplianceResourceType, RESOURCE_TYPE.iamUser);
      assert.match(
        evaluation.Annotation ?? "",
        /^fresh-hire never used .* since its creation on \d{4}-\d{2}-\d{2} \(limit 90 days\)/,
      );
    });
  });

  // -------------------------------------------------------------------------------------------

  describe("mfa-policy-attached", () => {
    let handler: RuleHandler;
    let policyArn: string;
    const users: Record<"grouped" | "direct" | "nothing" | "exempt" | "lookalike", User> =
      {} as never;

    function userEvent(user: User, groupList: string[]): ConfigRuleEvent {
      return changeEvent(
        "iam-user-change.json",
        "mfa-policy-attached",
        {
          resourceType: RESOURCE_TYPE.iamUser,
          resourceId: user.UserId ?? "",
          resourceName: user.UserName,
          ARN: user.Arn,
          awsRegion: "global",
          awsAccountId: user.Arn?.split(":")[4],
          resourceCreationTime: user.CreateDate?.toISOString(),
          relationships: groupList.map((group) => ({
            resourceType: "AWS::IAM::Group",
            resourceName: group,
            name: "Is attached to Group",
          })),
          configuration: {
            path: user.Path,
            userName: user.UserName,
            userId: user.UserId,
            arn: user.Arn,
            createDate: user.CreateDate?.toISOString(),
            userPolicyList: null,
            groupList,
            attachedManagedPolicies: [],
            permissionsBoundary: null,
            tags: [],
          },
        },
        { policyArn, exemptUsers: '["ci-deployer"]', refreshDays: "7" },
      );
    }

    before(async () => {
      await moto.reset();
      const dependencies: mfaPolicy.MfaPolicyDependencies = { config, iam, log };
      handler = mfaPolicy.createHandler(dependencies);
      const document = JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "DenyAllExceptListedIfNoMFA",
            Effect: "Deny",
            NotAction: ["iam:ListMFADevices", "iam:EnableMFADevice", "sts:GetSessionToken"],
            Resource: "*",
            Condition: { BoolIfExists: { "aws:MultiFactorAuthPresent": "false" } },
          },
        ],
      });
      const createPolicy = async (name: string) =>
        (await iam.send(new CreatePolicyCommand({ PolicyName: name, PolicyDocument: document })))
          .Policy?.Arn ?? "";
      policyArn = await createPolicy("DenyActionWithoutMFA");
      const lookalikeArn = await createPolicy("DenyActionWithoutMFA-legacy");
      await iam.send(new CreateGroupCommand({ GroupName: "mfa-required" }));
      await iam.send(
        new AttachGroupPolicyCommand({ GroupName: "mfa-required", PolicyArn: policyArn }),
      );
      await iam.send(new CreateGroupCommand({ GroupName: "developers" }));

      const create = async (name: string) =>
        (await iam.send(new CreateUserCommand({ UserName: name }))).User as User;
      users.grouped = await create("grouped-user");
      await iam.send(
        new AddUserToGroupCommand({ GroupName: "mfa-required", UserName: "grouped-user" }),
      );
      users.direct = await create("direct-user");
      await iam.send(
        new AttachUserPolicyCommand({ UserName: "direct-user", PolicyArn: policyArn }),
      );
      users.nothing = await create("no-policy-user");
      await iam.send(
        new AddUserToGroupCommand({ GroupName: "developers", UserName: "no-policy-user" }),
      );
      users.exempt = await create("ci-deployer");
      users.lookalike = await create("lookalike-user");
      await iam.send(
        new AttachUserPolicyCommand({ UserName: "lookalike-user", PolicyArn: lookalikeArn }),
      );
    });

    it("judges every user from one authorization-details listing", async () => {
      const now = new Date(Math.floor(Date.now() / 1000) * 1000);
      const evaluations = await invoke(
        handler,
        scheduledEvent(
          "mfa-policy-attached",
          { policyArn, exemptUsers: '["ci-deployer"]', refreshDays: "7" },
          now,
        ),
        ["GetComplianceDetailsByConfigRule"],
      );
      assert.deepEqual(compliance(evaluations), {
        [users.grouped.UserId ?? ""]: "COMPLIANT",
        [users.direct.UserId ?? ""]: "COMPLIANT",
        [users.nothing.UserId ?? ""]: "NON_COMPLIANT",
        [users.exempt.UserId ?? ""]: "COMPLIANT",
        [users.lookalike.UserId ?? ""]: "NON_COMPLIANT",
      });
      const annotation = (user: User) => evaluations.get(user.UserId ?? "")?.Annotation;
      assert.equal(
        annotation(users.grouped),
        "grouped-user has DenyActionWithoutMFA through group mfa-required.",
      );
      assert.equal(annotation(users.direct), "DenyActionWithoutMFA is attached to direct-user.");
      assert.equal(
        annotation(users.nothing),
        "DenyActionWithoutMFA is not attached to no-policy-user or its groups (developers).",
      );
      assert.equal(annotation(users.exempt), "ci-deployer is exempt (exemptUsers).");
      assert.equal(
        annotation(users.lookalike),
        "DenyActionWithoutMFA is not attached to lookalike-user.",
      );
      for (const evaluation of evaluations.values()) {
        assert.equal(evaluation.ComplianceResourceType, RESOURCE_TYPE.iamUser);
        assert.equal(evaluation.OrderingTimestamp, now.getTime() / 1000);
      }
    });

    it("flags a changed user whose only group lacks the policy", async () => {
      const event = userEvent(users.nothing, ["developers"]);
      const evaluation = only(await invoke(handler, event), users.nothing.UserId ?? "");
      assert.equal(evaluation.ComplianceType, "NON_COMPLIANT");
      assert.equal(
        evaluation.Annotation,
        "DenyActionWithoutMFA is not attached to no-policy-user or its groups (developers).",
      );
      assert.equal(evaluation.OrderingTimestamp, orderingSeconds(event));
    });

    it("clears a changed user through its group's policy as IAM lists it", async () => {
      const evaluation = only(
        await invoke(handler, userEvent(users.grouped, ["mfa-required"])),
        users.grouped.UserId ?? "",
      );
      assert.equal(evaluation.ComplianceType, "COMPLIANT");
      assert.equal(
        evaluation.Annotation,
        "grouped-user has DenyActionWithoutMFA through group mfa-required.",
      );
    });
  });
});
