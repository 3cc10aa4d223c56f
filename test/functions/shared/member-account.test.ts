import { ListParentsCommand, OrganizationsClient } from "@aws-sdk/client-organizations";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { strict as assert } from "assert";
import type { ConfigRuleEvent } from "../../../functions/shared/config-event";
import { EncodedOverrides, OVERRIDES_VARIABLE } from "../../../functions/shared/account-overrides";
import type { ComplianceChangeEvent } from "../../../functions/shared/compliance-change";
import {
  MAX_CACHED_MEMBERS,
  memberAccountRemediationHandler,
  memberAccountRuleHandler,
} from "../../../functions/shared/member-account";
import { MEMBER_ACCOUNT_PLACEHOLDER } from "../../../functions/shared/member-roles";
import type { RuleHandler } from "../../../functions/shared/rule-handler";
import { configEvent, fixture } from "../../helpers/fixtures";
import { memoryLogger, stubClients } from "../../helpers/sdk";

const aws = stubClients({ sts: STSClient });
const MEMBER = "210987654321";

function event(...account: [unknown?]): ConfigRuleEvent {
  const accountId = account.length === 0 ? MEMBER : account[0];
  return { ...configEvent("scheduled"), accountId } as ConfigRuleEvent;
}

function credentials(expiration: Date) {
  return {
    Credentials: {
      AccessKeyId: `ASIA${expiration.getTime()}`,
      SecretAccessKey: "secret",
      SessionToken: "token",
      Expiration: expiration,
    },
  };
}

describe("a rule function judging member accounts", () => {
  aws.install();
  let clock = new Date("2026-12-01T10:00:00Z");
  let created: string[];
  let invoked: string[];
  let parameters: Array<string | undefined>;
  const run = (logger = memoryLogger()) =>
    memberAccountRuleHandler({
      rule: "exposed-ports",
      sts: new STSClient({}),
      createHandler: (clients) => {
        const key = (clients as unknown as { key: string }).key;
        created.push(key);
        const handler: RuleHandler = (received) => {
          invoked.push(`${key} ${received.accountId}`);
          parameters.push(received.ruleParameters);
          return Promise.resolve({ rule: "exposed-ports", evaluations: 1, putEvaluationsCalls: 1 });
        };
        return handler;
      },
      clientsFor: (given) => ({ key: given.accessKeyId }) as never,
      log: logger.log,
      now: () => clock,
    });
  beforeEach(() => {
    created = [];
    invoked = [];
    parameters = [];
    clock = new Date("2026-12-01T10:00:00Z");
  });

  it("runs the rule's handler with the member's credentials, reused while they last", async () => {
    aws.sts
      .on(AssumeRoleCommand)
      .resolvesOnce(credentials(new Date("2026-12-01T10:15:00Z")))
      .resolvesOnce(credentials(new Date("2026-12-01T10:30:00Z")));
    const handler = run();
    await handler(event());
    clock = new Date("2026-12-01T10:09:00Z");
    await handler(event());
    // Five minutes before expiry: new credentials before the next run.
    clock = new Date("2026-12-01T10:10:30Z");
    await handler(event());
    const first = `ASIA${new Date("2026-12-01T10:15:00Z").getTime()}`;
    const second = `ASIA${new Date("2026-12-01T10:30:00Z").getTime()}`;
    assert.deepEqual(created, [first, second]);
    assert.deepEqual(invoked, [`${first} ${MEMBER}`, `${first} ${MEMBER}`, `${second} ${MEMBER}`]);
    const input = aws.sts.commandCalls(AssumeRoleCommand)[0]?.args[0].input;
    assert.deepEqual(input, {
      RoleArn: `arn:aws:iam::${MEMBER}:role/guardrails-member-evaluation`,
      RoleSessionName: "guardrails-exposed-ports",
      DurationSeconds: 900,
    });
  });

  it("names the member's own account where the organization's parameters hold the placeholder", async () => {
    aws.sts.on(AssumeRoleCommand).resolves(credentials(new Date("2026-12-01T10:15:00Z")));
    const policyArn = "arn:aws:iam::000000000000:policy/DenyActionWithoutMFA";
    await run()({ ...event(), ruleParameters: JSON.stringify({ policyArn, refreshDays: "7" }) });
    assert.deepEqual(
      parameters.map((text) => JSON.parse(text ?? "{}")),
      [{ policyArn: `arn:aws:iam::${MEMBER}:policy/DenyActionWithoutMFA`, refreshDays: "7" }],
    );
  });

  it("judges nothing, without retrying, where the member role cannot be assumed", async () => {
    aws.sts
      .on(AssumeRoleCommand)
      .rejects(Object.assign(new Error("not authorized"), { name: "AccessDenied" }));
    const logger = memoryLogger();
    const summary = await run(logger)(event());
    assert.match(String(summary.skipped), /member evaluation role cannot be assumed/);
    assert.equal(
      logger.lines[0]?.fields.roleArn,
      `arn:aws:iam::${MEMBER}:role/guardrails-member-evaluation`,
    );
    assert.deepEqual(invoked, []);
  });

  it("lets a throttled AssumeRole fail, for Lambda to retry", async () => {
    aws.sts
      .on(AssumeRoleCommand)
      .rejects(Object.assign(new Error("slow down"), { name: "Throttling" }));
    await assert.rejects(run()(event()), /slow down/);
  });

  for (const accountId of [undefined, "12345", 210987654321]) {
    it(`refuses an event whose accountId is ${JSON.stringify(accountId)}, calling nothing`, async () => {
      const summary = await run()(event(accountId));
      assert.match(String(summary.skipped), /names no member account/);
      assert.equal(aws.sts.calls().length, 0);
    });
  }
});

