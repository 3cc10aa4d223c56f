import { strict as assert } from "assert";
import type { EvaluationResult } from "@cloud-copilot/iam-simulate";
import {
  MfaEnforcement,
  MfaEnforcementArgs,
  MfaPolicyArgsError,
  mfaPolicyDocument,
} from "../../components/mfa-policy";
import { MOCK_ACCOUNT_ID, ProgramRun, runProgram } from "../../offline/mock-runtime";
import { isKnownAction, simulate } from "../helpers/iam-simulator";
import { jsonInput, only, within } from "../helpers/program";

const COMPONENT = "guardrails:index:MfaEnforcement";
const POLICY = "aws:iam/policy:Policy";
const GROUP = "aws:iam/group:Group";
const ATTACHMENT = "aws:iam/groupPolicyAttachment:GroupPolicyAttachment";

const ACCOUNT = MOCK_ACCOUNT_ID;
const THIS_POLICY = `arn:aws:iam::${ACCOUNT}:policy/RequireMFA`;

/** The stack does not create the component by itself yet: run it alone under the same mocks. */
async function buildMfaEnforcement(args: MfaEnforcementArgs): Promise<ProgramRun> {
  const run = await runProgram(
    () => {
      const mfa = new MfaEnforcement("mfa", args);
      return { policyArn: mfa.policyArn, policyName: mfa.policyName, groupName: mfa.groupName };
    },
    { project: "guardrails", stack: "test", config: {} },
  );
  return { ...within(run, COMPONENT), outputs: run.outputs };
}

describe("MfaEnforcement", () => {
  let run: ProgramRun;
  before(async () => {
    run = await buildMfaEnforcement({
      policyName: "RequireMFA",
      groupName: "mfa-required",
      tags: { Owner: "platform-team" },
    });
  });

  it("creates exactly the policy, the group and the attachment between them", () => {
    assert.deepEqual(run.resources.map((r) => r.type).sort(), [POLICY, ATTACHMENT, GROUP].sort());
  });

  it("names the policy and the group as configured, at the root path", () => {
    const policy = only(run, POLICY);
    assert.equal(policy.inputs.name, "RequireMFA");
    assert.equal(policy.inputs.path, "/");
    assert.deepEqual(policy.inputs.tags, { Owner: "platform-team" });
    const group = only(run, GROUP);
    assert.equal(group.inputs.name, "mfa-required");
    assert.equal(group.inputs.path, "/");
  });

  it("attaches the policy it created to the group it created", () => {
    const attachment = only(run, ATTACHMENT);
    assert.equal(attachment.inputs.group, "mfa-required");
    assert.equal(attachment.inputs.policyArn, run.outputs.policyArn);
    assert.ok(attachment.dependencies.includes(only(run, POLICY).urn), "waits for the policy");
    assert.ok(attachment.dependencies.includes(only(run, GROUP).urn), "waits for the group");
  });

  it("exports the policy's ARN (the resource's own attribute), its name and the group's", () => {
    // The mocks derive ARNs from logical names; AWS from the name: either way it is the policy's.
    assert.match(String(run.outputs.policyArn), new RegExp(`^arn:aws:iam::${ACCOUNT}:policy/`));
    assert.equal(run.outputs.policyName, "RequireMFA");
    assert.equal(run.outputs.groupName, "mfa-required");
  });

  it("deploys the document of mfaPolicyDocument for this account and partition", () => {
    assert.deepEqual(
      jsonInput(only(run, POLICY), "policy"),
      mfaPolicyDocument({ policyName: "RequireMFA", accountId: ACCOUNT, partition: "aws" }),
    );
  });

  it("protects its own ARN, built from the configured name, against detaching and editing", () => {
    const statements = jsonInput(only(run, POLICY), "policy").Statement;
    const bySid = (sid: string) => statements.find((s: any) => s.Sid === sid);
    assert.deepEqual(bySid("DenyDetachOthersPolicy"), {
      Sid: "DenyDetachOthersPolicy",
      Effect: "Deny",
      Action: ["iam:DetachUserPolicy", "iam:DetachGroupPolicy", "iam:DetachRolePolicy"],
      NotResource: `arn:aws:iam::${ACCOUNT}:user/\${aws:username}`,
      Condition: { ArnEquals: { "iam:PolicyARN": THIS_POLICY } },
    });
    assert.deepEqual(bySid("DenyDeleteAndChangePolicy"), {
      Sid: "DenyDeleteAndChangePolicy",
      Effect: "Deny",
      Action: [
        "iam:CreatePolicyVersion",
        "iam:DeletePolicyVersion",
        "iam:SetDefaultPolicyVersion",
        "iam:DeletePolicy",
      ],
      Resource: THIS_POLICY,
    });
  });

  it("hard-codes neither the seed's policy name nor its wildcard account", () => {
    const text = String(only(run, POLICY).inputs.policy);
    assert.doesNotMatch(text, /DenyActionWithoutMFA/);
    assert.doesNotMatch(text, /iam::\*:/);
  });

  it("keeps ${aws:username} a policy variable for IAM to fill in", () => {
    const statements = jsonInput(only(run, POLICY), "policy").Statement;
    const own = statements.find((s: any) => s.Sid === "AllowManageOwnVirtualMFADevice");
    assert.equal(own.Resource, `arn:aws:iam::${ACCOUNT}:mfa/\${aws:username}`);
  });
});

