import { strict as assert } from "assert";
import {
  formatPortRange,
  intersectPortRanges,
  isPortRangeError,
  mergePortRanges,
  parsePortList,
  parsePortRange,
} from "../../../functions/rules/ports";

describe("port ranges", () => {
  const valid: Array<[unknown, [number, number]]> = [
    [22, [22, 22]],
    ["22", [22, 22]],
    [" 1-1024 ", [1, 1024]],
    ["0-65535", [0, 65535]],
    ["8080 - 8081", [8080, 8081]],
  ];
  for (const [input, [from, to]] of valid) {
    it(`parses ${JSON.stringify(input)}`, () => {
      assert.deepEqual(parsePortRange(input), { from, to });
    });
  }

  const invalid: Array<[unknown, string]> = [
    [70000, "70000 is outside 0-65535"],
    ["10-5", "10 is greater than 5"],
    ["ssh", "not a whole number"],
    ["1-2-3", "more than one dash"],
    [-1, "-1 is outside 0-65535"],
    ["-1", "-1 is outside 0-65535"],
    [22.5, "not a whole number"],
    [null, "neither a number nor text"],
    ["", "empty"],
  ];
  for (const [input, reason] of invalid) {
    it(`rejects ${JSON.stringify(input)}: ${reason}`, () => {
      assert.throws(
        () => parsePortRange(input),
        (error: unknown) =>
          isPortRangeError(error) &&
          error.reason === reason &&
          /expected a port/.test(error.message),
      );
    });
  }

  it("parses the managed rules' comma-separated form", () => {
    assert.deepEqual(parsePortList("443, 1020-1025"), [
      { from: 443, to: 443 },
      { from: 1020, to: 1025 },
    ]);
  });

  it("intersects, merges and formats ranges", () => {
    assert.deepEqual(intersectPortRanges({ from: 0, to: 65535 }, { from: 1, to: 1024 }), {
      from: 1,
      to: 1024,
    });
    assert.equal(intersectPortRanges({ from: 80, to: 80 }, { from: 81, to: 90 }), undefined);
    assert.deepEqual(
      mergePortRanges([
        { from: 3389, to: 3389 },
        { from: 20, to: 22 },
        { from: 22, to: 25 },
        { from: 26, to: 26 },
      ]),
      [
        { from: 20, to: 26 },
        { from: 3389, to: 3389 },
      ],
    );
    assert.equal(formatPortRange({ from: 22, to: 22 }), "22");
    assert.equal(formatPortRange({ from: 1, to: 1024 }), "1-1024");
  });
});
