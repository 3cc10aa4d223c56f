/**
 * What the access-key remediation does for one user's keys.
 *
 * Scenarios (each is a test case):
 * - `report`: nothing is changed; the plan says what `deactivate` would do;
 * - `deactivate`: active keys created more than `maxAccessKeyAge` days ago are deactivated, and
 *   the time is recorded on the user (tag), starting the grace period; younger keys are kept;
 * - `delete`: as deactivate; an inactive key whose recorded deactivation is at least
 *   `keyDeleteGraceDays` old is deleted; an inactive key with no record (deactivated by someone
 *   else) gets one now, so it is deleted only after a full grace period. An active key is never
 *   deleted in one step, whatever its age;
 * - a record (tag) of a key that no longer exists is removed in delete mode, so tags do not pile
 *   up towards IAM's 50-tag limit;
 * - a second run changes nothing it changed already (idempotent).
 *
 * IAM does not record when a key was deactivated, hence the tag.
 */

/**
 * What the remediation does about keys past maxAccessKeyAge: say what it would do, deactivate
 * them, or deactivate them and delete them after keyDeleteGraceDays.
 */
export const ACCESS_KEY_MODES = ["report", "deactivate", "delete"] as const;
export type AccessKeyMode = (typeof ACCESS_KEY_MODES)[number];

export interface AccessKey {
  id: string;
  status: "Active" | "Inactive";
  createDate: Date;
}

export type KeyAction =
  | { action: "deactivate"; keyId: string; ageDays: number }
  | { action: "record-deactivation"; keyId: string }
  | { action: "delete"; keyId: string; inactiveDays: number }
  /** A recorded deactivation whose key is gone (deleted by someone else): drop the tag. */
  | { action: "forget-record"; keyId: string };

/** The user tag that records when this program found a key inactive. */
export const DEACTIVATED_TAG_PREFIX = "guardrails:deactivated:";

export function deactivationTag(keyId: string): string {
  return `${DEACTIVATED_TAG_PREFIX}${keyId}`;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export function planKeyRemediation(
  keys: readonly AccessKey[],
  /** The user's tags, by key. */
  tags: Readonly<Record<string, string>>,
  settings: { mode: AccessKeyMode; maxAccessKeyAge: number; keyDeleteGraceDays: number },
  now: Date,
): KeyAction[] {
  const days = (since: Date) => Math.floor((now.getTime() - since.getTime()) / DAY_MS);
  const actions: KeyAction[] = [];
  for (const key of keys) {
    if (key.status === "Active") {
      const ageDays = days(key.createDate);
      if (ageDays > settings.maxAccessKeyAge) {
        actions.push({ action: "deactivate", keyId: key.id, ageDays });
      }
      continue;
    }
    if (settings.mode !== "delete") continue;
    const recorded = tags[deactivationTag(key.id)];
    const since = recorded ? new Date(recorded) : undefined;
    if (!since || Number.isNaN(since.getTime())) {
      actions.push({ action: "record-deactivation", keyId: key.id });
      continue;
    }
    const inactiveDays = days(since);
    if (inactiveDays >= settings.keyDeleteGraceDays) {
      actions.push({ action: "delete", keyId: key.id, inactiveDays });
    }
  }
  if (settings.mode === "delete") {
    for (const tag of Object.keys(tags)) {
      if (!tag.startsWith(DEACTIVATED_TAG_PREFIX)) continue;
      const keyId = tag.slice(DEACTIVATED_TAG_PREFIX.length);
      if (!keys.some((key) => key.id === keyId)) actions.push({ action: "forget-record", keyId });
    }
  }
  return actions;
}
