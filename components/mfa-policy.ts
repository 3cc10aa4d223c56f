import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { iamPolicyName, isInvalidValue } from "../functions/shared/checks";

/**
 * IAM's policy variable for the caller's user name, kept literal in the document: IAM, not
 * TypeScript, substitutes it for each request. (A double-quoted string, never a template literal.)
 */
const CALLER = "${aws:username}";

/** Seconds an MFA sign-in stays good for; older sessions are treated like no MFA at all. */
export const MFA_MAX_AGE_SECONDS = 3600;

/**
 * What a user may still do without MFA (or with MFA older than an hour): set up their MFA device,
 * sign in for the first time (forced password change), and get MFA session credentials for the
 * CLI (sts:GetSessionToken). Everything else is denied until they sign in with MFA.
 */
export const WITHOUT_MFA_ACTIONS = [
  "iam:CreateVirtualMFADevice",
  "iam:EnableMFADevice",
  "iam:ChangePassword",
  "iam:GetAccountPasswordPolicy",
  "iam:CreateLoginProfile",
  "iam:DeleteLoginProfile",
  "iam:GetLoginProfile",
  "iam:UpdateLoginProfile",
  "iam:GetUser",
  "iam:ListMFADevices",
  "iam:ListVirtualMFADevices",
  "iam:ResyncMFADevice",
  "sts:GetSessionToken",
] as const;

/**
 * The actions of WITHOUT_MFA_ACTIONS that name a user or an MFA device as their resource (the
 * others are account-wide, resource "*"): without MFA they may touch only the caller's own.
 */
const WITHOUT_MFA_SELF_ONLY_ACTIONS = [
  "iam:CreateVirtualMFADevice",
  "iam:EnableMFADevice",
  "iam:ChangePassword",
  "iam:CreateLoginProfile",
  "iam:DeleteLoginProfile",
  "iam:GetLoginProfile",
  "iam:UpdateLoginProfile",
  "iam:GetUser",
  "iam:ListMFADevices",
  "iam:ResyncMFADevice",
] as const;

export interface PolicyStatement {
  Sid: string;
  Effect: "Allow" | "Deny";
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, Record<string, string | number | string[]>>;
}

export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: PolicyStatement[];
}

export interface MfaPolicyDocumentArgs {
  /** The managed policy's own name: its self-protection statements name its ARN. */
  policyName: string;
  /** The 12-digit account the policy lives in. */
  accountId: string;
  /** AWS partition of the account. Default: "aws" ("aws-cn", "aws-us-gov" elsewhere). */
  partition?: string;
}

const ACCOUNT_ID = /^\d{12}$/;
const PARTITION = /^aws(-[a-z]+)*$/;

/**
 * The MFA enforcement policy ("DenyActionWithoutMFA"): users may manage their own
 * credentials and MFA device, and nothing else works until they sign in with MFA (at most an hour
 * ago). It also guards itself against being detached from others, edited or deleted.
 *
 * Its ARNs are built from the configured name, account and partition: a hard-coded
 * `arn:aws:iam::*:policy/<name>` stops protecting the policy the moment the stack renames it.
 * `iam:DetachRolePolicy` belongs in the detach guard with the user and group forms, and
 * `DenyOthersCredentialsWithoutMFA` keeps the no-MFA exemptions to the caller's own user: without
 * it, an administrator without MFA could reset another user's password and enrol an MFA device
 * on them, then sign in as that user with MFA.
 */