describe("a remediation function repairing member accounts", () => {
  aws.install();
  let received: Array<{
    key: string;
    region?: string;
    env: Record<string, unknown>;
    rule?: string;
  }>;
  const run = (logger = memoryLogger()) =>
    memberAccountRemediationHandler({
      remediation: "remediate-mfa-policy",
      rule: "mfa-policy-attached",
      sts: new STSClient({}),
      env: {
        MODE: "attach",
        POLICY_ARN: `arn:aws:iam::${MEMBER_ACCOUNT_PLACEHOLDER}:policy/DenyActionWithoutMFA`,
      },
      createHandler: (dependencies) => {
        const { key, region } = dependencies as unknown as { key: string; region?: string };
        return (change) => {
          received.push({
            key,
            region,
            env: { ...dependencies.env },
            rule: change.detail?.configRuleName,
          });
          return Promise.resolve({
            remediation: "remediate-mfa-policy",
            mode: "attach",
            actions: [],
          });
        };
      },
      clientsFor: (given, region) => ({ key: given.accessKeyId, region }) as never,
      log: logger.log,
      now: () => new Date("2026-12-01T10:00:00Z"),
    });
  const change = (edit: (event: any) => void = () => {}): ComplianceChangeEvent => {
    const event = fixture<any>("config-events/organization-compliance-change.json");
    event.detail.configRuleName = "OrgConfigRule-mfa-policy-attached-x7k2m9qa";
    edit(event);
    return event;
  };
  beforeEach(() => {
    received = [];
    aws.sts.on(AssumeRoleCommand).resolves(credentials(new Date("2026-12-01T10:15:00Z")));
  });

  it("assumes the remediation role of the event's account, in its region, with the member's own ARNs", async () => {
    const summary = await run()(change(), {
      invokedFunctionArn: "arn:aws:lambda:eu-west-1:123456789012:function:f",
    });
    assert.equal(summary.skipped, undefined);
    assert.deepEqual(
      aws.sts.commandCalls(AssumeRoleCommand).map((call) => call.args[0].input.RoleArn),
      [`arn:aws:iam::${MEMBER}:role/guardrails-member-remediation`],
    );
    assert.deepEqual(received, [
      {
        key: `ASIA${new Date("2026-12-01T10:15:00Z").getTime()}`,
        region: "eu-west-1",
        env: {
          MODE: "attach",
          POLICY_ARN: `arn:aws:iam::${MEMBER}:policy/DenyActionWithoutMFA`,
        },
        // The handler sees the organization rule it repairs.
        rule: "mfa-policy-attached",
      },
    ]);
  });

  const ignored: Array<[string, (event: any) => void, RegExp]> = [
    ["without an account", (e) => delete e.account, /names no member account/],
    [
      "whose detail names another account",
      (e) => (e.detail.awsAccountId = "444455556666"),
      /differ/,
    ],
    [
      "of an account's own rule of that name",
      (e) => (e.detail.configRuleName = "mfa-policy-attached"),
      /not a compliance change of the organization rule mfa-policy-attached/,
    ],
    [
      "of another organization rule",
      (e) => (e.detail.configRuleName = "OrgConfigRule-exposed-ports-x7k2m9qa"),
      /not a compliance change/,
    ],
  ];
  for (const [what, edit, reason] of ignored) {
    it(`assumes nothing for an event ${what}`, async () => {
      const summary = await run()(change(edit));
      assert.match(String(summary.skipped), reason);
      assert.equal(aws.sts.commandCalls(AssumeRoleCommand).length, 0);
      assert.deepEqual(received, []);
    });
  }

  it("repairs nothing, with an error logged, where the member role cannot be assumed", async () => {
    aws.sts
      .on(AssumeRoleCommand)
      .rejects(Object.assign(new Error("not authorized"), { name: "AccessDenied" }));
    const logger = memoryLogger();
    const summary = await run(logger)(change());
    assert.match(String(summary.skipped), /member remediation role cannot be assumed/);
    assert.ok(logger.lines.some((line) => line.level === "ERROR"));
    assert.deepEqual(received, []);
  });

  it(`keeps handlers for at most ${MAX_CACHED_MEMBERS} members, dropping the least recently used`, async () => {
    const handler = run();
    const account = (n: number) => String(100000000000 + n);
    for (let n = 0; n <= MAX_CACHED_MEMBERS; n++) {
      await handler(
        change((e) => ((e.account = account(n)), (e.detail.awsAccountId = account(n)))),
      );
      if (n === 0) continue;
      // The first member stays in use.
      await handler(
        change((e) => ((e.account = account(0)), (e.detail.awsAccountId = account(0)))),
      );
    }
    const assumed = () => aws.sts.commandCalls(AssumeRoleCommand).length;
    assert.equal(assumed(), MAX_CACHED_MEMBERS + 1);
    await handler(change((e) => ((e.account = account(0)), (e.detail.awsAccountId = account(0)))));
    assert.equal(assumed(), MAX_CACHED_MEMBERS + 1, "the member in use is kept");
    await handler(change((e) => ((e.account = account(1)), (e.detail.awsAccountId = account(1)))));
    assert.equal(assumed(), MAX_CACHED_MEMBERS + 2, "the least recently used was dropped");
  });
});

