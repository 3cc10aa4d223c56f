import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseSettings } from "../../../config";
import type { RuleVerdict } from "../../../offline/evaluate";
import {
  BaselineError,
  changeCounts,
  compareWithBaseline,
  readBaseline,
  remediationPlans,
  summarize,
} from "../../../offline/report/model";

const verdict = (
  rule: RuleVerdict["rule"],
  resourceId: string,
  compliance: RuleVerdict["compliance"],
  remediation?: string,
): RuleVerdict => ({
  rule,
  resourceType: rule === "exposed-ports" ? "AWS::EC2::SecurityGroup" : "AWS::IAM::User",
  resourceId,
  compliance,
  annotation: `${resourceId} is ${compliance}`,
  ...(remediation ? { remediation } : {}),
});

const verdicts: RuleVerdict[] = [
  verdict("exposed-ports", "sg-1", "NON_COMPLIANT", "revoke mode, will revoke sg-1: 22/tcp"),
  verdict("exposed-ports", "sg-2", "COMPLIANT"),
  verdict("exposed-ports", "sg-3", "NOT_APPLICABLE"),
  verdict("mfa-policy-attached", "AIDA1", "NON_COMPLIANT", "report mode, would add bob"),
  verdict("mfa-policy-attached", "AIDA2", "NON_COMPLIANT"),
];

function writeFile(content: string): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "baseline-")), "previous.json");
  fs.writeFileSync(file, content);
  return file;
}

describe("offline report model", () => {
  it("counts each compliance per rule, in the catalogue's order", () => {
    assert.deepEqual(summarize(verdicts), [
      {
        rule: "exposed-ports",
        counts: { NON_COMPLIANT: 1, COMPLIANT: 1, NOT_APPLICABLE: 1, INSUFFICIENT_DATA: 0 },
        total: 3,
      },
      {
        rule: "mfa-policy-attached",
        counts: { NON_COMPLIANT: 2, COMPLIANT: 0, NOT_APPLICABLE: 0, INSUFFICIENT_DATA: 0 },
        total: 2,
      },
    ]);
  });

  it("plans each remediation of an evaluated rule in its mode, with the violations it acts on", () => {
    const plans = remediationPlans(verdicts, parseSettings({ mfaRemediation: "enforce" }));
    assert.deepEqual(
      plans.map(({ remediation, rule, mode, actions }) => ({
        remediation,
        rule,
        mode,
        actions: actions.map((action) => action.resourceId),
      })),
      [
        {
          remediation: "remediate-exposed-ports",
          rule: "exposed-ports",
          mode: "report",
          actions: ["sg-1"],
        },
        {
          remediation: "remediate-mfa-policy",
          rule: "mfa-policy-attached",
          mode: "enforce",
          actions: ["AIDA1"],
        },
      ],
    );
  });

  describe("against a baseline", () => {
    const baseline = [
      // Still failing: unchanged.
      { ...verdict("exposed-ports", "sg-1", "NON_COMPLIANT") },
      // Failed before, compliant now: resolved.
      { ...verdict("exposed-ports", "sg-2", "NON_COMPLIANT") },
      // Failed before, gone now: resolved.
      { ...verdict("exposed-ports", "sg-9", "NON_COMPLIANT") },
      // Compliant before, failing now: new (as AIDA2, absent from the baseline).
      { ...verdict("mfa-policy-attached", "AIDA1", "COMPLIANT") },
      // The same id under another rule is another violation.
      { ...verdict("iam-inactive-users", "AIDA2", "NON_COMPLIANT") },
    ];

    it("marks each violation new or unchanged, and lists the resolved", () => {
      const comparison = compareWithBaseline(verdicts, baseline, "previous.json");
      assert.deepEqual(Object.fromEntries(comparison.changes), {
        "exposed-ports AWS::EC2::SecurityGroup sg-1": "unchanged",
        "mfa-policy-attached AWS::IAM::User AIDA1": "new",
        "mfa-policy-attached AWS::IAM::User AIDA2": "new",
      });
      assert.deepEqual(
        comparison.resolved.map((entry) => `${entry.rule} ${entry.resourceId}`),
        ["exposed-ports sg-2", "exposed-ports sg-9", "iam-inactive-users AIDA2"],
      );
      assert.deepEqual(changeCounts(comparison), { new: 2, unchanged: 1, resolved: 3 });
      assert.deepEqual(changeCounts(comparison, "exposed-ports"), {
        new: 0,
        unchanged: 1,
        resolved: 2,
      });
    });

    it("reads a baseline that --json printed", () => {
      const file = writeFile(JSON.stringify(baseline, null, 2));
      assert.deepEqual(readBaseline(file), baseline);
    });

    for (const [what, content, message] of [
      ["a missing file", undefined, /cannot read it \(ENOENT\)/],
      ["text that is not JSON", "[{", /not valid JSON/],
      ["JSON that is not a list", '{"rule": "exposed-ports"}', /not a list/],
      [
        "an entry without its id",
        '[{"rule": "x", "resourceType": "y", "compliance": "z"}]',
        /entry 0 has no text resourceId/,
      ],
      [
        "an entry that is not an object",
        "[null]",
        /entry 0 has no text rule, resourceType, resourceId, compliance/,
      ],
    ] as const) {
      it(`refuses ${what}, naming the file and the form expected`, () => {
        const file = content === undefined ? "/nonexistent/previous.json" : writeFile(content);
        assert.throws(
          () => readBaseline(file),
          (error: Error) =>
            error instanceof BaselineError &&
            message.test(error.message) &&
            error.message.includes(`--baseline ${file}`) &&
            error.message.includes("npm start --silent -- --json"),
        );
      });
    }
  });
});
