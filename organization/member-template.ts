/**
 * The member baseline: the CloudFormation template the management account's StackSet deploys to
 * every member account and region of the organization. Built from the same rule and remediation
 * definitions as a single-account stack, so that the member roles hold exactly the calls the
 * audit account's functions make in a member account, and no others.
 *
 * Per account and region it holds the configuration recorder (global resource types only in the
 * home region) with its own role, the delivery channel to the organization's central bucket,
 * and an EventBridge rule forwarding the organization rules' compliance changes to the audit
 * account's event bus of the region. In the home region only (IAM is global: a role of the same name in every region's
 * stack would collide), it holds the member evaluation role and the member remediation role,
 * each trusting only the audit account's roles of one path, and the MFA policy and group.
 *
 * Pure: no Pulumi, no SDK; the management stack serializes it as the StackSet's template body.
 */
import { mfaPolicyDocument, PolicyDocument } from "../components/mfa-policy";
import { organizationChangesPattern } from "../functions/shared/compliance-change";
import {
  AUDIT_ROLE_PATHS,
  CENTRAL_EVENT_BUS,
  MEMBER_ACCOUNT_PLACEHOLDER,
  MEMBER_ROLE_NAMES,
} from "../functions/shared/member-roles";

export interface MemberTemplateInput {
  auditAccountId: string;
  /** The region that records global resources and holds the member roles. */
  homeRegion: string;
  /** The organization's central bucket, in the audit account. */
  deliveryBucketName: string;
  recorderName: string;
  /** Every call the audit account's rule functions make in a member account. */
  evaluationPermissions: readonly string[];
  /** Every call the audit account's remediation functions make in a member account. */
  remediationPermissions: readonly string[];
  /** The organization rules whose members' compliance changes go to the audit account's bus. */
  forwardedRules: readonly string[];
  /** The MFA policy and group the MFA rule and its remediation expect in every account. */
  mfa?: { policyName: string; groupName: string };
}

/** CloudFormation's own JSON: what the StackSet's TemplateBody holds. */
export interface CloudFormationTemplate {
  AWSTemplateFormatVersion: "2010-09-09";
  Description: string;
  Conditions: Record<string, unknown>;
  Resources: Record<string, CloudFormationResource>;
  Outputs?: Record<string, unknown>;
}

export interface CloudFormationResource {
  Type: string;
  Condition?: string;
  DependsOn?: string | string[];
  Properties: Record<string, unknown>;
}

const IN_HOME_REGION = "InHomeRegion";
const OUTSIDE_HOME_REGION = "OutsideHomeRegion";

/** A string of the template with the member's own partition and account substituted. */
function sub(text: string): { "Fn::Sub": string } {
  return { "Fn::Sub": text };
}

/** IAM actions grouped by nothing but themselves: one statement, sorted, without repeats. */
function allowStatement(actions: readonly string[]) {
  return { Effect: "Allow", Action: [...new Set(actions)].sort(), Resource: "*" };
}

/** A role the audit account's roles under `path` may assume, and nothing else. */
function trustedByAuditRoles(auditAccountId: string, path: string) {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { AWS: sub(`arn:\${AWS::Partition}:iam::${auditAccountId}:root`) },
        Action: "sts:AssumeRole",
        Condition: {
          ArnLike: {
            "aws:PrincipalArn": sub(`arn:\${AWS::Partition}:iam::${auditAccountId}:role${path}*`),
          },
        },
      },
    ],
  };
}

/**
 * A policy document of the member's own account: the document is written for a placeholder
 * account, whose ARNs become the member's through Fn::Sub (policy variables such as
 * `${aws:username}` are escaped as `${!aws:username}`, which Fn::Sub writes back as is).
 */
function inMemberAccount(document: PolicyDocument, placeholderAccount: string): unknown {
  const placeholder = `arn:aws:iam::${placeholderAccount}:`;
  const walk = (value: unknown): unknown => {
    if (typeof value === "string") {
      return value.includes(placeholder)
        ? sub(
            value
              .replaceAll("${", "${!")
              .replaceAll(placeholder, "arn:${AWS::Partition}:iam::${AWS::AccountId}:"),
          )
        : value;
    }
    if (Array.isArray(value)) return value.map(walk);
    if (typeof value === "object" && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, walk(item)]));
    }
    return value;
  };
  return walk(document);
}

