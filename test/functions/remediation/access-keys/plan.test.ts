import { strict as assert } from "assert";
import {
  AccessKey,
  AccessKeyMode,
  KeyAction,
  deactivationTag,
  planKeyRemediation,
} from "../../../../functions/remediation/access-keys/plan";

const DAY_MS = 24 * 60 * 60 * 1000;
const NOW = new Date("2025-06-10T08:15:00.000Z");
const daysAgo = (days: number, from = NOW) => new Date(from.getTime() - days * DAY_MS);
const SETTINGS = { maxAccessKeyAge: 90, keyDeleteGraceDays: 14 };

const OLD = "AKIA2G65BPRJOLD00001";
const YOUNG = "AKIA2G65BPRJYOUNG002";
const IDLE = "AKIA2G65BPRJIDLE0003";

function key(id: string, status: AccessKey["status"], ageDays: number): AccessKey {
  return { id, status, createDate: daysAgo(ageDays) };
}

/** The user's tags with a deactivation recorded `days` ago for each key given. */
function recorded(entries: Array<[string, number]>): Record<string, string> {
  return Object.fromEntries(
    entries.map(([keyId, days]) => [deactivationTag(keyId), daysAgo(days).toISOString()]),
  );
}

function plan(
  mode: AccessKeyMode,
  keys: AccessKey[],
  tags: Record<string, string> = {},
  now = NOW,
): KeyAction[] {
  return planKeyRemediation(keys, tags, { mode, ...SETTINGS }, now);
}

/** What the handler's calls do to the account: the key list and the user's tags afterwards. */
function apply(
  keys: readonly AccessKey[],
  tags: Readonly<Record<string, string>>,
  actions: readonly KeyAction[],
  now: Date,
): { keys: AccessKey[]; tags: Record<string, string> } {
  let nextKeys = [...keys];
  const nextTags = { ...tags };
  for (const step of actions) {
    switch (step.action) {
      case "deactivate":
        nextKeys = nextKeys.map((k) => (k.id === step.keyId ? { ...k, status: "Inactive" } : k));
        nextTags[deactivationTag(step.keyId)] = now.toISOString();
        break;
      case "record-deactivation":
        nextTags[deactivationTag(step.keyId)] = now.toISOString();
        break;
      case "delete":
        nextKeys = nextKeys.filter((k) => k.id !== step.keyId);
        delete nextTags[deactivationTag(step.keyId)];
        break;
      case "forget-record":
        delete nextTags[deactivationTag(step.keyId)];
        break;
    }
  }
  return { keys: nextKeys, tags: nextTags };
}