describe("an organization's functions applying accountOverrides", () => {
  const stubs = stubClients({ sts: STSClient, organizations: OrganizationsClient });
  stubs.install();
  const UNIT = "ou-a1b2-c3d4e5f6";
  const overrides: EncodedOverrides = {
    [UNIT]: { values: { exemptUsers: '["unit-ci"]' } },
    [MEMBER]: { values: { exemptUsers: '["b-legacy"]' } },
  };
  const env = { [OVERRIDES_VARIABLE]: JSON.stringify(overrides) };
  let parameters: Array<string | undefined>;
  const ruleHandler = () =>
    memberAccountRuleHandler({
      rule: "iam-inactive-users",
      sts: new STSClient({}),
      organizations: new OrganizationsClient({}),
      env,
      createHandler: () => (received) => {
        parameters.push(received.ruleParameters);
        return Promise.resolve({
          rule: "iam-inactive-users",
          evaluations: 0,
          putEvaluationsCalls: 0,
        });
      },
      clientsFor: () => ({}) as never,
      log: () => undefined,
    });
  const ruleEvent = (accountId: string): ConfigRuleEvent => ({
    ...configEvent("scheduled"),
    accountId,
    ruleParameters: JSON.stringify({ maxInactiveDays: "90", exemptUsers: '["ci"]' }),
  });
  beforeEach(() => {
    parameters = [];
    stubs.sts.on(AssumeRoleCommand).resolves(credentials(new Date("2099-01-01T00:00:00Z")));
  });

  it("adds the exempt users of the account's OUs and its own to the rule's parameters", async () => {
    stubs.organizations
      .on(ListParentsCommand, { ChildId: MEMBER })
      .resolves({ Parents: [{ Id: UNIT, Type: "ORGANIZATIONAL_UNIT" }] })
      .on(ListParentsCommand, { ChildId: UNIT })
      .resolves({ Parents: [{ Id: "r-a1b2", Type: "ROOT" }] });
    await ruleHandler()(ruleEvent(MEMBER));
    assert.deepEqual(JSON.parse(parameters[0] ?? "{}"), {
      maxInactiveDays: "90",
      exemptUsers: '["ci","unit-ci","b-legacy"]',
    });
  });

  it("leaves another account's parameters as the stack's", async () => {
    stubs.organizations
      .on(ListParentsCommand)
      .resolves({ Parents: [{ Id: "r-a1b2", Type: "ROOT" }] });
    await ruleHandler()(ruleEvent("444455556666"));
    assert.deepEqual(JSON.parse(parameters[0] ?? "{}"), {
      maxInactiveDays: "90",
      exemptUsers: '["ci"]',
    });
  });

  it("judges nothing where the account's OUs cannot be read, and assumes no role", async () => {
    stubs.organizations.on(ListParentsCommand).rejects(
      Object.assign(new Error("not a delegated administrator"), {
        name: "AccessDeniedException",
      }),
    );
    const summary = await ruleHandler()(ruleEvent(MEMBER));
    assert.match(String(summary.skipped), /organizational units cannot be read/);
    assert.deepEqual(parameters, []);
    assert.equal(stubs.sts.commandCalls(AssumeRoleCommand).length, 0);
  });

  it("fails the run where reading the OUs is throttled, for Lambda to retry it", async () => {
    stubs.organizations
      .on(ListParentsCommand)
      .rejects(Object.assign(new Error("Rate exceeded"), { name: "TooManyRequestsException" }));
    await assert.rejects(ruleHandler()(ruleEvent(MEMBER)), /Rate exceeded/);
    assert.deepEqual(parameters, []);
  });

  it("repairs nothing in an account whose override turns the remediation off, and repairs the others", async () => {
    const remediationEnv = {
      MODE: "revoke",
      [OVERRIDES_VARIABLE]: JSON.stringify({ [MEMBER]: { values: {}, off: true } }),
    };
    const modes: string[] = [];
    const handler = memberAccountRemediationHandler({
      remediation: "remediate-exposed-ports",
      rule: "exposed-ports",
      sts: new STSClient({}),
      env: remediationEnv,
      createHandler: (dependencies) => () => {
        modes.push(String(dependencies.env.MODE));
        return Promise.resolve({
          remediation: "remediate-exposed-ports",
          mode: "revoke",
          actions: [],
        });
      },
      clientsFor: () => ({}) as never,
      log: () => undefined,
    });
    const change = (account: string) => {
      const event = fixture<any>("config-events/organization-compliance-change.json");
      event.account = account;
      event.detail.awsAccountId = account;
      return event as ComplianceChangeEvent;
    };
    const off = await handler(change(MEMBER));
    assert.match(String(off.skipped), /off in this account/);
    await handler(change("444455556666"));
    assert.deepEqual(modes, ["revoke"]);
    // No OU is named: the organization is not asked.
    assert.equal(stubs.organizations.commandCalls(ListParentsCommand).length, 0);
  });
});
