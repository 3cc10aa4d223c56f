import { strict as assert } from "assert";
import {
  EncodedOverrides,
  OVERRIDES_VARIABLE,
  applyOverrides,
  encodedDifference,
  namesUnits,
  readOverrides,
} from "../../../functions/shared/account-overrides";

const ACCOUNT = "111122223333";
const UNIT = "ou-a1b2-c3d4e5f6";
const INNER_UNIT = "ou-a1b2-f6e5d4c3";

describe("account-overrides", () => {
  const base = { MODE: "report", EXEMPT_USERS: '["ci"]', GROUP_NAME: "mfa" };

  it("keeps only what a target's encoding changes", () => {
    assert.deepEqual(
      encodedDifference(base, { ...base, MODE: "enforce", EXEMPT_USERS: '["ci"]' }),
      { MODE: "enforce" },
    );
  });

  it("replaces values and adds exempt users, once each whatever their case, farthest target first", () => {
    const overrides: EncodedOverrides = {
      [UNIT]: { values: { MODE: "enforce", EXEMPT_USERS: '["ci","Legacy"]' } },
      [ACCOUNT]: { values: { MODE: "report", EXEMPT_USERS: '["ci","legacy","batch"]' } },
    };
    assert.deepEqual(applyOverrides(base, overrides, [UNIT, ACCOUNT]), {
      MODE: "report",
      EXEMPT_USERS: '["ci","Legacy","batch"]',
      GROUP_NAME: "mfa",
    });
    // Under the OU alone, the OU's mode.
    assert.equal((applyOverrides(base, overrides, [UNIT, "444455556666"]) as any).MODE, "enforce");
    // Neither: the stack's.
    assert.deepEqual(applyOverrides(base, overrides, ["444455556666"]), base);
  });

  it("lets the nearest target that says so decide whether the function acts", () => {
    const overrides: EncodedOverrides = {
      [UNIT]: { values: {}, off: true },
      [INNER_UNIT]: { values: { EXEMPT_USERS: '["x"]' } },
      [ACCOUNT]: { values: {}, off: false },
    };
    assert.equal(applyOverrides(base, overrides, [UNIT, INNER_UNIT, "444455556666"]), "off");
    assert.notEqual(applyOverrides(base, overrides, [UNIT, INNER_UNIT, ACCOUNT]), "off");
  });

  it("reads the variable a deployment wrote, and refuses one it did not", () => {
    assert.equal(readOverrides({}), undefined);
    const overrides = { [ACCOUNT]: { values: { MODE: "report" } } };
    assert.deepEqual(readOverrides({ [OVERRIDES_VARIABLE]: JSON.stringify(overrides) }), overrides);
    assert.throws(() => readOverrides({ [OVERRIDES_VARIABLE]: "[1]" }), /not a map/);
  });

  it("knows when an account's OUs must be read", () => {
    assert.equal(namesUnits({ [ACCOUNT]: {} }), false);
    assert.equal(namesUnits({ [ACCOUNT]: {}, [UNIT]: {} }), true);
  });
});
