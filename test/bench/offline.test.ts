import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { startNodeFlags } from "../../bench/offline";

const ROOT = path.join(__dirname, "..", "..");

describe("the offline bench runs the job as npm start does", () => {
  it("takes the node flags from package.json's start script", () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
      scripts: { start: string };
    };
    const flags = startNodeFlags(manifest.scripts.start);
    assert.deepEqual(
      ["node", ...flags, "-r", "ts-node/register/transpile-only", "offline/main.ts"].join(" "),
      manifest.scripts.start,
    );
    for (const flag of ["--no-turbo-inlining", "--initial-heap-size=1024"]) {
      assert.ok(flags.includes(flag), `${flag}: a flag the bench's figures and the README rest on`);
    }
  });

  it("refuses a start script it cannot run the same way, saying the form it expects", () => {
    for (const script of [
      "ts-node --transpile-only offline/main.ts",
      "node -r ts-node/register/transpile-only other/main.ts",
      "node inspect -r ts-node/register/transpile-only offline/main.ts",
    ]) {
      assert.throws(
        () => startNodeFlags(script),
        (error: Error) =>
          error.message.includes(JSON.stringify(script)) &&
          error.message.includes('expected "node [--flag ...] -r ts-node/register/transpile-only'),
      );
    }
    assert.deepEqual(
      startNodeFlags("node -r ts-node/register/transpile-only offline/main.ts"),
      [],
      "no flags is a form too",
    );
  });
});
