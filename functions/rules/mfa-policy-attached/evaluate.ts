/**
 * mfa-policy-attached: every IAM user but the exempt ones has the MFA-enforcing managed policy,
 * attached to the user or to one of its groups.
 *
 * Scenarios (each is a test case):
 * - the policy is attached to the user: COMPLIANT;
 * - the policy is attached to one of the user's groups: COMPLIANT, naming the group;
 * - the policy is attached nowhere the user inherits from: NON_COMPLIANT;
 * - a policy whose name merely contains the MFA policy's name (another account's, another path)
 *   does not count: policies match by ARN;
 * - an exempt user is COMPLIANT, the annotation says so; exemptions match names as IAM does,
 *   regardless of case.
 */
import { exemptionsOf } from "../iam-names";
import { readList, readObject, readText } from "../unreadable";
import { RESOURCE_TYPES, Verdict, verdictFor } from "../verdict";

export interface MfaPolicyParameters {
  policyArn: string;
  exemptUsers: readonly string[];
}

export interface UserPolicies {
  userId: string;
  userName: string;
  attachedPolicyArns: readonly string[];
  groupNames: readonly string[];
}

/** Managed policy ARNs attached to each group, by group name. */
export type GroupPolicies = ReadonlyMap<string, readonly string[]>;

export function evaluateMfaPolicy(
  user: UserPolicies,
  groupPolicies: GroupPolicies,
  parameters: MfaPolicyParameters,
  isExempt = exemptionsOf(parameters.exemptUsers),
): Verdict {
  const verdict = verdictFor(RESOURCE_TYPES.iamUser, user.userId);
  // The name after the ARN's last slash (the whole ARN if it has none).
  const policyName = parameters.policyArn.slice(parameters.policyArn.lastIndexOf("/") + 1);
  if (isExempt(user.userName)) {
    return verdict("COMPLIANT", `${user.userName} is exempt (exemptUsers).`);
  }
  if (user.attachedPolicyArns.includes(parameters.policyArn)) {
    return verdict("COMPLIANT", `${policyName} is attached to ${user.userName}.`);
  }
  const group = user.groupNames.find((name) =>
    groupPolicies.get(name)?.includes(parameters.policyArn),
  );
  if (group) {
    return verdict("COMPLIANT", `${user.userName} has ${policyName} through group ${group}.`);
  }
  const groups = user.groupNames.length > 0 ? ` or its groups (${user.groupNames.join(", ")})` : "";
  return verdict("NON_COMPLIANT", `${policyName} is not attached to ${user.userName}${groups}.`);
}

export function evaluateMfaPolicies(
  users: readonly UserPolicies[],
  groupPolicies: GroupPolicies,
  parameters: MfaPolicyParameters,
): Verdict[] {
  const isExempt = exemptionsOf(parameters.exemptUsers);
  return users.map((user) => evaluateMfaPolicy(user, groupPolicies, parameters, isExempt));
}

// Adapters from each source's own shape (structural types: no SDK import).

/**
 * From a configuration item's `configuration` of an AWS::IAM::User (the item's resource).
 * Throws an UnreadableInput for a field of the wrong type.
 */
export function userFromConfiguration(resourceId: string, configuration: unknown): UserPolicies {
  const user = readObject(configuration, "configuration");
  return {
    userId: resourceId,
    userName: readText(user.userName, "configuration.userName"),
    attachedPolicyArns: readList(
      user.attachedManagedPolicies,
      "configuration.attachedManagedPolicies",
    ).map((policy, index) => {
      const path = `configuration.attachedManagedPolicies[${index}]`;
      return readText(readObject(policy, path).policyArn, `${path}.policyArn`);
    }),
    groupNames: readList(user.groupList, "configuration.groupList").map((group, index) =>
      readText(group, `configuration.groupList[${index}]`),
    ),
  };
}

/** From IAM's GetAccountAuthorizationDetails (Filter User, Group), all pages. */
export function fromAuthorizationDetails(details: {
  UserDetailList?: Array<{
    UserName?: string;
    UserId?: string;
    GroupList?: string[];
    AttachedManagedPolicies?: Array<{ PolicyArn?: string }>;
  }>;
  GroupDetailList?: Array<{
    GroupName?: string;
    AttachedManagedPolicies?: Array<{ PolicyArn?: string }>;
  }>;
}): { users: UserPolicies[]; groupPolicies: Map<string, string[]> } {
  return {
    users: (details.UserDetailList ?? []).map((user) => ({
      userId: user.UserId ?? "",
      userName: user.UserName ?? "",
      attachedPolicyArns: (user.AttachedManagedPolicies ?? []).flatMap((p) => p.PolicyArn ?? []),
      groupNames: user.GroupList ?? [],
    })),
    groupPolicies: new Map(
      (details.GroupDetailList ?? []).map((group) => [
        group.GroupName ?? "",
        (group.AttachedManagedPolicies ?? []).flatMap((p) => p.PolicyArn ?? []),
      ]),
    ),
  };
}
