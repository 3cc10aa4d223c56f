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
import { findUserById, findUserByName } from "../../shared/iam";
import { lazyHandler } from "../../shared/lazy";
import { collectPages } from "../../shared/paginate";
import {
  ActionSpecs,
  RemediationDependencies,
  RemediationHandler,
  createRemediationHandler,
  remediationPermissions,
  resourceGone,
} from "../../shared/remediation-handler";
import { MFA_ENVIRONMENT } from "./environment";
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
  return createRemediationHandler(
    {
      name: "remediate-mfa-policy",
      ruleName: "mfa-policy-attached",
      resourceTypes: [RESOURCE_TYPES.iamUser],
      environment: MFA_ENVIRONMENT,
      actions: ACTIONS,
      async plan(change, settings) {
        const user = await findUserById(iam, change.resourceId);
        if (!user) return [resourceGone(`user ${change.resourceId}`)];
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
        const step = planMfaRemediation(
          {
            userId: user.userId,
            userName: user.userName,
            attachedPolicyArns: attached.flatMap((p) => p.PolicyArn ?? []),
            groupNames,
          },
          groupPolicies,
          settings,
        );
        return [step];
      },
      async fromApiCall(call) {
        const userName = textAt(call.requestParameters, "userName");
        // Config names users by id: the same listing the plan reads finds it.
        const user = userName ? await findUserByName(iam, userName) : undefined;
        return user
          ? [
              {
                ruleName: "mfa-policy-attached",
                resourceType: RESOURCE_TYPES.iamUser,
                resourceId: user.userId,
                compliance: "NON_COMPLIANT",
              },
            ]
          : [];
      },
    },
    { iam },
    dependencies,
  );
}

/** The Lambda entry point when this module is deployed as is. */
export const handler = lazyHandler(() => createHandler());