describe("mfaPolicyDocument", () => {
  it("has the seed's statements plus the guard of others' credentials, each with its Sid", () => {
    const sids = mfaPolicyDocument({ policyName: "P", accountId: ACCOUNT }).Statement.map(
      (s) => s.Sid,
    );
    assert.deepEqual(sids, [
      "DenyDetachOthersPolicy",
      "DenyDeleteAndChangePolicy",
      "AllowViewAccountInfo",
      "AllowManageOwnPasswords",
      "AllowManageOwnAccessKeys",
      "AllowManageOwnSigningCertificates",
      "AllowManageOwnSSHPublicKeys",
      "AllowManageOwnGitCredentials",
      "AllowManageOwnVirtualMFADevice",
      "AllowManageOwnUserMFA",
      "DenyAllExceptListIfNoMFAOrGreaterThanTime",
      "DenyOthersCredentialsWithoutMFA",
    ]);
  });

  it("builds every ARN in the account's partition", () => {
    const text = JSON.stringify(
      mfaPolicyDocument({ policyName: "P", accountId: ACCOUNT, partition: "aws-cn" }),
    );
    assert.doesNotMatch(text, /arn:aws:/);
    assert.match(text, /"arn:aws-cn:iam::123456789012:policy\/P"/);
  });

  it("names only actions that AWS has (a typo would silently match nothing)", async () => {
    const named = mfaPolicyDocument({ policyName: "P", accountId: ACCOUNT }).Statement.flatMap(
      (s) => [s.Action ?? [], s.NotAction ?? []].flat(),
    );
    const unknown: string[] = [];
    for (const action of new Set(named)) if (!(await isKnownAction(action))) unknown.push(action);
    assert.deepEqual(unknown, []);
    assert.equal(await isKnownAction("iam:ResyncMfaDevices"), false, "the check can fail");
  });

  it("fits IAM's 6,144 characters for a managed policy, even with a 128-character name", () => {
    const longest = mfaPolicyDocument({
      policyName: "P".repeat(128),
      accountId: ACCOUNT,
      partition: "aws-us-gov",
    });
    // IAM counts the document without whitespace, which is how JSON.stringify writes it.
    assert.ok(JSON.stringify(longest).length <= 6144);
  });

  it("refuses arguments that would put a wrong ARN into the policy, naming each", () => {
    assert.throws(
      () => mfaPolicyDocument({ policyName: "Deny*", accountId: "12345", partition: "amazon" }),
      (error: unknown) => {
        assert.ok(error instanceof MfaPolicyArgsError);
        assert.equal(error.name, "MfaPolicyArgsError");
        assert.deepEqual(error.problems, [
          'policyName "Deny*" is not an IAM policy name (1-128 letters, digits or +=,.@_-)',
          'accountId "12345" is not a 12-digit AWS account id',
          'partition "amazon" is not an AWS partition such as "aws" or "aws-cn"',
        ]);
        return true;
      },
    );
  });
});

