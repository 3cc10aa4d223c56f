import { strict as assert } from "assert";
import { UnknownValueError } from "@pulumi/policy";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { UNKNOWN, isUnknownValueError, known } from "../../policies/resources";

/**
 * A second copy of @pulumi/policy's proxy module, as `npm install` in policies/ makes one: its
 * UnknownValueError is another class with the same name.
 */
/** The proxy module's sentinels are not in its declarations: read like the proxy does. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const ownUnknown: unknown = (require("@pulumi/policy/proxy") as Record<string, unknown>)
  .unknownStringValue;

function secondCopy(): {
  UnknownValueError: new (sentinel: unknown, props: string[]) => Error;
  unknownStringValue: unknown;
} {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "policy-copy-"));
  const source = require.resolve("@pulumi/policy/proxy");
  fs.copyFileSync(source, path.join(dir, "proxy.js"));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(path.join(dir, "proxy.js"));
}

describe("reading props unknown at preview", () => {
  it("recognises the unknown-value error of this copy and of another copy", () => {
    const other = secondCopy();
    assert.notEqual(other.UnknownValueError, UnknownValueError, "really another class");
    const copies = [
      { ErrorClass: UnknownValueError, sentinel: ownUnknown },
      { ErrorClass: other.UnknownValueError, sentinel: other.unknownStringValue },
    ];
    for (const { ErrorClass, sentinel } of copies) {
      const value = known(() => {
        throw new ErrorClass(sentinel, ["ingress", "0", "cidrBlocks"]);
      });
      assert.equal(value, UNKNOWN);
    }
  });

  it("lets any other error through", () => {
    assert.equal(isUnknownValueError(new Error("can't be known during preview")), false);
    assert.throws(
      () =>
        known(() => {
          throw new TypeError("not unknown");
        }),
      TypeError,
    );
    assert.equal(
      known(() => 42),
      42,
    );
  });
});
