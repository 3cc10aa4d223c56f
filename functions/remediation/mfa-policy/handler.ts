/** Lambda that enforces the MFA policy on a user, on mfa-policy-attached NON_COMPLIANT. */
import {
  AddUserToGroupCommand,
  AttachUserPolicyCommand,
  IAMClient,
  paginateListAttachedGroupPolicies,
  paginateListAttachedUserPolicies,
  paginateListGroupsForUser,
} from "@aws-sdk/client-iam";
import { MfaEnforcementMode, planMfaRemediation } from "./plan";
import { RESOURCE_TYPES } from "../../rules/verdict";
import { findUserById } from "../../shared/iam";
import { lazyHandler } from "../../shared/lazy";
import { collectPages } from "../../shared/paginate";
import {
  RemediationDependencies,
  RemediationHandler,
  createRemediationHandler,
  resourceGone,
} from "../../shared/remediation-handler";
import { environmentParameters, listParameter, requiredParameter } from "../../shared/rule-parameters";

export type MfaRemediationMode = "report" | "enforce";

/** Exactly the calls this remediation makes for a mode and enforcement. */
export function permissions(mode: MfaRemediationMode, enforcement: MfaEnforcementMode): string[] {
  const reads = [
    "iam:ListUsers",
    "iam:ListAttachedUserPolicies",
    "iam:ListGroupsForUser",
    "iam:ListAttachedGroupPolicies",
  ];
  if (mode === "report") return reads;
  return [...reads, enforcement === "group" ? "iam:AddUserToGroup" : "iam:AttachUserPolicy"];
}

export interface RemediateMfaDependencies extends RemediationDependencies {
  iam: IAMClient;
  /** MODE (report | enforce), ENFORCEMENT (group | attach), POLICY_ARN, GROUP_NAME, EXEMPT_USERS. */
  env: Readonly<Record<string, string | undefined>>;
}

export function createHandler(
  dependencies: RemediateMfaDependencies = { iam: new IAMClient({}), env: process.env },
): RemediationHandler {
  const { iam } = dependencies;
  const env = environmentParameters(dependencies.env);
  const mode: MfaRemediationMode = env.MODE === "enforce" ? "enforce" : "report";
  const settings = {
    policyArn: requiredParameter(
      env,
      "POLICY_ARN",
      /^arn:aws[\w-]*:iam::\d{12}:policy\/.+$/,
      "a managed policy ARN",
      "environment",
    ),
    groupName: requiredParameter(
      env,
      "GROUP_NAME",
      /^[\w+=,.@-]{1,128}$/,
      "an IAM group name",
      "environment",
    ),
    enforcement: (env.ENFORCEMENT === "attach" ? "attach" : "group") as MfaEnforcementMode,
    exemptUsers: listParameter(env, "EXEMPT_USERS"),
  };
  return createRemediationHandler(
    {
      name: "remediate-mfa-policy",
      ruleName: "mfa-policy-attached",
      resourceTypes: [RESOURCE_TYPES.iamUser],
      mode,
      async remediate(change) {
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
        const plan = planMfaRemediation(
          {
            userId: user.userId,
            userName: user.userName,
            attachedPolicyArns: attached.flatMap((p) => p.PolicyArn ?? []),
            groupNames,
          },
          groupPolicies,
          settings,
        );
        if (plan.action === "none")
          return [{ ...plan, userName: user.userName, outcome: "already-done" }];
        if (mode === "report") return [{ ...plan, outcome: "reported" }];
        if (plan.action === "add-to-group") {
          await iam.send(
            new AddUserToGroupCommand({ GroupName: plan.groupName, UserName: plan.userName }),
          );
        } else {
          await iam.send(
            new AttachUserPolicyCommand({ UserName: plan.userName, PolicyArn: plan.policyArn }),
          );
        }
        return [{ ...plan, outcome: "done" }];
      },
    },
    dependencies,
  );
}

/** The Lambda entry point when this module is deployed as is. */
export const handler = lazyHandler(() => createHandler());
