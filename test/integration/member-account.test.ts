/**
 * The audit account's rule function judging a member account, on moto (which keeps accounts
 * apart: credentials from AssumeRole into another account's role act in that account). The
 * member's users exist only in member B; the audit account A has its own user. The function,
 * given B's organization rule event, must assume B's evaluation role, read B's users and
 * credential report, and send B's evaluations signed with B's credentials.
 */
import { ConfigServiceClient } from "@aws-sdk/client-config-service";
import { EC2Client } from "@aws-sdk/client-ec2";
import { CreateUserCommand, IAMClient, User } from "@aws-sdk/client-iam";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { strict as assert } from "assert";
import { createHandler } from "../../functions/rules/iam-inactive-users/handler";
import type { ConfigRuleEvent } from "../../functions/shared/config-event";
import { Credentials, memberAccountRuleHandler } from "../../functions/shared/member-account";
import { MEMBER_ROLE_NAMES } from "../../functions/shared/member-roles";
import { ConfigListener, startConfigListener } from "../helpers/config-listener";
import { configEvent } from "../helpers/fixtures";
import { MotoServer, startMoto } from "../helpers/moto";

const REGION = "us-east-1";
/** The audit account: moto's default for these credentials. */
const AUDIT = { accessKeyId: "testing", secretAccessKey: "testing" };
const AUDIT_ACCOUNT = "123456789012";
const MEMBER_B = "210987654321";

describe("a rule function of the audit account judging member B (integration)", function () {
  this.timeout(60_000);
  let moto: MotoServer;
  let listener: ConfigListener;
  let memberUsers: User[];
  const assumedKeys: string[] = [];

  const sts = () =>
    new STSClient({ region: REGION, endpoint: moto.endpoint, credentials: AUDIT, maxAttempts: 1 });
  const iamWith = (credentials: Credentials) =>
    new IAMClient({ region: REGION, endpoint: moto.endpoint, credentials, maxAttempts: 1 });

  before(async function () {
    this.timeout(60_000);
    [moto, listener] = await Promise.all([startMoto(), startConfigListener()]);
    // B's users, created with credentials acting in B; one user in the audit account itself.
    const setup = await sts().send(
      new AssumeRoleCommand({
        RoleArn: `arn:aws:iam::${MEMBER_B}:role/setup`,
        RoleSessionName: "setup",
      }),
    );
    const inB = iamWith({
      accessKeyId: setup.Credentials?.AccessKeyId ?? "",
      secretAccessKey: setup.Credentials?.SecretAccessKey ?? "",
      sessionToken: setup.Credentials?.SessionToken,
    });
    memberUsers = [];
    for (const name of ["b-alice", "b-bob"]) {
      memberUsers.push((await inB.send(new CreateUserCommand({ UserName: name }))).User as User);
    }
    inB.destroy();
    const inAudit = iamWith(AUDIT);
    await inAudit.send(new CreateUserCommand({ UserName: "audit-only" }));
    inAudit.destroy();
  });
  after(async () => {
    await Promise.all([moto?.stop(), listener?.stop()]);
  });

  function centralHandler() {
    return memberAccountRuleHandler({
      rule: "iam-inactive-users",
      sts: sts(),
      createHandler: (clients) =>
        createHandler({ ...clients, sleep: async () => {}, log: () => undefined }),
      clientsFor: (credentials) => {
        assumedKeys.push(credentials.accessKeyId);
        const common = { region: REGION, credentials, maxAttempts: 1 };
        return {
          iam: new IAMClient({ ...common, endpoint: moto.endpoint }),
          ec2: new EC2Client({ ...common, endpoint: moto.endpoint }),
          config: new ConfigServiceClient({ ...common, endpoint: listener.endpoint }),
        };
      },
      log: () => undefined,
    });
  }

  function memberEvent(accountId: string): ConfigRuleEvent {
    return {
      ...configEvent("scheduled", {
        ruleParameters: { maxInactiveDays: "90", exemptUsers: "[]", refreshDays: "7" },
        invoking: (invoking) => {
          invoking.awsAccountId = accountId;
          invoking.notificationCreationTime = new Date().toISOString();
        },
      }),
      accountId,
    };
  }

  it("assumes B's evaluation role, judges B's users only, and sends with B's credentials", async () => {
    listener.clear();
    const summary = await centralHandler()(memberEvent(MEMBER_B), {
      getRemainingTimeInMillis: () => 240_000,
      invokedFunctionArn: `arn:aws:lambda:${REGION}:${AUDIT_ACCOUNT}:function:iam-inactive-users`,
    });
    assert.equal(summary.skipped, undefined, JSON.stringify(summary));
    assert.deepEqual(
      listener
        .evaluations()
        .map((e) => e.ComplianceResourceId)
        .sort(),
      memberUsers.map((user) => user.UserId).sort(),
      "B's two users, not the audit account's",
    );
    const [assumedKey] = assumedKeys;
    assert.ok(assumedKey && assumedKey !== AUDIT.accessKeyId);
    const signers = new Set(listener.requests.map((request) => request.accessKeyId));
    assert.deepEqual([...signers], [assumedKey], "every Config call signed with B's credentials");
  });

  it("names the role it assumes in the member's partition and account", async () => {
    const arns: string[] = [];
    const recording = sts();
    const send = recording.send.bind(recording);
    recording.send = ((command: AssumeRoleCommand) => {
      arns.push(String(command.input.RoleArn));
      return send(command);
    }) as typeof recording.send;
    const handler = memberAccountRuleHandler({
      rule: "iam-inactive-users",
      sts: recording,
      createHandler: () => () =>
        Promise.resolve({ rule: "x", evaluations: 0, putEvaluationsCalls: 0 }),
      clientsFor: () => ({}) as never,
      log: () => undefined,
    });
    await handler(memberEvent(MEMBER_B), {
      invokedFunctionArn: `arn:aws-us-gov:lambda:us-gov-west-1:${AUDIT_ACCOUNT}:function:f`,
    });
    // A warm function reuses the member's credentials.
    await handler(memberEvent(MEMBER_B), {
      invokedFunctionArn: `arn:aws-us-gov:lambda:us-gov-west-1:${AUDIT_ACCOUNT}:function:f`,
    });
    assert.deepEqual(arns, [
      `arn:aws-us-gov:iam::${MEMBER_B}:role/${MEMBER_ROLE_NAMES.evaluation}`,
    ]);
  });

  it("judges nothing for an event without a member account", async () => {
    const event = memberEvent(MEMBER_B) as Partial<ConfigRuleEvent>;
    delete event.accountId;
    const summary = await centralHandler()(event as ConfigRuleEvent, {});
    assert.match(String(summary.skipped), /names no member account/);
  });
});
