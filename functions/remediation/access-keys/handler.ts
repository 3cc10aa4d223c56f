/**
 * Lambda for access keys older than maxAccessKeyAge, on access-keys-rotated NON_COMPLIANT: per
 * mode, reports, deactivates, or (after keyDeleteGraceDays inactive) deletes them. In delete mode
 * a daily sweep deletes keys whose grace period ran out, which no compliance change announces.
 */
import {
  DeleteAccessKeyCommand,
  IAMClient,
  TagUserCommand,
  UntagUserCommand,
  UpdateAccessKeyCommand,
  paginateGetAccountAuthorizationDetails,
  paginateListAccessKeys,
  paginateListUserTags,
} from "@aws-sdk/client-iam";
import {
  AccessKeyMode,
  DEACTIVATED_TAG_PREFIX,
  KeyAction,
  deactivationTag,
  planKeyRemediation,
} from "./plan";
import { RESOURCE_TYPES } from "../../rules/verdict";
import { findUserById } from "../../shared/iam";
import { lazyHandler } from "../../shared/lazy";
import { collectPages } from "../../shared/paginate";
import {
  RemediationAction,
  RemediationDependencies,
  RemediationHandler,
  createRemediationHandler,
  resourceGone,
  isAlreadyGone,
} from "../../shared/remediation-handler";
import {
  environmentParameters,
  listParameter,
  positiveIntegerParameter,
} from "../../shared/rule-parameters";

/** Exactly the calls this remediation makes in each mode. */
export function permissions(mode: AccessKeyMode): string[] {
  const reads = ["iam:ListUsers", "iam:ListAccessKeys", "iam:ListUserTags"];
  if (mode === "report") return reads;
  const deactivate = [...reads, "iam:UpdateAccessKey", "iam:TagUser"];
  if (mode === "deactivate") return deactivate;
  return [
    ...deactivate,
    "iam:DeleteAccessKey",
    "iam:UntagUser",
    "iam:GetAccountAuthorizationDetails",
  ];
}

export interface RemediateAccessKeysDependencies extends RemediationDependencies {
  iam: IAMClient;
  /** MODE (report | deactivate | delete), MAX_ACCESS_KEY_AGE, KEY_DELETE_GRACE_DAYS, EXEMPT_USERS. */
  env: Readonly<Record<string, string | undefined>>;
  now?: () => Date;
}

export function createHandler(
  dependencies: RemediateAccessKeysDependencies = { iam: new IAMClient({}), env: process.env },
): RemediationHandler {
  const { iam } = dependencies;
  const now = dependencies.now ?? (() => new Date());
  const env = environmentParameters(dependencies.env);
  const mode: AccessKeyMode =
    env.MODE === "delete" ? "delete" : env.MODE === "deactivate" ? "deactivate" : "report";
  const settings = {
    mode,
    maxAccessKeyAge: positiveIntegerParameter(env, "MAX_ACCESS_KEY_AGE", 90, "environment"),
    keyDeleteGraceDays: positiveIntegerParameter(env, "KEY_DELETE_GRACE_DAYS", 14, "environment"),
  };
  const exemptUsers = listParameter(env, "EXEMPT_USERS");

  /** Plans and carries out one user's key actions. */
  async function remediateUser(userName: string): Promise<RemediationAction[]> {
    const [keys, tags] = await Promise.all([
      collectPages(
        paginateListAccessKeys({ client: iam }, { UserName: userName }),
        (p) => p.AccessKeyMetadata,
      ),
      collectPages(paginateListUserTags({ client: iam }, { UserName: userName }), (p) => p.Tags),
    ]);
    const at = now();
    const plan = planKeyRemediation(
      keys.map((key) => ({
        id: key.AccessKeyId ?? "",
        status: key.Status === "Active" ? "Active" : "Inactive",
        createDate: key.CreateDate ?? at,
      })),
      Object.fromEntries(tags.map((tag) => [tag.Key ?? "", tag.Value ?? ""])),
      settings,
      at,
    );
    const actions: RemediationAction[] = [];
    for (const step of plan) {
      if (mode === "report") {
        actions.push({ ...step, userName, outcome: "reported" });
        continue;
      }
      actions.push({ ...step, userName, outcome: await carryOut(step, userName, at) });
    }
    return actions;
  }

  async function carryOut(
    step: KeyAction,
    userName: string,
    at: Date,
  ): Promise<RemediationAction["outcome"]> {
    const record = () =>
      iam.send(
        new TagUserCommand({
          UserName: userName,
          Tags: [{ Key: deactivationTag(step.keyId), Value: at.toISOString() }],
        }),
      );
    switch (step.action) {
      case "deactivate":
        try {
          await iam.send(
            new UpdateAccessKeyCommand({
              UserName: userName,
              AccessKeyId: step.keyId,
              Status: "Inactive",
            }),
          );
        } catch (error) {
          // Deleted meanwhile: nothing left to deactivate, and nothing to record.
          if (isAlreadyGone(error)) return "already-done";
          throw error;
        }
        await record();
        return "done";
      case "forget-record":
        await iam.send(
          new UntagUserCommand({ UserName: userName, TagKeys: [deactivationTag(step.keyId)] }),
        );
        return "done";
      case "record-deactivation":
        await record();
        return "done";
      case "delete": {
        let outcome: RemediationAction["outcome"] = "done";
        try {
          await iam.send(
            new DeleteAccessKeyCommand({ UserName: userName, AccessKeyId: step.keyId }),
          );
        } catch (error) {
          if (!isAlreadyGone(error)) throw error;
          outcome = "already-done";
        }
        await iam.send(
          new UntagUserCommand({ UserName: userName, TagKeys: [deactivationTag(step.keyId)] }),
        );
        return outcome;
      }
    }
  }

  return createRemediationHandler(
    {
      name: "remediate-access-keys",
      ruleName: "access-keys-rotated",
      resourceTypes: [RESOURCE_TYPES.iamUser],
      mode,
      async remediate(change) {
        const user = await findUserById(iam, change.resourceId);
        if (!user) return [resourceGone(`user ${change.resourceId}`)];
        if (exemptUsers.includes(user.userName)) {
          return [
            {
              action: "none",
              outcome: "already-done",
              userName: user.userName,
              reason: "exempt (exemptUsers)",
            },
          ];
        }
        return remediateUser(user.userName);
      },
      // Only users this program tagged can have a key waiting for deletion: one listing finds them.
      sweep:
        mode === "delete"
          ? async () => {
              const users = await collectPages(
                paginateGetAccountAuthorizationDetails(
                  { client: iam, pageSize: 1000 },
                  { Filter: ["User"] },
                ),
                (page) => page.UserDetailList,
              );
              const tagged = users.filter(
                (user) =>
                  !exemptUsers.includes(user.UserName ?? "") &&
                  (user.Tags ?? []).some((tag) => tag.Key?.startsWith(DEACTIVATED_TAG_PREFIX)),
              );
              const actions: RemediationAction[] = [];
              for (const user of tagged)
                actions.push(...(await remediateUser(user.UserName ?? "")));
              return actions;
            }
          : undefined,
    },
    dependencies,
  );
}

/** The Lambda entry point when this module is deployed as is. */
export const handler = lazyHandler(() => createHandler());
