/**
 * The member baseline template created as a stack on moto's CloudFormation, in the home region
 * and in another one. moto creates the IAM resources and skips the AWS Config ones (it warns):
 * what this proves is that CloudFormation's conditions, Fn::Sub and references resolve as the
 * template means them, and that the roles come out as the audit account's functions need them.
 */
import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStacksCommand,
} from "@aws-sdk/client-cloudformation";
import {
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListRolesCommand,
} from "@aws-sdk/client-iam";
import { strict as assert } from "assert";
import { parseSettings } from "../../config";
import { memberBaseline } from "../../organization/baseline";
import { MEMBER_ROLE_NAMES } from "../../functions/shared/member-roles";
import { MotoServer, startMoto } from "../helpers/moto";

const CREDENTIALS = { accessKeyId: "testing", secretAccessKey: "testing" };
/** moto's default account. */
const MEMBER = "123456789012";

describe("the member baseline on moto's CloudFormation (integration)", function () {
  this.timeout(60_000);
  let moto: MotoServer;
  let iam: IAMClient;
  const template = memberBaseline(
    parseSettings({
      deployment: "management",
      homeRegion: "eu-west-1",
      regions: ["eu-west-1", "us-east-1"],
      auditAccountId: "222233334444",
      organizationTargets: ["r-a1b2"],
      exposedPortsRemediation: "revoke",
    }),
  );

  async function createIn(region: string): Promise<string | undefined> {
    const cloudFormation = new CloudFormationClient({
      region,
      endpoint: moto.endpoint,
      credentials: CREDENTIALS,
      maxAttempts: 1,
    });
    try {
      await cloudFormation.send(
        new CreateStackCommand({
          StackName: "guardrails-member-baseline",
          TemplateBody: JSON.stringify(template),
          Capabilities: ["CAPABILITY_NAMED_IAM"],
        }),
      );
      const described = await cloudFormation.send(
        new DescribeStacksCommand({ StackName: "guardrails-member-baseline" }),
      );
      return described.Stacks?.[0]?.StackStatus;
    } finally {
      cloudFormation.destroy();
    }
  }

  before(async function () {
    this.timeout(60_000);
    moto = await startMoto();
    iam = new IAMClient({
      region: "us-east-1",
      endpoint: moto.endpoint,
      credentials: CREDENTIALS,
      maxAttempts: 1,
    });
  });
  after(async () => {
    iam?.destroy();
    await moto?.stop();
  });

  it("creates no member role outside the home region, only that region's recorder and forwarding roles", async () => {
    assert.equal(await createIn("us-east-1"), "CREATE_COMPLETE");
    const roles = (await iam.send(new ListRolesCommand({}))).Roles ?? [];
    assert.deepEqual(
      roles
        .map((role) => role.RoleName)
        .filter((name) => name?.startsWith("guardrails-"))
        .sort(),
      [`${MEMBER_ROLE_NAMES.recorder}-us-east-1`, `${MEMBER_ROLE_NAMES.forwarding}-us-east-1`],
      "only that region's regional roles",
    );
  });

  it("creates the member roles in the home region, trusting the audit account's role paths", async () => {
    assert.equal(await createIn("eu-west-1"), "CREATE_COMPLETE");
    const evaluation = await iam.send(
      new GetRoleCommand({ RoleName: MEMBER_ROLE_NAMES.evaluation }),
    );
    const trust = JSON.parse(decodeURIComponent(evaluation.Role?.AssumeRolePolicyDocument ?? ""));
    assert.deepEqual(trust.Statement[0].Principal, { AWS: "arn:aws:iam::222233334444:root" });
    assert.deepEqual(trust.Statement[0].Condition, {
      ArnLike: { "aws:PrincipalArn": "arn:aws:iam::222233334444:role/guardrails/evaluation/*" },
    });
    const inline = await iam.send(
      new GetRolePolicyCommand({
        RoleName: MEMBER_ROLE_NAMES.evaluation,
        PolicyName: "rule-functions",
      }),
    );
    // moto hands back an inline policy from CloudFormation in Python's notation, not JSON: the
    // actions are looked for in the text.
    const inlineText = decodeURIComponent(inline.PolicyDocument ?? "");
    for (const action of [
      "config:PutEvaluations",
      "iam:GetCredentialReport",
      "ec2:DescribeSecurityGroups",
    ]) {
      assert.ok(inlineText.includes(action), `${action} in ${inlineText}`);
    }
    const remediation = await iam.send(
      new GetRoleCommand({ RoleName: MEMBER_ROLE_NAMES.remediation }),
    );
    assert.match(
      decodeURIComponent(remediation.Role?.AssumeRolePolicyDocument ?? ""),
      /role\/guardrails\/remediation\/\*/,
    );
    await iam.send(new GetRoleCommand({ RoleName: `${MEMBER_ROLE_NAMES.recorder}-eu-west-1` }));
  });

  it("creates the MFA policy with the member's own ARNs its policy variables intact", async () => {
    const arn = `arn:aws:iam::${MEMBER}:policy/DenyActionWithoutMFA`;
    const policy = await iam.send(new GetPolicyCommand({ PolicyArn: arn }));
    const version = await iam.send(
      new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: policy.Policy?.DefaultVersionId }),
    );
    const text = decodeURIComponent(version.PolicyVersion?.Document ?? "");
    assert.match(text, new RegExp(`arn:aws:iam::${MEMBER}:user/\\$\\{aws:username\\}`));
    assert.ok(!text.includes("000000000000"), "no placeholder account left");
    assert.ok(!text.includes("${!"), "Fn::Sub's escapes resolved");
    // (moto's CloudFormation does not create AWS::IAM::Group; the specification check covers it.)
  });
});
