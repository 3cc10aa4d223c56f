/**
 * The CIS controls a Pulumi resource expresses, at preview, on the evaluators of the
 * cis-foundations managed rules' mirrors: a policy given to a user directly, a customer managed
 * policy granting "*" on "*", a network ACL entry opening SSH or RDP to the internet, an
 * instance serving IMDSv1. Advisory: the rule set is the
 * stack's choice (`ruleSets`); a pack's config can make them mandatory.
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import {
  NetworkAclEntry,
  evaluateAdminAccessPolicy,
  evaluateImdsv2,
  evaluateNetworkAcl,
  evaluateUserNoPolicies,
} from "../functions/rules/managed/cis-evaluate";
import {
  ec2Imdsv2Check,
  iamPolicyNoStatementsWithAdminAccess,
  iamUserNoPoliciesCheck,
  naclNoUnrestrictedSshRdp,
} from "../functions/rules/managed/cis";
import { TYPES } from "./resource-types";
import { validateType } from "./resources";

const cis = (rule: { cis?: readonly string[] }) => `CIS ${rule.cis?.join(", ") ?? ""}`;

/** A user's own policy, however Pulumi gives it: attached, inline, or a PolicyAttachment's users. */
function ownPolicy(user: string, attached: string[], inline: string[]): string | undefined {
  const verdict = evaluateUserNoPolicies({
    userId: user,
    userName: user,
    attachedPolicyArns: attached,
    inlinePolicyNames: inline,
  });
  return verdict.compliance === "NON_COMPLIANT"
    ? `${verdict.annotation} (${iamUserNoPoliciesCheck.name}, ${cis(iamUserNoPoliciesCheck)})`
    : undefined;
}

export const userNoPolicies: ResourceValidationPolicy = {
  name: iamUserNoPoliciesCheck.name,
  description: `IAM users get permissions only through groups: the ${iamUserNoPoliciesCheck.name} Config rule (${cis(iamUserNoPoliciesCheck)}), at preview.`,
  enforcementLevel: "advisory",
  validateResource: [
    validateType<{ user?: string; policyArn?: string }>(
      TYPES.userPolicyAttachment,
      (props, _args, report) => {
        const message = ownPolicy(String(props.user ?? ""), [String(props.policyArn ?? "")], []);
        if (message) report(message);
      },
    ),
    validateType<{ user?: string; name?: string }>(TYPES.userPolicy, (props, args, report) => {
      const message = ownPolicy(String(props.user ?? ""), [], [String(props.name ?? args.name)]);
      if (message) report(message);
    }),
    validateType<{ users?: string[]; policyArn?: string }>(
      TYPES.policyAttachment,
      (props, _args, report) => {
        for (const user of props.users ?? []) {
          const message = ownPolicy(String(user), [String(props.policyArn ?? "")], []);
          if (message) report(message);
        }
      },
    ),
  ],
};

/** The policy document, when the preview knows it: JSON text, or an object. */
function policyDocument(policy: unknown): Record<string, unknown> | undefined {
  let document = policy;
  if (typeof policy === "string") {
    try {
      document = JSON.parse(policy);
    } catch {
      return undefined;
    }
  }
  return typeof document === "object" && document !== null && !Array.isArray(document)
    ? (document as Record<string, unknown>)
    : undefined;
}

const adminRule = iamPolicyNoStatementsWithAdminAccess;

export const noAdminPolicies: ResourceValidationPolicy = {
  name: adminRule.name,
  description: `No customer managed policy grants full administrator access: the ${adminRule.name} Config rule (${cis(adminRule)}), at preview.`,
  enforcementLevel: "advisory",
  validateResource: validateType<{ name?: string; policy?: unknown }>(
    TYPES.policy,
    (props, args, report) => {
      const document = policyDocument(props.policy);
      if (!document) return;
      const verdict = evaluateAdminAccessPolicy({
        policyId: args.name,
        policyName: String(props.name ?? args.name),
        document,
      });
      if (verdict.compliance === "NON_COMPLIANT") {
        report(`${verdict.annotation} (${adminRule.name}, ${cis(adminRule)})`);
      }
    },
  ),
};

interface AclRuleProps {
  protocol?: string;
  action?: string;
  ruleAction?: string;
  ruleNo?: number;
  ruleNumber?: number;
  cidrBlock?: string;
  ipv6CidrBlock?: string;
  fromPort?: number;
  toPort?: number;
  egress?: boolean;
}

/** One Pulumi ACL rule (inline `ingress`, or an `aws.ec2.NetworkAclRule`) as an entry. */
function aclEntry(rule: AclRuleProps, egress: boolean): NetworkAclEntry {
  return {
    ruleNumber: rule.ruleNo ?? rule.ruleNumber,
    egress,
    ruleAction: String(rule.action ?? rule.ruleAction ?? ""),
    protocol: String(rule.protocol ?? ""),
    ...(rule.fromPort !== undefined && rule.toPort !== undefined
      ? { portRange: { from: rule.fromPort, to: rule.toPort } }
      : {}),
    ...(rule.cidrBlock ? { cidrBlock: rule.cidrBlock } : {}),
    ...(rule.ipv6CidrBlock ? { ipv6CidrBlock: rule.ipv6CidrBlock } : {}),
  };
}

function openAcl(name: string, entries: NetworkAclEntry[]): string | undefined {
  const verdict = evaluateNetworkAcl({ networkAclId: name, entries });
  return verdict.compliance === "NON_COMPLIANT"
    ? `${verdict.annotation} (${naclNoUnrestrictedSshRdp.name}, ${cis(naclNoUnrestrictedSshRdp)})`
    : undefined;
}

const inlineAcl = validateType<{ ingress?: AclRuleProps[] }>;

export const naclNoSshRdp: ResourceValidationPolicy = {
  name: naclNoUnrestrictedSshRdp.name,
  description: `No network ACL allows SSH or RDP in from the internet: the ${naclNoUnrestrictedSshRdp.name} Config rule (${cis(naclNoUnrestrictedSshRdp)}), at preview.`,
  enforcementLevel: "advisory",
  validateResource: [
    ...[TYPES.networkAcl, TYPES.defaultNetworkAcl].map((type) =>
      inlineAcl(type, (props, args, report) => {
        const message = openAcl(
          args.name,
          (props.ingress ?? []).map((rule) => aclEntry(rule, false)),
        );
        if (message) report(message);
      }),
    ),
    validateType<AclRuleProps>(TYPES.networkAclRule, (props, args, report) => {
      const message = openAcl(args.name, [aclEntry(props, props.egress ?? false)]);
      if (message) report(message);
    }),
  ],
};

export const imdsv2: ResourceValidationPolicy = {
  name: ec2Imdsv2Check.name,
  description: `Instances require IMDSv2: the ${ec2Imdsv2Check.name} Config rule (${cis(ec2Imdsv2Check)}), at preview.`,
  enforcementLevel: "advisory",
  validateResource: validateType<{ metadataOptions?: { httpTokens?: string } }>(
    TYPES.instance,
    (props, args, report) => {
      const verdict = evaluateImdsv2({
        instanceId: args.name,
        httpTokens: props.metadataOptions?.httpTokens,
      });
      if (verdict.compliance === "NON_COMPLIANT") {
        report(
          `${verdict.annotation} Set metadataOptions.httpTokens to "required" (${ec2Imdsv2Check.name}, ${cis(ec2Imdsv2Check)}).`,
        );
      }
    },
  ),
};

export const CIS_POLICIES = [userNoPolicies, noAdminPolicies, naclNoSshRdp, imdsv2];