describe("the MFA policy, as IAM decides (iam-simulate)", () => {
  const MFA_POLICY = {
    name: "RequireMFA",
    policy: mfaPolicyDocument({ policyName: "RequireMFA", accountId: ACCOUNT }),
  };
  // Stands for AdministratorAccess: the policy must hold against an allow-everything policy.
  const ADMINISTRATOR = {
    name: "AdministratorAccess",
    policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] },
  };
  const POLICIES = { admin: [MFA_POLICY, ADMINISTRATOR], alone: [MFA_POLICY] };

  /** What IAM puts in the request context for each way of signing in. */
  interface Session {
    label: string;
    context: Record<string, string>;
  }
  const CONSOLE_NO_MFA: Session = {
    label: "console without MFA",
    context: { "aws:MultiFactorAuthPresent": "false" },
  };
  // Long-term access keys carry neither MFA key.
  const ACCESS_KEY: Session = { label: "access key", context: {} };
  const mfaAge = (seconds: number): Session => ({
    label: `MFA ${seconds}s old`,
    context: { "aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": String(seconds) },
  });
  /** A Detach*Policy call: IAM adds the policy being detached to the context. */
  const detaching = (session: Session, policyArn: string): Session => ({
    label: `${session.label}, detaching ${policyArn.split("/").pop()}`,
    context: { ...session.context, "iam:PolicyARN": policyArn },
  });

  const NO_MFA = CONSOLE_NO_MFA;
  const FRESH = mfaAge(300);
  const READ_ONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess";
  const user = (name: string) => `arn:aws:iam::${ACCOUNT}:user/${name}`;
  const device = (name: string) => `arn:aws:iam::${ACCOUNT}:mfa/${name}`;
  const group = `arn:aws:iam::${ACCOUNT}:group/mfa-required`;
  const role = `arn:aws:iam::${ACCOUNT}:role/deploy`;
  const bucket = "arn:aws:s3:::alice-reports";

  const ALLOWED: EvaluationResult = "Allowed";
  const DENIED: EvaluationResult = "ExplicitlyDenied";
  const IMPLICIT: EvaluationResult = "ImplicitlyDenied";
  // The deny statements, by Sid.
  const MFA = "DenyAllExceptListIfNoMFAOrGreaterThanTime";
  const OTHERS = "DenyOthersCredentialsWithoutMFA";
  const DETACH = "DenyDetachOthersPolicy";
  const EDIT = "DenyDeleteAndChangePolicy";

  type Case = [
    policies: keyof typeof POLICIES,
    session: Session,
    action: string,
    resource: string,
    expected: EvaluationResult,
    deniedBy: string[],
  ];

  // Alice, an administrator, carries the MFA policy. One case per line.
  // prettier-ignore
  const CASES: Case[] = [
    // Without MFA nothing works but her own MFA and password set-up...
    ["admin", NO_MFA,     "s3:ListAllMyBuckets",         "*",                   DENIED,   [MFA]],
    ["admin", NO_MFA,     "ec2:DescribeInstances",       "*",                   DENIED,   [MFA]],
    ["admin", NO_MFA,     "s3:ListBucket",               bucket,                DENIED,   [MFA]],
    ["admin", ACCESS_KEY, "s3:ListBucket",               bucket,                DENIED,   [MFA]],
    ["admin", NO_MFA,     "iam:ListUsers",               "*",                   DENIED,   [MFA]],
    ["admin", NO_MFA,     "iam:CreateAccessKey",         user("alice"),         DENIED,   [MFA]],
    ["admin", NO_MFA,     "iam:DeleteVirtualMFADevice",  device("alice"),       DENIED,   [MFA]],
    ["admin", NO_MFA,     "iam:CreateVirtualMFADevice",  device("alice"),       ALLOWED,  []],
    ["admin", NO_MFA,     "iam:EnableMFADevice",         user("alice"),         ALLOWED,  []],
    ["admin", NO_MFA,     "iam:ChangePassword",          user("alice"),         ALLOWED,  []],
    ["admin", NO_MFA,     "iam:GetAccountPasswordPolicy", "*",                  ALLOWED,  []],
    ["admin", ACCESS_KEY, "sts:GetSessionToken",         "*",                   ALLOWED,  []],
    // ...and none of it on anybody else (the seed allowed these to an administrator).
    ["admin", NO_MFA,     "iam:EnableMFADevice",         user("bob"),           DENIED,   [OTHERS]],
    ["admin", NO_MFA,     "iam:CreateVirtualMFADevice",  device("bob"),         DENIED,   [OTHERS]],
    ["admin", NO_MFA,     "iam:UpdateLoginProfile",      user("bob"),           DENIED,   [OTHERS]],
    ["admin", NO_MFA,     "iam:CreateLoginProfile",      user("ci-deployer"),   DENIED,   [OTHERS]],
    // With MFA up to an hour old the policy denies nothing of that...
    ["admin", FRESH,      "s3:ListAllMyBuckets",         "*",                   ALLOWED,  []],
    ["admin", FRESH,      "ec2:DescribeInstances",       "*",                   ALLOWED,  []],
    ["admin", FRESH,      "s3:ListBucket",               bucket,                ALLOWED,  []],
    ["admin", mfaAge(3600), "s3:ListBucket",             bucket,                ALLOWED,  []],
    ["admin", FRESH,      "iam:EnableMFADevice",         user("bob"),           ALLOWED,  []],
    // ...after that it denies again (NumericGreaterThanIfExists aws:MultiFactorAuthAge 3600).
    ["admin", mfaAge(3601), "s3:ListBucket",             bucket,                DENIED,   [MFA]],
    ["admin", mfaAge(7200), "s3:ListAllMyBuckets",       "*",                   DENIED,   [MFA]],
    ["admin", mfaAge(7200), "ec2:DescribeInstances",     "*",                   DENIED,   [MFA]],
    ["admin", mfaAge(7200), "iam:ResyncMFADevice",       user("alice"),         ALLOWED,  []],
    // Even with fresh MFA the policy cannot be detached from others, edited or deleted...
    ["admin", detaching(FRESH, THIS_POLICY),  "iam:DetachUserPolicy",  user("bob"),   DENIED,  [DETACH]],
    ["admin", detaching(FRESH, THIS_POLICY),  "iam:DetachGroupPolicy", group,         DENIED,  [DETACH]],
    ["admin", detaching(FRESH, THIS_POLICY),  "iam:DetachRolePolicy",  role,          DENIED,  [DETACH]],
    ["admin", detaching(NO_MFA, THIS_POLICY), "iam:DetachUserPolicy",  user("bob"),   DENIED,  [DETACH, MFA]],
    ["admin", FRESH,      "iam:DeletePolicy",            THIS_POLICY,           DENIED,   [EDIT]],
    ["admin", FRESH,      "iam:CreatePolicyVersion",     THIS_POLICY,           DENIED,   [EDIT]],
    ["admin", FRESH,      "iam:DeletePolicyVersion",     THIS_POLICY,           DENIED,   [EDIT]],
    ["admin", FRESH,      "iam:SetDefaultPolicyVersion", THIS_POLICY,           DENIED,   [EDIT]],
    // ...while other policies stay hers to manage, and she may drop it from herself (the seed's
    // emergency exit, which the Config rule's remediation undoes).
    ["admin", detaching(FRESH, READ_ONLY),    "iam:DetachUserPolicy",  user("bob"),   ALLOWED, []],
    ["admin", detaching(FRESH, READ_ONLY),    "iam:DetachGroupPolicy", group,         ALLOWED, []],
    ["admin", detaching(FRESH, THIS_POLICY),  "iam:DetachUserPolicy",  user("alice"), ALLOWED, []],
    ["admin", FRESH,      "iam:DeletePolicy",  `arn:aws:iam::${ACCOUNT}:policy/DenyActionWithoutMFA`, ALLOWED, []],
    // Alone, the policy grants self-service and nothing more.
    ["alone", NO_MFA,     "iam:CreateVirtualMFADevice",  device("alice"),       ALLOWED,  []],
    ["alone", NO_MFA,     "iam:EnableMFADevice",         user("alice"),         ALLOWED,  []],
    ["alone", NO_MFA,     "iam:EnableMFADevice",         user("bob"),           DENIED,   [OTHERS]],
    ["alone", FRESH,      "iam:CreateAccessKey",         user("alice"),         ALLOWED,  []],
    ["alone", FRESH,      "iam:CreateAccessKey",         user("bob"),           IMPLICIT, []],
    ["alone", FRESH,      "s3:ListBucket",               bucket,                IMPLICIT, []],
  ];

  for (const [policies, session, action, resource, expected, deniedBy] of CASES) {
    it(`${policies}, ${session.label}: ${action} on ${resource} is ${expected}`, async () => {
      const decision = await simulate(POLICIES[policies], {
        principal: user("alice"),
        action,
        resource,
        context: { "aws:username": "alice", ...session.context },
      });
      assert.deepEqual(
        { result: decision.result, deniedBy: [...decision.deniedBy].sort() },
        { result: expected, deniedBy: [...deniedBy].sort() },
      );
    });
  }
});
