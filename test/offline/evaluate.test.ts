/**
 * The offline evaluation of a rule scoped by tag (restricted-ssh with restrictedSshTagKey): AWS
 * Config evaluates only the resources its scope covers, so the report holds only theirs; a
 * snapshot without the tags cannot tell which those are, and says so instead of judging.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseSettings } from "../../config";
import { RuleVerdict, evaluateSnapshot } from "../../offline/evaluate";
import { DEMO_SNAPSHOT } from "../../offline/main";
import { readSnapshot } from "../../offline/snapshot";

const TAGGED_WEB = ["sg-0e1b2a3c4d5e6f708", "sg-01e6ac70a11c0ffee"];

function verdictsOf(dir: string, settings: Record<string, unknown>, rule: string): RuleVerdict[] {
  return evaluateSnapshot(readSnapshot(dir), parseSettings(settings)).filter(
    (verdict) => verdict.rule === rule,
  );
}

describe("offline evaluation of a rule scoped by tag", () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "scoped-"));
  after(() => fs.rmSync(root, { recursive: true, force: true }));
  let count = 0;
  /** The demo account with every security group's item edited. */
  function demoWithGroups(edit: (item: Record<string, any>) => void): string {
    const dir = path.join(root, String(count++));
    fs.cpSync(DEMO_SNAPSHOT, dir, { recursive: true });
    const file = path.join(dir, "config-items.json");
    const document = JSON.parse(fs.readFileSync(file, "utf8")) as { Results: string[] };
    document.Results = document.Results.map((text) => {
      const item = JSON.parse(text) as Record<string, any>;
      if (item.resourceType === "AWS::EC2::SecurityGroup") edit(item);
      return JSON.stringify(item);
    });
    fs.writeFileSync(file, JSON.stringify(document));
    return dir;
  }
  const web = { restrictedSshTagKey: "team", restrictedSshTagValue: "web" };

  it("judges only the groups tagged with the key and the value", () => {
    const verdicts = verdictsOf(DEMO_SNAPSHOT, web, "restricted-ssh");
    assert.deepEqual(
      verdicts.map((verdict) => verdict.resourceId),
      TAGGED_WEB,
    );
    // A group left out is not merely hidden: its verdict, unscoped, is a violation.
    const unscoped = verdictsOf(DEMO_SNAPSHOT, {}, "restricted-ssh");
    assert.equal(
      unscoped.find((verdict) => verdict.resourceId === "sg-0b4571011e5a1d2c3")?.compliance,
      "NON_COMPLIANT",
    );
    assert.deepEqual(
      verdicts,
      unscoped.filter((verdict) => TAGGED_WEB.includes(verdict.resourceId)),
      "the groups in scope are judged as without a scope",
    );
  });

  it("with a key alone, judges every group carrying it, whatever its value", () => {
    const ids = verdictsOf(DEMO_SNAPSHOT, { restrictedSshTagKey: "team" }, "restricted-ssh").map(
      (verdict) => verdict.resourceId,
    );
    const all = verdictsOf(DEMO_SNAPSHOT, {}, "restricted-ssh").map((v) => v.resourceId);
    // The demo's one group without tags is the only one left out.
    assert.deepEqual(
      ids,
      all.filter((id) => id !== "sg-0c0ffee0c0ffee000"),
    );
    assert.deepEqual(
      verdictsOf(DEMO_SNAPSHOT, { restrictedSshTagKey: "Team" }, "restricted-ssh"),
      [],
      "keys match as written",
    );
  });

  it("scopes only the rule the scope is for", () => {
    for (const rule of ["exposed-ports", "vpc-sg-open-only-to-authorized-ports"]) {
      assert.deepEqual(verdictsOf(DEMO_SNAPSHOT, web, rule), verdictsOf(DEMO_SNAPSHOT, {}, rule));
    }
  });

  it("reads the configuration's tags when the query did not select the item's", () => {
    const dir = demoWithGroups((item) => delete item.tags);
    assert.deepEqual(
      verdictsOf(dir, web, "restricted-ssh"),
      verdictsOf(DEMO_SNAPSHOT, web, "restricted-ssh"),
    );
  });

  it("reads tags given as values by key, as GetResourceConfigHistory writes them", () => {
    const dir = demoWithGroups((item) => {
      item.tags = Object.fromEntries(
        (item.tags as Array<{ key: string; value: string }>).map((tag) => [tag.key, tag.value]),
      );
    });
    assert.deepEqual(
      verdictsOf(dir, web, "restricted-ssh").map((verdict) => verdict.resourceId),
      TAGGED_WEB,
    );
  });

  it("says INSUFFICIENT_DATA, naming the scope, for groups whose tags the snapshot does not hold", () => {
    const dir = demoWithGroups((item) => {
      delete item.tags;
      delete item.configuration.tags;
    });
    const verdicts = verdictsOf(dir, web, "restricted-ssh");
    assert.equal(verdicts.length, verdictsOf(DEMO_SNAPSHOT, {}, "restricted-ssh").length);
    for (const verdict of verdicts) {
      assert.equal(verdict.compliance, "INSUFFICIENT_DATA", verdict.resourceId);
      assert.match(verdict.annotation, /scoped to resources tagged team=web.*select tags/);
      assert.equal(verdict.remediation, undefined, "nothing is repaired on a verdict not made");
    }
    // Unscoped, the same snapshot is judged as before: the tags are needed only for a scope.
    assert.deepEqual(
      verdictsOf(dir, {}, "restricted-ssh"),
      verdictsOf(DEMO_SNAPSHOT, {}, "restricted-ssh"),
    );
  });
});
