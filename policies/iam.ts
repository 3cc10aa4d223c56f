/**
 * IAM policies: long-lived access keys (access-keys-rotated) and users without the MFA policy
 * (mfa-policy-attached), judged on the stack before it is deployed.
 */
import { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { accessKeysRotated as accessKeysRule } from "../functions/rules/managed";
import { mfaPolicyAttached as mfaRule } from "../functions/rules/mfa-policy-attached";
import {
  GroupPolicies,
  UserPolicies,
  evaluateMfaPolicy,
} from "../functions/rules/mfa-policy-attached/evaluate";
import { TYPES } from "./resource-types";
import {
  Reference,
  UNKNOWN,
  known,
  knownText,
  pointsTo,
  reference,
  resourcesOfType,
  validateType,
} from "./resources";
import { configSchema, readSettings } from "./settings";

const ACCESS_KEYS_ROTATED = accessKeysRule.name;
const ACCESS_KEY_SETTINGS = ["maxAccessKeyAge"] as const;

interface AccessKeyProps {
  user?: string;
  /** `Active` (the default) or `Inactive`. */
  status?: string;
}

/**
 * Named after the Config rule that will judge the key, not after what the policy checks (there is
 * no Config rule "no access keys"): a key created by a stack is rotated only when someone
 * replaces the resource, so access-keys-rotated reports it maxAccessKeyAge days after creation
 * and the accessKeyRemediation deactivates it, breaking whatever uses it. Like that rule, an
 * inactive key passes.
 */
export const accessKeysRotated: ResourceValidationPolicy = {
  name: ACCESS_KEYS_ROTATED,
  description:
    "IAM access keys created by a stack are long-lived: access-keys-rotated reports them after maxAccessKeyAge days. Prefer roles.",
  enforcementLevel: "advisory",
  configSchema: configSchema(ACCESS_KEY_SETTINGS),
  validateResource: validateType<AccessKeyProps>(
    TYPES.accessKey,
    (props, args, reportViolation) => {
      const { maxAccessKeyAge } = readSettings(ACCESS_KEYS_ROTATED, ACCESS_KEY_SETTINGS, args);
      if (known(() => props.status) === "Inactive") return;
      const user = known(() => props.user);
      const whose = typeof user === "string" ? ` of ${user}` : "";
      reportViolation(
        `IAM access keys must be rotated within ${maxAccessKeyAge} days; this key${whose} is never rotated by the stack: use a role instead.`,
      );
    },
  ),
};

const MFA_POLICY_ATTACHED = mfaRule.name;
const MFA_SETTINGS = ["mfaPolicyName", "exemptUsers"] as const;

/**
 * The ARN the evaluator is given as the MFA policy's, and every attachment recognised as the MFA
 * policy is mapped to. The pack has no AWS credentials and the stack's account may not be known
 * at preview, so the real ARN (`arn:aws:iam::123456789012:policy/<name>`, as stack.ts builds it
 * for the Lambda) cannot be computed here; see `attachedPolicyArn` for what is recognised.
 */
export function mfaPolicyStandIn(mfaPolicyName: string): string {
  return `arn:aws:iam::<account>:policy/${mfaPolicyName}`;
}

/**
 * The ARN an attachment attaches, with the MFA policy mapped to the stand-in; undefined when
 * it cannot be known.
 *
 * By ARN when it is known: any ARN ending in `:policy/<mfaPolicyName>`, a policy at the root path
 * of whatever account the stack deploys to, which is where this program creates it. A policy at
 * another path, or whose name merely contains the MFA policy's, does not count, as in the Lambda.
 *
 * By name when the ARN is unknown at preview: that happens when the policy is created in the same
 * update, its ARN being an output AWS assigns on creation. The engine still records the policy
 * resource the ARN comes from, and that resource's name (an input) is known, so a dependency on
 * an aws.iam.Policy named <mfaPolicyName> at the root path counts. Without that fallback every
 * stack that creates the MFA policy and its attachments together would fail at its first preview.
 */
export function attachedPolicyArn(
  attachment: PolicyResource,
  mfaPolicyName: string,
): string | undefined {
  const standIn = mfaPolicyStandIn(mfaPolicyName);
  const arn = knownText(attachment, "policyArn");
  if (arn !== UNKNOWN) return arn.endsWith(`:policy/${mfaPolicyName}`) ? standIn : arn;
  const isMfaPolicy = (attachment.propertyDependencies["policyArn"] ?? []).some((policy) => {
    if (policy.type !== TYPES.policy || knownText(policy, "name") !== mfaPolicyName) return false;
    const path = known<unknown>(() => policy.props["path"]);
    return path === undefined || path === "/";
  });
  return isMfaPolicy ? standIn : undefined;
}

/** A group's name, or its URN while the name is unknown (the same key wherever it is used). */
function groupKeys(ref: Reference): string[] {
  const fromDependencies = ref.dependencies
    .filter((dependency) => dependency.type === TYPES.group)
    .map((group) => {
      const name = knownText(group, "name");
      return name === UNKNOWN ? group.urn : name;
    });
  return [...new Set([...ref.names, ...fromDependencies])];
}

export interface StackUserPolicies {
  resource: PolicyResource;
  policies: UserPolicies;
}

/**
 * The evaluator's input from the stack's IAM resources: each aws.iam.User with the policies
 * attached to it (UserPolicyAttachment, PolicyAttachment `users`) and its groups
 * (UserGroupMembership, GroupMembership), and each group's policies (GroupPolicyAttachment,
 * PolicyAttachment `groups`). Users and groups outside the stack are the Lambda's business.
 */
export function mfaInputsFromStack(
  resources: readonly PolicyResource[],
  mfaPolicyName: string,
): { users: StackUserPolicies[]; groupPolicies: GroupPolicies } {
  const ofType = (type: Parameters<typeof resourcesOfType>[1]) => resourcesOfType(resources, type);
  const arnOf = (attachment: PolicyResource) => attachedPolicyArn(attachment, mfaPolicyName);

  const groupPolicies = new Map<string, string[]>();
  const attachToGroups = (attachment: PolicyResource, property: string) => {
    const arn = arnOf(attachment);
    if (arn === undefined) return;
    for (const key of groupKeys(reference(attachment, property))) {
      groupPolicies.set(key, [...(groupPolicies.get(key) ?? []), arn]);
    }
  };
  ofType(TYPES.groupPolicyAttachment).forEach((attachment) => attachToGroups(attachment, "group"));
  ofType(TYPES.policyAttachment).forEach((attachment) => attachToGroups(attachment, "groups"));

  const users = ofType(TYPES.user).map((user) => {
    const name = knownText(user, "name");
    const refersToUser = (resource: PolicyResource, property: string) =>
      pointsTo(reference(resource, property), user, name);
    const attachedPolicyArns = [
      ...ofType(TYPES.userPolicyAttachment).filter((a) => refersToUser(a, "user")),
      ...ofType(TYPES.policyAttachment).filter((a) => refersToUser(a, "users")),
    ].flatMap((attachment) => arnOf(attachment) ?? []);
    const groupNames = [
      ...ofType(TYPES.userGroupMembership)
        .filter((membership) => refersToUser(membership, "user"))
        .flatMap((membership) => groupKeys(reference(membership, "groups"))),
      ...ofType(TYPES.groupMembership)
        .filter((membership) => refersToUser(membership, "users"))
        .flatMap((membership) => groupKeys(reference(membership, "group"))),
    ];
    return {
      resource: user,
      policies: {
        userId: user.urn,
        // An unknown name cannot be exempt; the logical name still says which user it is.
        userName: name === UNKNOWN ? user.name : name,
        attachedPolicyArns,
        groupNames: [...new Set(groupNames)],
      },
    };
  });
  return { users, groupPolicies };
}

export const mfaPolicyAttached: StackValidationPolicy = {
  name: MFA_POLICY_ATTACHED,
  description:
    "Every IAM user of the stack but the exempt ones must have the MFA policy, directly or through a group: the mfa-policy-attached Config rule, at preview.",
  enforcementLevel: "mandatory",
  configSchema: configSchema(MFA_SETTINGS),
  validateStack: (args, reportViolation) => {
    const { mfaPolicyName, exemptUsers } = readSettings(MFA_POLICY_ATTACHED, MFA_SETTINGS, args);
    const { users, groupPolicies } = mfaInputsFromStack(args.resources, mfaPolicyName);
    const parameters = { policyArn: mfaPolicyStandIn(mfaPolicyName), exemptUsers };
    for (const { resource, policies } of users) {
      const verdict = evaluateMfaPolicy(policies, groupPolicies, parameters);
      if (verdict.compliance === "NON_COMPLIANT") {
        reportViolation(
          `IAM users must have the MFA policy attached, directly or through a group: ${verdict.annotation}`,
          resource.urn,
        );
      }
    }
  },
};

export const IAM_POLICIES = [accessKeysRotated, mfaPolicyAttached];