export function mfaPolicyDocument(args: MfaPolicyDocumentArgs): PolicyDocument {
  const partition = args.partition ?? "aws";
  const problems = [
    isIamPolicyName(args.policyName)
      ? undefined
      : `policyName ${JSON.stringify(args.policyName)} is not an IAM policy name (1-128 letters, digits or +=,.@_-)`,
    ACCOUNT_ID.test(args.accountId)
      ? undefined
      : `accountId ${JSON.stringify(args.accountId)} is not a 12-digit AWS account id`,
    PARTITION.test(partition)
      ? undefined
      : `partition ${JSON.stringify(partition)} is not an AWS partition such as "aws" or "aws-cn"`,
  ].filter((problem): problem is string => problem !== undefined);
  if (problems.length > 0) throw new MfaPolicyArgsError(problems);

  const iam = `arn:${partition}:iam::${args.accountId}`;
  const thisPolicy = `${iam}:policy/${args.policyName}`;
  const ownUser = `${iam}:user/${CALLER}`;
  const ownMfaDevice = `${iam}:mfa/${CALLER}`;
  const mfaMissingOrStale = {
    // ...IfExists: requests without the key (long-term access keys, console sign-in without
    // MFA) match as well, which is the point. Programmatic users that cannot do MFA must be
    // exempt, not members of the group.
    NumericGreaterThanIfExists: { "aws:MultiFactorAuthAge": String(MFA_MAX_AGE_SECONDS) },
  };

  return {
    Version: "2012-10-17",
    Statement: [
      {
        // Deleting a managed policy in the console first detaches it from every user, group and
        // role, and only then fails on DeletePolicy: without this guard one mistaken delete
        // strips MFA enforcement from everyone. Users may still detach it from themselves (an
        // emergency exit, undone by the Config rule's remediation).
        Sid: "DenyDetachOthersPolicy",
        Effect: "Deny",
        Action: ["iam:DetachUserPolicy", "iam:DetachGroupPolicy", "iam:DetachRolePolicy"],
        NotResource: ownUser,
        Condition: { ArnEquals: { "iam:PolicyARN": thisPolicy } },
      },
      {
        // Editing or deleting the policy would lift enforcement for every user at once; only a
        // principal that does not carry it (the deployment role) may change it.
        Sid: "DenyDeleteAndChangePolicy",
        Effect: "Deny",
        Action: [
          "iam:CreatePolicyVersion",
          "iam:DeletePolicyVersion",
          "iam:SetDefaultPolicyVersion",
          "iam:DeletePolicy",
        ],
        Resource: thisPolicy,
      },
      {
        // The console's security-credentials page reads these to show the MFA and password set-up.
        Sid: "AllowViewAccountInfo",
        Effect: "Allow",
        Action: [
          "iam:GetAccountPasswordPolicy",
          "iam:GetAccountSummary",
          "iam:ListVirtualMFADevices",
          "iam:ListAccountAliases",
          "iam:ListUsers",
        ],
        Resource: "*",
      },
      {
        // A user must be able to set their first password and rotate it, MFA or not.
        Sid: "AllowManageOwnPasswords",
        Effect: "Allow",
        Action: [
          "iam:ChangePassword",
          "iam:GetUser",
          "iam:CreateLoginProfile",
          "iam:DeleteLoginProfile",
          "iam:GetLoginProfile",
          "iam:UpdateLoginProfile",
        ],
        Resource: ownUser,
      },
      {
        // Self-service rotation of one's own keys (with MFA: the deny below covers these).
        Sid: "AllowManageOwnAccessKeys",
        Effect: "Allow",
        Action: [
          "iam:CreateAccessKey",
          "iam:DeleteAccessKey",
          "iam:ListAccessKeys",
          "iam:UpdateAccessKey",
        ],
        Resource: ownUser,
      },
      {
        // Self-service X.509 signing certificates, for the few services that still use them.
        Sid: "AllowManageOwnSigningCertificates",
        Effect: "Allow",
        Action: [
          "iam:DeleteSigningCertificate",
          "iam:ListSigningCertificates",
          "iam:UpdateSigningCertificate",
          "iam:UploadSigningCertificate",
        ],
        Resource: ownUser,
      },
      {
        // Self-service SSH keys for CodeCommit.
        Sid: "AllowManageOwnSSHPublicKeys",
        Effect: "Allow",
        Action: [
          "iam:DeleteSSHPublicKey",
          "iam:GetSSHPublicKey",
          "iam:ListSSHPublicKeys",
          "iam:UpdateSSHPublicKey",
          "iam:UploadSSHPublicKey",
        ],
        Resource: ownUser,
      },
      {
        // Self-service service-specific credentials (CodeCommit Git, Keyspaces).
        Sid: "AllowManageOwnGitCredentials",
        Effect: "Allow",
        Action: [
          "iam:CreateServiceSpecificCredential",
          "iam:DeleteServiceSpecificCredential",
          "iam:ListServiceSpecificCredentials",
          "iam:ResetServiceSpecificCredential",
          "iam:UpdateServiceSpecificCredential",
        ],
        Resource: ownUser,
      },
      {
        // Enrolment creates a virtual device named after the user: users can create theirs (and
        // delete it, with MFA), nobody else's. The device must be named exactly as the user.
        Sid: "AllowManageOwnVirtualMFADevice",
        Effect: "Allow",
        Action: ["iam:CreateVirtualMFADevice", "iam:DeleteVirtualMFADevice"],
        Resource: ownMfaDevice,
      },
      {
        // Enabling the device on oneself completes enrolment; resync repairs a drifted device.
        Sid: "AllowManageOwnUserMFA",
        Effect: "Allow",
        Action: [
          "iam:DeactivateMFADevice",
          "iam:EnableMFADevice",
          "iam:ListMFADevices",
          "iam:ResyncMFADevice",
        ],
        Resource: ownUser,
      },
      {
        // The enforcement itself: everything but MFA and password set-up is denied while the
        // request carries no MFA, or MFA older than MFA_MAX_AGE_SECONDS. A Deny overrides any
        // Allow, AdministratorAccess included.
        Sid: "DenyAllExceptListIfNoMFAOrGreaterThanTime",
        Effect: "Deny",
        NotAction: [...WITHOUT_MFA_ACTIONS],
        Resource: "*",
        Condition: mfaMissingOrStale,
      },
      {
        // The exemptions above are meant for one's own set-up, but a NotAction
        // deny exempts them on every resource: an administrator without MFA could reset another
        // user's password and enable an MFA device of their own on that user, then sign in as
        // them with MFA. Without MFA, the exempted actions reach only the caller's own user and
        // device.
        Sid: "DenyOthersCredentialsWithoutMFA",
        Effect: "Deny",
        Action: [...WITHOUT_MFA_SELF_ONLY_ACTIONS],
        NotResource: [ownUser, ownMfaDevice],
        Condition: mfaMissingOrStale,
      },
    ],
  };
}

