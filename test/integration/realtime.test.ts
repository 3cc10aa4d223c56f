/**
 * Real-time repair as deployed: the stack planned under mocks with realtimeRemediation on, its
 * EventBridge patterns matched against CloudTrail's events (fixtures in AWS's shape), and the
 * serialized remediation functions run in a fresh Node process against moto with those events.
 * The function must read the resource's current state and act only where the rule would fail.
 */
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  EC2Client,
} from "@aws-sdk/client-ec2";
import {
  AddUserToGroupCommand,
  AttachGroupPolicyCommand,
  CreateGroupCommand,
  CreatePolicyCommand,
  CreateUserCommand,
  GetGroupCommand,
  IAMClient,
  RemoveUserFromGroupCommand,
} from "@aws-sdk/client-iam";
import { strict as assert } from "assert";
import { parseSettings } from "../../config";
import { ProgramRun, runProgram } from "../../offline/mock-runtime";
import { createGuardrails } from "../../stack";
import { matchesPattern } from "../helpers/event-pattern";
import { fixture } from "../helpers/fixtures";
import { createExposedGroup, ingressCidrs } from "../helpers/ec2";
import { invokeSerialized } from "../helpers/lambda-process";
import { MotoServer, startMoto } from "../helpers/moto";
import { jsonInput, only, resourcesOfType, within } from "../helpers/program";

const CREDENTIALS = { accessKeyId: "testing", secretAccessKey: "testing" };

const plans = new Map<string, Promise<ProgramRun>>();

/** The stack in eu-west-1 with real-time repair on; each configuration planned once. */
function plan(config: Record<string, unknown>): Promise<ProgramRun> {
  const key = JSON.stringify(config);
  let planned = plans.get(key);
  if (!planned) {
    planned = runProgram(
      () => createGuardrails(parseSettings({ realtimeRemediation: true, ...config })),
      { project: "guardrails", stack: "dev", config: { "aws:region": "eu-west-1" } },
    );
    plans.set(key, planned);
  }
  return planned;
}

/** The serialized function of a remediation, and the environment the plan gives it. */
function deployed(run: ProgramRun, remediation: string) {
  const fn = only(
    within(run, "guardrails:index:GuardrailsFunction", remediation),
    "aws:lambda/function:Function",
  );
  return {
    code: (fn.inputs.code as any).__archive["__index.js"].text as string,
    variables: (fn.inputs.environment as { variables: Record<string, string> }).variables,
  };
}

/** The API-call patterns the plan gives a remediation's rules in its own region. */
function patterns(run: ProgramRun, remediation: string): unknown[] {
  return resourcesOfType(run, "aws:cloudwatch/eventRule:EventRule")
    .filter((rule) => new RegExp(`^${remediation}-api-call-\\d+$`).test(rule.name))
    .map((rule) => jsonInput(rule, "eventPattern"));
}