export function memberTemplate(input: MemberTemplateInput): CloudFormationTemplate {
  const busIn = (region: string) =>
    sub(
      `arn:\${AWS::Partition}:events:${region}:${input.auditAccountId}:event-bus/${CENTRAL_EVENT_BUS}`,
    );
  const centralBus = busIn("${AWS::Region}");
  const homeBus = busIn(input.homeRegion);
  const forwarding = (description: string, targetId: string, bus: unknown) => ({
    Type: "AWS::Events::Rule",
    Properties: {
      Description: description,
      EventPattern: organizationChangesPattern(input.forwardedRules),
      State: "ENABLED",
      Targets: [{ Id: targetId, Arn: bus, RoleArn: { "Fn::GetAtt": ["ForwardingRole", "Arn"] } }],
    },
  });
  const resources: Record<string, CloudFormationResource> = {
    // One per region, named after it: a new account's stacks deploy in no guaranteed region
    // order (automatic deployment ignores the StackSet's), so no region's recorder may wait on
    // another region's role.
    RecorderRole: {
      Type: "AWS::IAM::Role",
      Properties: {
        RoleName: sub(`${MEMBER_ROLE_NAMES.recorder}-\${AWS::Region}`),
        Description:
          "AWS Config's recorder in this region of this account (aws-config-guardrails).",
        AssumeRolePolicyDocument: {
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Principal: { Service: "config.amazonaws.com" },
              Action: "sts:AssumeRole",
              Condition: { StringEquals: { "AWS:SourceAccount": sub("${AWS::AccountId}") } },
            },
          ],
        },
        ManagedPolicyArns: [
          sub("arn:${AWS::Partition}:iam::aws:policy/service-role/AWS_ConfigRole"),
        ],
        // Delivery to the organization's bucket, under this account's own prefix: AWS Config
        // writes with this role first, and needs PutObjectAcl to hand the objects to the
        // bucket's owner.
        Policies: [
          {
            PolicyName: "central-delivery",
            PolicyDocument: {
              Version: "2012-10-17",
              Statement: [
                {
                  Effect: "Allow",
                  Action: ["s3:GetBucketAcl", "s3:ListBucket"],
                  Resource: sub(`arn:\${AWS::Partition}:s3:::${input.deliveryBucketName}`),
                },
                {
                  Effect: "Allow",
                  Action: ["s3:PutObject", "s3:PutObjectAcl"],
                  Resource: sub(
                    `arn:\${AWS::Partition}:s3:::${input.deliveryBucketName}/AWSLogs/\${AWS::AccountId}/Config/*`,
                  ),
                  Condition: { StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control" } },
                },
              ],
            },
          },
        ],
      },
    },
    Recorder: {
      Type: "AWS::Config::ConfigurationRecorder",
      Properties: {
        Name: input.recorderName,
        RoleARN: { "Fn::GetAtt": ["RecorderRole", "Arn"] },
        RecordingGroup: {
          AllSupported: true,
          // IAM users, groups, roles and policies once per account, in the home region.
          IncludeGlobalResourceTypes: { "Fn::If": [IN_HOME_REGION, true, false] },
        },
      },
    },
    // CloudFormation starts the recorder once its delivery channel exists.
    DeliveryChannel: {
      Type: "AWS::Config::DeliveryChannel",
      DependsOn: "Recorder",
      Properties: {
        Name: input.recorderName,
        S3BucketName: input.deliveryBucketName,
        ConfigSnapshotDeliveryProperties: { DeliveryFrequency: "TwentyFour_Hours" },
      },
    },
    // The audit account's bus of this region, which takes events from the organization's
    // accounts: EventBridge sends to another account's bus with a role of the sending account.
    ForwardingRole: {
      Type: "AWS::IAM::Role",
      Properties: {
        RoleName: sub(`${MEMBER_ROLE_NAMES.forwarding}-\${AWS::Region}`),
        Description:
          "EventBridge: this region's compliance changes of the organization rules, to the audit account (aws-config-guardrails).",
        AssumeRolePolicyDocument: {
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Principal: { Service: "events.amazonaws.com" },
              Action: "sts:AssumeRole",
              Condition: { StringEquals: { "aws:SourceAccount": sub("${AWS::AccountId}") } },
            },
          ],
        },
        Policies: [
          {
            PolicyName: "central-event-bus",
            PolicyDocument: {
              Version: "2012-10-17",
              Statement: [
                {
                  Effect: "Allow",
                  Action: "events:PutEvents",
                  // The same ARN twice in the home region, which IAM accepts.
                  Resource: [centralBus, homeBus],
                },
              ],
            },
          },
        ],
      },
    },
    // To this region's bus, for the remediations of this region.
    ComplianceForwarding: forwarding(
      "Compliance changes of the organization's guardrails rules, to the audit account's event bus.",
      "audit-account-event-bus",
      centralBus,
    ),
    // And, outside the home region, to the home region's bus, for the organization's topic:
    // EventBridge does not pass on an event another bus forwarded to it.
    ComplianceNotification: {
      ...forwarding(
        "Compliance changes of the organization's guardrails rules, to the audit account's home-region bus (its notification topic).",
        "audit-account-home-event-bus",
        homeBus,
      ),
      Condition: OUTSIDE_HOME_REGION,
    },
    EvaluationRole: {
      Type: "AWS::IAM::Role",
      Condition: IN_HOME_REGION,
      Properties: {
        RoleName: MEMBER_ROLE_NAMES.evaluation,
        Description:
          "Assumed by the audit account's rule functions: exactly the calls they make here (aws-config-guardrails).",
        AssumeRolePolicyDocument: trustedByAuditRoles(
          input.auditAccountId,
          AUDIT_ROLE_PATHS.evaluation,
        ),
        Policies: [
          {
            PolicyName: "rule-functions",
            PolicyDocument: {
              Version: "2012-10-17",
              Statement: [allowStatement(input.evaluationPermissions)],
            },
          },
        ],
      },
    },
  };
  if (input.remediationPermissions.length > 0) {
    resources.RemediationRole = {
      Type: "AWS::IAM::Role",
      Condition: IN_HOME_REGION,
      Properties: {
        RoleName: MEMBER_ROLE_NAMES.remediation,
        Description:
          "Assumed by the audit account's remediation functions: exactly the calls they make here (aws-config-guardrails).",
        AssumeRolePolicyDocument: trustedByAuditRoles(
          input.auditAccountId,
          AUDIT_ROLE_PATHS.remediation,
        ),
        Policies: [
          {
            PolicyName: "remediation-functions",
            PolicyDocument: {
              Version: "2012-10-17",
              Statement: [allowStatement(input.remediationPermissions)],
            },
          },
        ],
      },
    };
  }
  if (input.mfa) {
    const placeholderAccount = MEMBER_ACCOUNT_PLACEHOLDER;
    resources.MfaPolicy = {
      Type: "AWS::IAM::ManagedPolicy",
      Condition: IN_HOME_REGION,
      Properties: {
        ManagedPolicyName: input.mfa.policyName,
        Description: "Denies everything but managing one's own MFA until signed in with MFA.",
        PolicyDocument: inMemberAccount(
          mfaPolicyDocument({ policyName: input.mfa.policyName, accountId: placeholderAccount }),
          placeholderAccount,
        ),
      },
    };
    resources.MfaGroup = {
      Type: "AWS::IAM::Group",
      Condition: IN_HOME_REGION,
      Properties: {
        GroupName: input.mfa.groupName,
        ManagedPolicyArns: [{ Ref: "MfaPolicy" }],
      },
    };
  }
  return {
    AWSTemplateFormatVersion: "2010-09-09",
    Description:
      "aws-config-guardrails member baseline: AWS Config recording and the roles the audit account's functions assume.",
    Conditions: {
      [IN_HOME_REGION]: { "Fn::Equals": [{ Ref: "AWS::Region" }, input.homeRegion] },
      [OUTSIDE_HOME_REGION]: { "Fn::Not": [{ Condition: IN_HOME_REGION }] },
    },
    Resources: resources,
  };
}
