import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { strict as assert } from "assert";
import type { ConfigRuleEvent } from "../../../functions/shared/config-event";
import { memberAccountRuleHandler } from "../../../functions/shared/member-account";
import type { RuleHandler } from "../../../functions/shared/rule-handler";
import { configEvent } from "../../helpers/fixtures";
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