describe("real-time repair on the API call (integration)", function () {
  this.timeout(120_000);
  let moto: MotoServer;
  before(async () => {
    moto = await startMoto();
  });
  after(async () => {
    await moto?.stop();
  });

  describe("an ingress rule opened to the internet", () => {
    let ec2: EC2Client;
    let run: ProgramRun;
    before(async () => {
      ec2 = new EC2Client({
        region: "eu-west-1",
        endpoint: moto.endpoint,
        credentials: CREDENTIALS,
      });
      run = await plan({ exposedPortsRemediation: "revoke" });
    });
    after(() => ec2.destroy());

    const exposedGroup = () => createExposedGroup(ec2, `web-${Date.now()}`);
    const ingress = (groupId: string) => ingressCidrs(ec2, groupId);
    /** CloudTrail's record of the call, for moto's group. */
    function callFor(groupId: string, file = "authorize-security-group-ingress.json") {
      const event = fixture<any>(`cloudtrail/${file}`);
      event.detail.requestParameters.groupId = groupId;
      for (const item of event.detail.responseElements?.securityGroupRuleSet?.items ?? []) {
        item.groupId = groupId;
      }
      return event;
    }

    it("matches the call as CloudTrail records it, and not a failed one or another call", () => {
      const [pattern] = patterns(run, "remediate-exposed-ports");
      assert.equal(
        matchesPattern(pattern, fixture("cloudtrail/authorize-security-group-ingress.json")),
        true,
      );
      assert.equal(
        matchesPattern(pattern, fixture("cloudtrail/authorize-security-group-ingress-flat.json")),
        true,
      );
      assert.equal(
        matchesPattern(pattern, fixture("cloudtrail/modify-security-group-rules.json")),
        true,
      );
      assert.equal(
        matchesPattern(pattern, fixture("cloudtrail/authorize-security-group-ingress-failed.json")),
        false,
      );
      for (const other of ["create-user.json", "detach-group-policy.json"]) {
        assert.equal(matchesPattern(pattern, fixture(`cloudtrail/${other}`)), false, other);
      }
    });

    it("revokes the internet's rule, keeps the private CIDR of the same call, and changes nothing on a replay", async () => {
      const groupId = await exposedGroup();
      const { code, variables } = deployed(run, "remediate-exposed-ports");
      const env = { ...variables, AWS_ENDPOINT_URL_EC2: moto.endpoint };
      const first = await invokeSerialized(code, callFor(groupId), env);
      assert.equal(first.error, undefined, `${first.stdout}\n${first.stderr}`);
      assert.deepEqual(
        (first.result as any).actions.map((a: any) => a.outcome),
        ["done"],
      );
      assert.deepEqual(await ingress(groupId), ["10.0.0.0/8"]);
      const replay = await invokeSerialized(code, callFor(groupId), env);
      assert.deepEqual((replay.result as any).actions, []);
      assert.deepEqual(await ingress(groupId), ["10.0.0.0/8"]);
    });

    it("leaves a group alone whose current state is compliant, whatever the call said", async () => {
      const { GroupId } = await ec2.send(
        new CreateSecurityGroupCommand({ GroupName: `private-${Date.now()}`, Description: "p" }),
      );
      await ec2.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId,
          IpPermissions: [
            { IpProtocol: "tcp", FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: "10.0.0.0/8" }] },
          ],
        }),
      );
      const { code, variables } = deployed(run, "remediate-exposed-ports");
      const outcome = await invokeSerialized(code, callFor(GroupId ?? ""), {
        ...variables,
        AWS_ENDPOINT_URL_EC2: moto.endpoint,
      });
      // Looked at (not skipped), and nothing to do.
      assert.equal((outcome.result as any).skipped, undefined);
      assert.equal((outcome.result as any).resourceId, GroupId);
      assert.deepEqual((outcome.result as any).actions, []);
      assert.deepEqual(await ingress(GroupId ?? ""), ["10.0.0.0/8"]);
    });
  });

  describe("a user taken out of the MFA group", () => {
    let iam: IAMClient;
    before(async () => {
      iam = new IAMClient({
        region: "us-east-1",
        endpoint: moto.endpoint,
        credentials: CREDENTIALS,
      });
      const { Policy } = await iam.send(
        new CreatePolicyCommand({
          PolicyName: "DenyActionWithoutMFA",
          PolicyDocument: JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Effect: "Deny", NotAction: "iam:ChangePassword", Resource: "*" }],
          }),
        }),
      );
      await iam.send(new CreateGroupCommand({ GroupName: "mfa-required" }));
      await iam.send(
        new AttachGroupPolicyCommand({ GroupName: "mfa-required", PolicyArn: Policy?.Arn }),
      );
    });
    after(() => iam.destroy());

    const members = async () =>
      ((await iam.send(new GetGroupCommand({ GroupName: "mfa-required" }))).Users ?? [])
        .map((user) => user.UserName)
        .sort();
    async function removedUser(name: string) {
      await iam.send(new CreateUserCommand({ UserName: name }));
      await iam.send(new AddUserToGroupCommand({ GroupName: "mfa-required", UserName: name }));
      await iam.send(new RemoveUserFromGroupCommand({ GroupName: "mfa-required", UserName: name }));
    }
    function removal(name: string, groupName = "mfa-required") {
      const event = fixture<any>("cloudtrail/remove-user-from-group.json");
      event.detail.requestParameters = { groupName, userName: name };
      return event;
    }
    async function repair(config: Record<string, unknown>, event: unknown) {
      const run = await plan(config);
      const { code, variables } = deployed(run, "remediate-mfa-policy");
      const outcome = await invokeSerialized(code, event, {
        ...variables,
        AWS_REGION: "us-east-1",
        AWS_ENDPOINT_URL_IAM: moto.endpoint,
      });
      assert.equal(outcome.error, undefined, `${outcome.stdout}\n${outcome.stderr}`);
      return { run, result: outcome.result as any };
    }

    it("matches removals from the enforcement group in any case, detachments of its policy, new users; nothing else", async () => {
      const run = await plan({ mfaRemediation: "enforce" });
      const matched = (event: unknown) =>
        patterns(run, "remediate-mfa-policy").some((p) => matchesPattern(p, event));
      assert.equal(matched(removal("alice")), true);
      assert.equal(matched(removal("alice", "MFA-Required")), true);
      assert.equal(matched(removal("alice", "developers")), false);
      assert.equal(matched(fixture("cloudtrail/create-user.json")), true);
      assert.equal(matched(fixture("cloudtrail/detach-user-policy.json")), true);
      const otherPolicy = fixture<any>("cloudtrail/detach-user-policy.json");
      otherPolicy.detail.requestParameters.policyArn = "arn:aws:iam::aws:policy/ReadOnlyAccess";
      assert.equal(matched(otherPolicy), false);
      assert.equal(matched(fixture("cloudtrail/detach-group-policy.json")), false);
      assert.equal(matched(fixture("cloudtrail/authorize-security-group-ingress.json")), false);
      // IAM's calls reach EventBridge in us-east-1 only: each pattern is also watched there.
      const forwarding = resourcesOfType(run, "aws:cloudwatch/eventRule:EventRule").filter((r) =>
        /^remediate-mfa-policy-api-call-\d+-forwarding$/.test(r.name),
      );
      assert.deepEqual(
        forwarding.map((r) => jsonInput(r, "eventPattern")),
        patterns(run, "remediate-mfa-policy"),
      );
      for (const rule of forwarding) assert.equal(rule.inputs.region, "us-east-1");
    });

    it("puts the user back in enforce mode, and a replay changes nothing", async () => {
      await removedUser("alice");
      const { result } = await repair({ mfaRemediation: "enforce" }, removal("alice"));
      assert.deepEqual(
        result.actions.map((a: any) => [a.action, a.outcome]),
        [["add-to-group", "done"]],
      );
      assert.ok((await members()).includes("alice"));
      const replay = await repair({ mfaRemediation: "enforce" }, removal("alice"));
      assert.deepEqual(
        replay.result.actions.map((a: any) => a.outcome),
        ["already-done"],
      );
    });

    it("repairs a user the CreateUser call names, by the name it records", async () => {
      await iam.send(new CreateUserCommand({ UserName: "new-hire" }));
      const created = fixture<any>("cloudtrail/create-user.json");
      created.detail.requestParameters.userName = "new-hire";
      const { result } = await repair({ mfaRemediation: "enforce" }, created);
      assert.deepEqual(
        result.actions.map((a: any) => [a.action, a.userName, a.outcome]),
        [["add-to-group", "new-hire", "done"]],
      );
      assert.ok((await members()).includes("new-hire"));
    });

    it("does nothing for a user deleted since the call", async () => {
      const { result } = await repair({ mfaRemediation: "enforce" }, removal("gone-since"));
      assert.deepEqual(
        result.actions.map((a: any) => a.action),
        ["none"],
      );
      assert.match(result.actions[0].reason, /no longer exists/);
    });

    it("only says what it would do in report mode", async () => {
      await removedUser("bob");
      const { result } = await repair({ mfaRemediation: "report" }, removal("bob"));
      assert.deepEqual(
        result.actions.map((a: any) => [a.action, a.outcome]),
        [["add-to-group", "reported"]],
      );
      assert.ok(!(await members()).includes("bob"));
    });

    it("changes nothing for an exempt user", async () => {
      await removedUser("break-glass");
      const { result } = await repair(
        { mfaRemediation: "enforce", exemptUsers: ["Break-Glass"] },
        removal("break-glass"),
      );
      assert.deepEqual(
        result.actions.map((a: any) => a.action),
        ["none"],
      );
      assert.ok(!(await members()).includes("break-glass"));
    });
  });
});