/** Arguments that would put a wrong ARN into the policy. */
export class MfaPolicyArgsError extends Error {
  override name = "MfaPolicyArgsError";
  constructor(readonly problems: readonly string[]) {
    super(`Cannot build the MFA policy: ${problems.join("; ")}.`);
  }
}

export interface MfaEnforcementArgs {
  /**
   * Name of the customer managed policy, created at path "/" (so its ARN is
   * `arn:<partition>:iam::<account>:policy/<policyName>`). Required; the stack's default lives
   * in config.ts (`mfaPolicyName`).
   */
  policyName: string;
  /** Name of the IAM group that holds the policy. Required; see `mfaGroupName` in config.ts. */
  groupName: string;
  /** Tags for the policy (IAM groups cannot be tagged). */
  tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * The MFA enforcement policy and the IAM group that holds it; remediation adds users to the group.
 * A group rather than a policy attached to each user: the CIS conformance packs include
 * iam-user-no-policies-check, which fails every user with a directly attached policy, so
 * attaching it directly trades one finding for another.
 *
 * The policy denies members of the group changing, deleting or detaching it, also when Pulumi
 * runs as such a member: deploy (and destroy) with a role or a user outside the group.
 */
export class MfaEnforcement extends pulumi.ComponentResource {
  /** ARN of the managed policy: what the mfa-policy-attached rule looks for. */
  public readonly policyArn: pulumi.Output<string>;
  public readonly policyName: pulumi.Output<string>;
  public readonly groupName: pulumi.Output<string>;

  constructor(name: string, args: MfaEnforcementArgs, opts?: pulumi.ComponentResourceOptions) {
    super("guardrails:index:MfaEnforcement", name, {}, opts);
    const parent = { parent: this };
    const account = aws.getCallerIdentityOutput({}, parent);
    const partition = aws.getPartitionOutput({}, parent).partition;

    const policy = new aws.iam.Policy(
      `${name}-policy`,
      {
        name: args.policyName,
        path: "/",
        description:
          "Denies everything but MFA and password set-up without a sign-in with MFA in the last hour.",
        policy: pulumi.all([account.accountId, partition]).apply(([accountId, partitionName]) =>
          JSON.stringify(
            mfaPolicyDocument({
              policyName: args.policyName,
              accountId,
              partition: partitionName,
            }),
          ),
        ),
        tags: args.tags,
      },
      parent,
    );
    const group = new aws.iam.Group(`${name}-group`, { name: args.groupName, path: "/" }, parent);
    new aws.iam.GroupPolicyAttachment(
      `${name}-attachment`,
      { group: group.name, policyArn: policy.arn },
      parent,
    );

    this.policyArn = policy.arn;
    this.policyName = policy.name;
    this.groupName = group.name;
    this.registerOutputs({
      policyArn: this.policyArn,
      policyName: this.policyName,
      groupName: this.groupName,
    });
  }
}

function isIamPolicyName(name: string): boolean {
  try {
    iamPolicyName(name);
    return true;
  } catch (error) {
    if (isInvalidValue(error)) return false;
    throw error;
  }
}
