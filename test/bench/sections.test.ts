import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { SECTIONS, readSection } from "../../bench/sections";

const ROOT = path.join(__dirname, "..", "..");

describe("bench figures in the README", () => {
  const results = fs.readFileSync(path.join(ROOT, "bench", "results.md"), "utf8");
  const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
  for (const name of SECTIONS) {
    it(`${name}: the README quotes bench/results.md as npm run bench wrote it`, () => {
      const written = readSection(results, name);
      assert.ok(written?.includes("|"), `bench/results.md holds the ${name} table`);
      assert.equal(readSection(readme, name), written, "run npm run bench, do not edit by hand");
    });
  }
});
