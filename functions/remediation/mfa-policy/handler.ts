/** Lambda that enforces the MFA policy on a user, on mfa-policy-attached NON_COMPLIANT. */
import {
  AddUserToGroupCommand,
  AttachUserPolicyCommand,
  IAMClient,
  paginateListAttachedGroupPolicies,
  paginateListAttachedUserPolicies,
  paginateListGroupsForUser,
} from "@aws-sdk/client-iam";
import { RESOURCE_TYPES } from "../../rules/verdict";
import { textAt } from "../../shared/api-call";
import { findUserById } from "../../shared/iam";
import { lazyHandler } from "../../shared/lazy";
import { collectPages } from "../../shared/paginate";
import {
  ActionSpecs,
  RemediationDependencies,
  RemediationHandler,
  createRemediationHandler,
  isAlreadyGone,
  remediationPermissions,
  resourceGone,
} from "../../shared/remediation-handler";
import { MFA_ENVIRONMENT, MfaEnvironment } from "./environment";
import { MfaAction, MfaEnforcement, MfaMode, planMfaRemediation } from "./plan";

interface Clients {
  iam: IAMClient;
}

type Enforcing = Exclude<MfaAction, { action: "none" }>;

const READS = [
  "iam:ListUsers",
  "iam:ListAttachedUserPolicies",
  "iam:ListGroupsForUser",
  "iam:ListAttachedGroupPolicies",
];

const ACTIONS: ActionSpecs<Enforcing, Clients> = {
  "add-to-group": {
    permissions: ["iam:AddUserToGroup"],
    async run(step, { iam }) {
      await iam.send(
        new AddUserToGroupCommand({ GroupName: step.groupName, UserName: step.userName }),
      );
      return "done";
    },
  },
  "attach-policy": {
    permissions: ["iam:AttachUserPolicy"],
    async run(step, { iam }) {
      await iam.send(
        new AttachUserPolicyCommand({ UserName: step.userName, PolicyArn: step.policyArn }),
      );
      return "done";
    },
  },
};

const ENFORCED_BY: Record<MfaEnforcement, Enforcing["action"]> = {
  group: "add-to-group",
  attach: "attach-policy",
};

/** Exactly the calls this remediation makes for a mode and enforcement. */
export function permissions(mode: MfaMode, enforcement: MfaEnforcement): string[] {
  return remediationPermissions(READS, ACTIONS, [ENFORCED_BY[enforcement]], mode);
}

export interface RemediateMfaDependencies extends RemediationDependencies {
  iam: IAMClient;
}

export function createHandler(
  dependencies: RemediateMfaDependencies = { iam: new IAMClient({}), env: process.env },
): RemediationHandler {
  const { iam } = dependencies;

  /** The user's policies and groups, read, and what the remediation does about them. */
  async function planUser(user: { userId: string; userName: string }, settings: MfaEnvironment) {
    const [attached, groups] = await Promise.all([
      collectPages(
        paginateListAttachedUserPolicies({ client: iam }, { UserName: user.userName }),
        (p) => p.AttachedPolicies,
      ),
      collectPages(
        paginateListGroupsForUser({ client: iam }, { UserName: user.userName }),
        (p) => p.Groups,
      ),
    ]);
    const groupNames = groups.flatMap((group) => group.GroupName ?? []);
    const groupPolicies = new Map(
      await Promise.all(
        groupNames.map(async (groupName) => {
          const policies = await collectPages(
            paginateListAttachedGroupPolicies({ client: iam }, { GroupName: groupName }),
            (p) => p.AttachedPolicies,
          );
          return [groupName, policies.flatMap((policy) => policy.PolicyArn ?? [])] as const;
        }),
      ),
    );
    return planMfaRemediation(
      {
        userId: user.userId,
        userName: user.userName,
        attachedPolicyArns: attached.flatMap((p) => p.PolicyArn ?? []),
        groupNames,
      },
      groupPolicies,
      settings,
    );
  }

  return createRemediationHandler(
    {
      name: "remediate-mfa-policy",
      ruleName: "mfa-policy-attached",
      resourceTypes: [RESOURCE_TYPES.iamUser],
      environment: MFA_ENVIRONMENT,
      actions: ACTIONS,
      async plan(change, settings) {
        const user = change.resourceName
          ? { userId: change.resourceId, userName: change.resourceName }
          : await findUserById(iam, change.resourceId);
        if (!user) return [resourceGone(`user ${change.resourceId}`)];
        try {
          return [await planUser(user, settings)];
        } catch (error) {
          // Named by an API call, and deleted since.
          if (isAlreadyGone(error)) return [resourceGone(`user ${user.userName}`)];
          throw error;
        }
      },
      fromApiCall(call) {
        // By name, as the call names it: a user just created may not be listed yet (IAM is
        // eventually consistent), and the plan's reads take the name.
        const userName = textAt(call.requestParameters, "userName");
        const userId = textAt(call.responseElements, "user", "userId");
        return Promise.resolve(
          userName
            ? [
                {
                  ruleName: "mfa-policy-attached",
                  resourceType: RESOURCE_TYPES.iamUser,
                  resourceId: userId ?? userName,
                  resourceName: userName,
                  compliance: "NON_COMPLIANT",
                },
              ]
            : [],
        );
      },
    },
    { iam },
    dependencies,
  );
}

/** The Lambda entry point when this module is deployed as is. */
export const handler = lazyHandler(() => createHandler());
