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
import { exemptionsOf } from "../../rules/iam-names";
import { RESOURCE_TYPES } from "../../rules/verdict";
import { findUserById } from "../../shared/iam";
import { lazyHandler } from "../../shared/lazy";
import { collectPages } from "../../shared/paginate";
import {
  ActionSpecs,
  NoStep,
  RemediationDependencies,
  RemediationHandler,
  createRemediationHandler,
  isAlreadyGone,
  remediationPermissions,
  resourceGone,
} from "../../shared/remediation-handler";
import { ACCESS_KEY_ENVIRONMENT, AccessKeyEnvironment } from "./environment";
import {
  AccessKeyMode,
  DEACTIVATED_TAG_PREFIX,
  KeyAction,
  deactivationTag,
  planKeyRemediation,
} from "./plan";

interface Clients {
  iam: IAMClient;
  now: () => Date;
}

type UserKeyAction = KeyAction & { userName: string };

/** Records when this program found the key inactive: IAM does not. */
function recordDeactivation(step: UserKeyAction, { iam, now }: Clients) {
  return iam.send(
    new TagUserCommand({
      UserName: step.userName,
      Tags: [{ Key: deactivationTag(step.keyId), Value: now().toISOString() }],
    }),
  );
}

function forgetDeactivation(step: UserKeyAction, { iam }: Clients) {
  return iam.send(
    new UntagUserCommand({ UserName: step.userName, TagKeys: [deactivationTag(step.keyId)] }),
  );
}

const ACTIONS: ActionSpecs<UserKeyAction, Clients> = {
  deactivate: {
    permissions: ["iam:UpdateAccessKey", "iam:TagUser"],
    async run(step, clients) {
      // Deleted meanwhile: the shared handler's already-done, with nothing to record.
      await clients.iam.send(
        new UpdateAccessKeyCommand({
          UserName: step.userName,
          AccessKeyId: step.keyId,
          Status: "Inactive",
        }),
      );
      await recordDeactivation(step, clients);
      return "done";
    },
  },
  "record-deactivation": {
    permissions: ["iam:TagUser"],
    async run(step, clients) {
      await recordDeactivation(step, clients);
      return "done";
    },
  },
  delete: {
    permissions: ["iam:DeleteAccessKey", "iam:UntagUser"],
    async run(step, clients) {
      let outcome: "done" | "already-done" = "done";
      try {
        await clients.iam.send(
          new DeleteAccessKeyCommand({ UserName: step.userName, AccessKeyId: step.keyId }),
        );
      } catch (error) {
        if (!isAlreadyGone(error)) throw error;
        outcome = "already-done";
      }
      // Gone either way: its record goes too, so tags do not pile up to IAM's 50.
      await forgetDeactivation(step, clients);
      return outcome;
    },
  },
  "forget-record": {
    permissions: ["iam:UntagUser"],
    async run(step, clients) {
      await forgetDeactivation(step, clients);
      return "done";
    },
  },
};

/** The steps each mode can plan: report plans what deactivate would do. */
const PLANNABLE: Record<AccessKeyMode, ReadonlyArray<KeyAction["action"]>> = {
  report: ["deactivate"],
  deactivate: ["deactivate"],
  delete: ["deactivate", "record-deactivation", "delete", "forget-record"],
};

/** Exactly the calls this remediation makes in each mode. */
export function permissions(mode: AccessKeyMode): string[] {
  const reads = ["iam:ListUsers", "iam:ListAccessKeys", "iam:ListUserTags"];
  // The delete mode's daily sweep finds the users this program tagged in one listing.
  const sweep = mode === "delete" ? ["iam:GetAccountAuthorizationDetails"] : [];
  return remediationPermissions([...reads, ...sweep], ACTIONS, PLANNABLE[mode], mode);
}

export interface RemediateAccessKeysDependencies extends RemediationDependencies {
  iam: IAMClient;
  now?: () => Date;
}

export function createHandler(
  dependencies: RemediateAccessKeysDependencies = { iam: new IAMClient({}), env: process.env },
): RemediationHandler {
  const { iam } = dependencies;
  const now = dependencies.now ?? (() => new Date());

  /** One user's key steps. */
  async function planUser(
    userName: string,
    settings: AccessKeyEnvironment,
  ): Promise<UserKeyAction[]> {
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
    return plan.map((step) => ({ ...step, userName }));
  }

  return createRemediationHandler(
    {
      name: "remediate-access-keys",
      ruleName: "access-keys-rotated",
      resourceTypes: [RESOURCE_TYPES.iamUser],
      environment: ACCESS_KEY_ENVIRONMENT,
      actions: ACTIONS,
      async plan(change, settings): Promise<Array<UserKeyAction | NoStep>> {
        const user = await findUserById(iam, change.resourceId);
        if (!user) return [resourceGone(`user ${change.resourceId}`)];
        if (exemptionsOf(settings.exemptUsers)(user.userName)) {
          return [{ action: "none", userName: user.userName, reason: "exempt (exemptUsers)" }];
        }
        return planUser(user.userName, settings);
      },
      // Only users this program tagged can have a key waiting for deletion: one listing finds them.
      sweep: (settings) => (settings.mode === "delete" ? sweepTagged(settings) : undefined),
    },
    { iam, now },
    dependencies,
  );

  async function sweepTagged(settings: AccessKeyEnvironment): Promise<UserKeyAction[]> {
    const users = await collectPages(
      paginateGetAccountAuthorizationDetails({ client: iam, pageSize: 1000 }, { Filter: ["User"] }),
      (page) => page.UserDetailList,
    );
    const isExempt = exemptionsOf(settings.exemptUsers);
    const tagged = users.filter(
      (user) =>
        !isExempt(user.UserName ?? "") &&
        (user.Tags ?? []).some((tag) => tag.Key?.startsWith(DEACTIVATED_TAG_PREFIX)),
    );
    const steps: UserKeyAction[] = [];
    for (const user of tagged) steps.push(...(await planUser(user.UserName ?? "", settings)));
    return steps;
  }
}

/** The Lambda entry point when this module is deployed as is. */
export const handler = lazyHandler(() => createHandler());
