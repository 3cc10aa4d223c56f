/**
 * Exempt users on the deployed path: the program under mocks -> the rule's InputParameters or
 * the function's environment -> the serialized handler run as uploaded, and the offline
 * evaluation against the handlers on the same account. IAM user names may hold commas and are
 * unique regardless of case, so `ops,team` is one user and `Readonly.Auditor` names
 * `readonly.auditor`.
 */
import {
  AttachGroupPolicyCommand,
  CreateGroupCommand,
  CreatePolicyCommand,
  CreateUserCommand,
  GenerateCredentialReportCommand,
  GetAccountAuthorizationDetailsCommand,
  GetCredentialReportCommand,
  IAMClient,
  ListGroupsForUserCommand,
  ListUsersCommand,
} from "@aws-sdk/client-iam";
import { ConfigServiceClient, PutEvaluationsCommand } from "@aws-sdk/client-config-service";
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ConfigError, parseSettings } from "../config";
import { createHandler as createInactiveUsers } from "../functions/rules/iam-inactive-users/handler";
import { createHandler as createOneActiveKey } from "../functions/rules/iam-user-one-active-key/handler";
import { createHandler as createMfaPolicy } from "../functions/rules/mfa-policy-attached/handler";
import { MFA_POLICY_PARAMETERS } from "../functions/rules/mfa-policy-attached/parameters";
import { MOCK_ACCOUNT_ID, ProgramRun } from "../offline/mock-runtime";
import { evaluateSnapshot } from "../offline/evaluate";
import { readSnapshot } from "../offline/snapshot";
import { DEMO_SNAPSHOT } from "../offline/main";
import { ConfigListener, startConfigListener } from "./helpers/config-listener";
import { configEvent, fixture } from "./helpers/fixtures";
import { invokeSerialized } from "./helpers/lambda-process";
import { MotoServer, startMoto } from "./helpers/moto";
import { buildStack, only, within } from "./helpers/program";
import { mockClient } from "aws-sdk-client-mock";

const EXEMPT_USERS = ["ops,team", "Readonly.Auditor", "ci-deployer"];

function ruleOf(run: ProgramRun, rule: string) {
  const component = within(run, "guardrails:index:CustomConfigRule", rule);
  return {
    inputParameters: only(component, "aws:cfg/rule:Rule").inputs.inputParameters as string,
    code: uploaded(only(component, "aws:lambda/function:Function")),
  };
}

function remediationOf(run: ProgramRun, remediation: string) {
  const fn = only(
    within(run, "guardrails:index:RemediationFunction", remediation),
    "aws:lambda/function:Function",
  );
  return {
    variables: (fn.inputs.environment as any).variables as Record<string, string>,
    code: uploaded(fn),
  };
}

function uploaded(fn: { inputs: Record<string, unknown> }): string {
  return (fn.inputs.code as any).__archive["__index.js"].text;
}

/** A user's change notification: the fixture, renamed, in no group (judged from the item). */
function userChange(userName: string, userId: string, ruleParameters: string) {
  return configEvent("iam-user-change", {
    ruleParameters,
    invoking: (invoking) => {
      const item = invoking.configurationItem;
      item.resourceId = item.configuration.userId = userId;
      item.resourceName = item.configuration.userName = userName;
      item.ARN = item.configuration.arn = `arn:aws:iam::${MOCK_ACCOUNT_ID}:user/${userName}`;
      item.configuration.groupList = [];
      item.relationships = [];
    },
  });
}