describe("access-keys remediation planner (planKeyRemediation)", () => {
  it("forgets the record of a key deleted by someone else (delete mode only), keeping the others", () => {
    const tags = {
      ...recorded([
        [IDLE, 3],
        ["AKIA2G65BPRJGONE0004", 20],
      ]),
      team: "platform",
    };
    assert.deepEqual(plan("delete", [key(IDLE, "Inactive", 200)], tags), [
      { action: "forget-record", keyId: "AKIA2G65BPRJGONE0004" },
    ]);
    assert.deepEqual(plan("deactivate", [key(IDLE, "Inactive", 200)], tags), []);
  });

  it("records deactivations under one tag per key", () => {
    assert.equal(deactivationTag(OLD), `guardrails:deactivated:${OLD}`);
  });

  const scenarios: Array<
    [string, AccessKeyMode, AccessKey[], Record<string, string>, KeyAction[]]
  > = [
    // report: nothing is changed; the plan says what deactivate would do.
    [
      "report: an active key older than maxAccessKeyAge would be deactivated",
      "report",
      [key(OLD, "Active", 200)],
      {},
      [{ action: "deactivate", keyId: OLD, ageDays: 200 }],
    ],
    ["report: a young active key is kept", "report", [key(YOUNG, "Active", 30)], {}, []],
    [
      "report: an inactive key past its grace period is not planned for deletion",
      "report",
      [key(IDLE, "Inactive", 300)],
      recorded([[IDLE, 60]]),
      [],
    ],
    [
      "report: an inactive key without a record is left alone",
      "report",
      [key(IDLE, "Inactive", 300)],
      {},
      [],
    ],
    // deactivate
    [
      "deactivate: an active key of 91 days is deactivated",
      "deactivate",
      [key(OLD, "Active", 91)],
      {},
      [{ action: "deactivate", keyId: OLD, ageDays: 91 }],
    ],
    [
      "deactivate: an active key of exactly maxAccessKeyAge days is kept",
      "deactivate",
      [key(OLD, "Active", 90)],
      {},
      [],
    ],
    ["deactivate: a young active key is kept", "deactivate", [key(YOUNG, "Active", 10)], {}, []],
    [
      "deactivate: an inactive key without a record is left alone",
      "deactivate",
      [key(IDLE, "Inactive", 300)],
      {},
      [],
    ],
    [
      "deactivate: an inactive key past its grace period is never deleted",
      "deactivate",
      [key(IDLE, "Inactive", 300)],
      recorded([[IDLE, 60]]),
      [],
    ],
    [
      "deactivate: old and young keys of one user, each on its own",
      "deactivate",
      [key(YOUNG, "Active", 5), key(OLD, "Active", 120)],
      {},
      [{ action: "deactivate", keyId: OLD, ageDays: 120 }],
    ],
    // delete
    [
      "delete: a very old active key is deactivated, never deleted in one step",
      "delete",
      [key(OLD, "Active", 400)],
      {},
      [{ action: "deactivate", keyId: OLD, ageDays: 400 }],
    ],
    [
      "delete: an active key with an old deactivation record (reactivated since) is not deleted",
      "delete",
      [key(OLD, "Active", 400)],
      recorded([[OLD, 100]]),
      [{ action: "deactivate", keyId: OLD, ageDays: 400 }],
    ],
    [
      "delete: a young active key with an old record is kept",
      "delete",
      [key(YOUNG, "Active", 20)],
      recorded([[YOUNG, 100]]),
      [],
    ],
    [
      "delete: an inactive key recorded 20 days ago (grace 14) is deleted",
      "delete",
      [key(IDLE, "Inactive", 300)],
      recorded([[IDLE, 20]]),
      [{ action: "delete", keyId: IDLE, inactiveDays: 20 }],
    ],
    [
      "delete: an inactive key recorded exactly keyDeleteGraceDays ago is deleted",
      "delete",
      [key(IDLE, "Inactive", 300)],
      recorded([[IDLE, 14]]),
      [{ action: "delete", keyId: IDLE, inactiveDays: 14 }],
    ],
    [
      "delete: an inactive key recorded 13 days ago waits",
      "delete",
      [key(IDLE, "Inactive", 300)],
      recorded([[IDLE, 13]]),
      [],
    ],
    [
      "delete: a young inactive key past its grace period is deleted (creation age is irrelevant)",
      "delete",
      [key(YOUNG, "Inactive", 20)],
      recorded([[YOUNG, 15]]),
      [{ action: "delete", keyId: YOUNG, inactiveDays: 15 }],
    ],
    [
      "delete: an inactive key without a record (deactivated by someone else) gets one now",
      "delete",
      [key(IDLE, "Inactive", 300)],
      {},
      [{ action: "record-deactivation", keyId: IDLE }],
    ],
    [
      "delete: a garbage record is replaced, not trusted",
      "delete",
      [key(IDLE, "Inactive", 300)],
      { [deactivationTag(IDLE)]: "last tuesday" },
      [{ action: "record-deactivation", keyId: IDLE }],
    ],
    [
      "delete: an empty record is replaced",
      "delete",
      [key(IDLE, "Inactive", 300)],
      { [deactivationTag(IDLE)]: "" },
      [{ action: "record-deactivation", keyId: IDLE }],
    ],
    [
      "delete: another key's record does not count (its key gone, it is forgotten)",
      "delete",
      [key(IDLE, "Inactive", 300)],
      recorded([[OLD, 60]]),
      [
        { action: "record-deactivation", keyId: IDLE },
        { action: "forget-record", keyId: OLD },
      ],
    ],
    [
      "delete: a record in the future (clock skew) waits",
      "delete",
      [key(IDLE, "Inactive", 300)],
      recorded([[IDLE, -3]]),
      [],
    ],
    [
      "delete: two keys of one user, one per action",
      "delete",
      [key(OLD, "Active", 200), key(IDLE, "Inactive", 300)],
      recorded([[IDLE, 30]]),
      [
        { action: "deactivate", keyId: OLD, ageDays: 200 },
        { action: "delete", keyId: IDLE, inactiveDays: 30 },
      ],
    ],
    ["deactivate: a user without keys needs nothing", "deactivate", [], recorded([[OLD, 30]]), []],
  ];
  for (const [scenario, mode, keys, tags, expected] of scenarios) {
    it(scenario, () => {
      assert.deepEqual(plan(mode, keys, tags), expected);
    });
  }

  describe("idempotence: applying a plan's effects and planning again yields nothing", () => {
    const account = (): { keys: AccessKey[]; tags: Record<string, string> } => ({
      keys: [
        key(OLD, "Active", 200),
        key(YOUNG, "Active", 10),
        key(IDLE, "Inactive", 300),
        key("AKIA2G65BPRJGRACE004", "Inactive", 300),
      ],
      tags: recorded([["AKIA2G65BPRJGRACE004", 30]]),
    });

    for (const mode of ["deactivate", "delete"] as const) {
      it(`${mode}: a second run at the same time plans nothing`, () => {
        const start = account();
        const first = plan(mode, start.keys, start.tags);
        assert.ok(first.length > 0, "the first run must have something to do");
        const after = apply(start.keys, start.tags, first, NOW);
        assert.deepEqual(plan(mode, after.keys, after.tags), []);
      });
    }

    it("delete: deactivated today, deleted after the grace period, then nothing", () => {
      let state = { keys: [key(OLD, "Active", 200)], tags: {} as Record<string, string> };
      const runs: string[][] = [];
      for (const day of [0, 1, 13, 14, 15, 30]) {
        const now = new Date(NOW.getTime() + day * DAY_MS);
        const actions = plan("delete", state.keys, state.tags, now);
        runs.push(actions.map((step) => `${step.action} ${step.keyId}`));
        state = apply(state.keys, state.tags, actions, now);
      }
      assert.deepEqual(runs, [[`deactivate ${OLD}`], [], [], [`delete ${OLD}`], [], []]);
      assert.deepEqual(state, { keys: [], tags: {} });
    });
  });
});