describe("exempt users on the deployed path", function () {
  this.timeout(90_000);
  let run: ProgramRun;

  before(async () => {
    run = await buildStack({
      exemptUsers: EXEMPT_USERS,
      mfaRemediation: "enforce",
      accessKeyRemediation: "deactivate",
    });
  });

  describe("mfa-policy-attached, as uploaded, with its planned InputParameters", () => {
    let listener: ConfigListener;
    before(async () => {
      listener = await startConfigListener();
    });
    after(() => listener.stop());

    const users: Array<[string, string, string, string]> = [
      ["ops,team", "AIDAOPSTEAM0000000001", "COMPLIANT", "ops,team is exempt (exemptUsers)."],
      [
        "ops",
        "AIDAOPS00000000000002",
        "NON_COMPLIANT",
        "DenyActionWithoutMFA is not attached to ops.",
      ],
      [
        "team",
        "AIDATEAM0000000000003",
        "NON_COMPLIANT",
        "DenyActionWithoutMFA is not attached to team.",
      ],
      // IAM names are unique regardless of case: the exemption of Readonly.Auditor is this user's.
      [
        "readonly.auditor",
        "AIDAREADONLY000000004",
        "COMPLIANT",
        "readonly.auditor is exempt (exemptUsers).",
      ],
    ];
    for (const [userName, userId, compliance, annotation] of users) {
      it(`judges ${userName} ${compliance}`, async () => {
        listener.clear();
        const rule = ruleOf(run, "mfa-policy-attached");
        const outcome = await invokeSerialized(
          rule.code,
          userChange(userName, userId, rule.inputParameters),
          { AWS_ENDPOINT_URL: listener.endpoint },
        );
        assert.equal(outcome.error, undefined, `${outcome.stdout}\n${outcome.stderr}`);
        assert.deepEqual(
          listener
            .evaluations()
            .map((e) => [e.ComplianceResourceId, e.ComplianceType, e.Annotation]),
          [[userId, compliance, annotation]],
        );
      });
    }
  });

  describe("the remediations, as uploaded, with their planned environment, against moto", () => {
    let moto: MotoServer;
    let iam: IAMClient;
    const ids = new Map<string, string>();

    before(async function () {
      moto = await startMoto();
      iam = new IAMClient({
        endpoint: moto.endpoint,
        region: "us-east-1",
        credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
      });
      // The policy and group the plan names, as `pulumi up` would have created them.
      await iam.send(
        new CreatePolicyCommand({
          PolicyName: "DenyActionWithoutMFA",
          PolicyDocument: JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Effect: "Deny", Action: "s3:*", Resource: "*" }],
          }),
        }),
      );
      await iam.send(new CreateGroupCommand({ GroupName: "mfa-required" }));
      await iam.send(
        new AttachGroupPolicyCommand({
          GroupName: "mfa-required",
          PolicyArn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:policy/DenyActionWithoutMFA`,
        }),
      );
      for (const userName of ["ops,team", "ops", "team", "readonly.auditor"]) {
        const { User } = await iam.send(new CreateUserCommand({ UserName: userName }));
        ids.set(userName, User?.UserId ?? "");
      }
    });
    after(() => moto?.stop());

    const change = (rule: string, userName: string) => {
      const event = fixture("config-events/compliance-change-notification.json");
      event.detail.configRuleName = rule;
      event.detail.resourceType = "AWS::IAM::User";
      event.detail.resourceId = ids.get(userName);
      return event;
    };
    const invoke = (remediation: string, event: unknown) => {
      const { code, variables } = remediationOf(run, remediation);
      return invokeSerialized(code, event, { ...variables, AWS_ENDPOINT_URL: moto.endpoint });
    };
    const groupsOf = async (userName: string) =>
      ((await iam.send(new ListGroupsForUserCommand({ UserName: userName }))).Groups ?? []).map(
        (group) => group.GroupName,
      );

    it("remediate-mfa-policy puts ops and team under the policy, and no exempt user", async () => {
      for (const userName of ["ops,team", "ops", "team", "readonly.auditor"]) {
        const outcome = await invoke(
          "remediate-mfa-policy",
          change("mfa-policy-attached", userName),
        );
        assert.equal(outcome.error, undefined, `${outcome.stdout}\n${outcome.stderr}`);
      }
      assert.deepEqual(await groupsOf("ops"), ["mfa-required"]);
      assert.deepEqual(await groupsOf("team"), ["mfa-required"]);
      assert.deepEqual(await groupsOf("ops,team"), []);
      assert.deepEqual(await groupsOf("readonly.auditor"), []);
    });

    it("remediate-access-keys skips exactly the exempt users", async () => {
      const reasons: Record<string, unknown> = {};
      for (const userName of ["ops,team", "ops", "readonly.auditor"]) {
        const outcome = await invoke(
          "remediate-access-keys",
          change("access-keys-rotated", userName),
        );
        assert.equal(outcome.error, undefined, `${outcome.stdout}\n${outcome.stderr}`);
        reasons[userName] = (outcome.result as any).actions.map((action: any) => action.reason);
      }
      // ops has no key old enough to deactivate: nothing to do, but not because it is exempt.
      assert.deepEqual(reasons, {
        "ops,team": ["exempt (exemptUsers)"],
        ops: [],
        "readonly.auditor": ["exempt (exemptUsers)"],
      });
    });
  });

  describe("InputParameters within AWS Config's 1024 characters", () => {
    const names = (count: number, length: number) =>
      Array.from({ length: count }, (_, index) => `u${String(index).padStart(length - 1, "0")}`);

    it("refuses, before anything is deployed, settings whose parameters would not fit", async () => {
      // 128 + 850 characters: valid one by one, 1,044 characters of InputParameters joined by
      // commas, more as JSON. `pulumi up` would fail on the rule itself.
      const exemptUsers = names(85, 9);
      assert.equal(exemptUsers.join(",").length, 849);
      await assert.rejects(
        buildStack({ mfaPolicyName: "P".repeat(128), exemptUsers }),
        (error: unknown) => {
          assert.ok(error instanceof ConfigError);
          assert.match(
            error.problems.join("\n"),
            /guardrails:evaluationRefreshDays, guardrails:exemptUsers, guardrails:mfaPolicyName: the InputParameters of the rule mfa-policy-attached would be [\d,]+ characters \(AWS Config's limit\); expected at most 1,024\./,
          );
          return true;
        },
      );
    });

    it("plans parameters that fit when the settings pass, and the rule's codec reads them back", async () => {
      // The longest list the check lets through for this policy name: one more name fails.
      let count = 1;
      const settings = (n: number) => ({
        mfaPolicyName: "P".repeat(128),
        exemptUsers: names(n, 9),
      });
      while (fits(settings(count + 1))) count++;
      assert.ok(!fits(settings(count + 1)));
      const fitting = await buildStack(settings(count));
      const { inputParameters } = ruleOf(fitting, "mfa-policy-attached");
      assert.ok(inputParameters.length <= 1024, `${inputParameters.length} characters`);
      assert.deepEqual(
        MFA_POLICY_PARAMETERS.decode(JSON.parse(inputParameters)).exemptUsers,
        names(count, 9),
      );
    });

    function fits(config: Record<string, unknown>): boolean {
      try {
        parseSettings(config);
        return true;
      } catch (error) {
        if (error instanceof ConfigError) return false;
        throw error;
      }
    }
  });
});

describe("npm start and the deployed handlers agree on exempt users", () => {
  const exemptUsers = ["ops,team", "Readonly.Auditor"];
  let dir: string;

  before(() => {
    // The demo account plus users whose names a comma-joined list or a case-sensitive match
    // would misjudge, each in the authorization details and the credential report.
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "snapshot-"));
    for (const file of fs.readdirSync(DEMO_SNAPSHOT)) {
      fs.copyFileSync(path.join(DEMO_SNAPSHOT, file), path.join(dir, file));
    }
    const details = JSON.parse(
      fs.readFileSync(path.join(dir, "authorization-details.json"), "utf8"),
    );
    const report = JSON.parse(fs.readFileSync(path.join(dir, "credential-report.json"), "utf8"));
    let csv = Buffer.from(report.Content, "base64").toString("utf8").trimEnd();
    const columns = csv.split("\n")[0]?.split(",") ?? [];
    const account = details.UserDetailList[0].Arn.split(":")[4];
    ["ops,team", "ops", "team", "readonly.auditor"].forEach((userName, index) => {
      const arn = `arn:aws:iam::${account}:user/${userName}`;
      details.UserDetailList.push({
        Path: "/",
        UserName: userName,
        UserId: `AIDAEXEMPTCASE00000${index}`,
        Arn: arn,
        CreateDate: "2024-01-10T09:00:00+00:00",
        UserPolicyList: [],
        GroupList: [],
        AttachedManagedPolicies: [],
      });
      // Never used, created long ago: inactive unless exempt; two active keys, too many
      // unless exempt. Unquoted, as IAM writes names.
      const given: Record<string, string> = {
        user: userName,
        arn,
        user_creation_time: "2024-01-10T09:00:00+00:00",
        password_enabled: "false",
        access_key_1_active: "true",
        access_key_2_active: "true",
      };
      const row = columns.map(
        (column) => given[column] ?? (column.endsWith("_active") ? "false" : "N/A"),
      );
      csv += `\n${row.join(",")}`;
    });
    fs.writeFileSync(path.join(dir, "authorization-details.json"), JSON.stringify(details));
    report.Content = Buffer.from(`${csv}\n`).toString("base64");
    fs.writeFileSync(path.join(dir, "credential-report.json"), JSON.stringify(report));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const handlers = {
    "mfa-policy-attached": createMfaPolicy,
    "iam-inactive-users": createInactiveUsers,
    "iam-user-one-active-key": createOneActiveKey,
  };
  for (const [rule, createHandler] of Object.entries(handlers)) {
    it(`${rule}: the same verdict for every user`, async () => {
      const snapshot = readSnapshot(dir);
      const settings = parseSettings({ exemptUsers, ruleSets: ["guardrails", "cis-foundations"] });
      const offline = evaluateSnapshot(snapshot, settings)
        .filter((verdict) => verdict.rule === rule)
        .map((v) => [v.resourceId, v.compliance, v.annotation]);

      // The handler on a scheduled run, its IAM answering with the snapshot's own data, its
      // parameters those the program plans for the same settings.
      const run = await buildStack({ exemptUsers, ruleSets: ["guardrails", "cis-foundations"] });
      const { inputParameters } = ruleOf(run, rule);
      const parameters = JSON.parse(inputParameters);
      // The very files npm start read, as IAM would answer.
      const details = JSON.parse(
        fs.readFileSync(path.join(dir, "authorization-details.json"), "utf8"),
      );
      const exported = JSON.parse(
        fs.readFileSync(path.join(dir, "credential-report.json"), "utf8"),
      );
      if (rule === "mfa-policy-attached") {
        // The snapshot's account, not the mock's: the same policy, by the same name.
        parameters.policyArn = `arn:aws:iam::${snapshot.account.accountId}:policy/DenyActionWithoutMFA`;
      }
      const aws = { iam: mockClient(IAMClient), config: mockClient(ConfigServiceClient) };
      try {
        aws.iam.on(GetAccountAuthorizationDetailsCommand).resolves(details);
        aws.iam.on(ListUsersCommand).resolves({
          Users: details.UserDetailList.map((user: any) => ({
            UserName: user.UserName ?? "",
            UserId: user.UserId ?? "",
            Arn: user.Arn ?? "",
            Path: "/",
            CreateDate: new Date(user.CreateDate ?? ""),
          })),
        });
        aws.iam.on(GenerateCredentialReportCommand).resolves({ State: "COMPLETE" });
        aws.iam.on(GetCredentialReportCommand).resolves({
          Content: Buffer.from(exported.Content, "base64"),
          ReportFormat: "text/csv",
          GeneratedTime: new Date(exported.GeneratedTime),
        });
        aws.config.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [] });
        const dependencies = {
          iam: new IAMClient({}),
          config: new ConfigServiceClient({}),
          now: () => snapshot.generatedTime,
          log: () => undefined,
        };
        const handler = createHandler(dependencies);
        await handler(configEvent("scheduled", { ruleParameters: JSON.stringify(parameters) }), {
          getRemainingTimeInMillis: () => 240_000,
        });
        const deployed = aws.config
          .commandCalls(PutEvaluationsCommand)
          .flatMap((call) => call.args[0].input.Evaluations ?? [])
          .map((e) => [e.ComplianceResourceId, e.ComplianceType, e.Annotation]);
        assert.ok(deployed.length >= 12, `${deployed.length} evaluations`);
        assert.deepEqual(deployed, offline);
        const exempt = offline.filter(([, , annotation]) => /is exempt/.test(String(annotation)));
        assert.deepEqual(
          exempt.map(([, , annotation]) => String(annotation).split(" ")[0]),
          ["ops,team", "readonly.auditor"],
        );
      } finally {
        aws.iam.restore();
        aws.config.restore();
      }
    });
  }
});
