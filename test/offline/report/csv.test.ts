import { strict as assert } from "assert";
import type { RuleVerdict } from "../../../offline/evaluate";
import { csvField, renderCsv } from "../../../offline/report/csv";
import { compareWithBaseline } from "../../../offline/report/model";
import { parseCsv } from "../../helpers/csv";

const verdicts: RuleVerdict[] = [
  {
    rule: "exposed-ports",
    resourceType: "AWS::EC2::SecurityGroup",
    resourceId: "sg-1",
    resourceName: 'web "public", east',
    compliance: "NON_COMPLIANT",
    annotation: "22/tcp open to 0.0.0.0/0; 3389/tcp open to ::/0",
    remediation: "report mode, would revoke sg-1: 22/tcp open to 0.0.0.0/0",
  },
  {
    rule: "mfa-policy-attached",
    resourceType: "AWS::IAM::User",
    resourceId: "AIDA1",
    // IAM allows = + - @ in user names: a spreadsheet would run this as a formula.
    resourceName: "=HYPERLINK(1)",
    compliance: "COMPLIANT",
    annotation: "line one\nline two",
  },
];

describe("offline report: CSV", () => {
  it("writes one row per verdict under a header, and reads back as written", () => {
    const rows = parseCsv(renderCsv(verdicts));
    assert.deepEqual(rows, [
      [
        "rule",
        "resource_type",
        "resource_id",
        "resource_name",
        "compliance",
        "annotation",
        "remediation",
      ],
      [
        "exposed-ports",
        "AWS::EC2::SecurityGroup",
        "sg-1",
        'web "public", east',
        "NON_COMPLIANT",
        "22/tcp open to 0.0.0.0/0; 3389/tcp open to ::/0",
        "report mode, would revoke sg-1: 22/tcp open to 0.0.0.0/0",
      ],
      [
        "mfa-policy-attached",
        "AWS::IAM::User",
        "AIDA1",
        "'=HYPERLINK(1)",
        "COMPLIANT",
        "line one\nline two",
        "",
      ],
    ]);
  });

  it("adds whether each violation is new since a baseline", () => {
    const comparison = compareWithBaseline(verdicts, [], "previous.json");
    const rows = parseCsv(renderCsv(verdicts, comparison));
    assert.equal(rows[0]?.at(-1), "since_baseline");
    assert.deepEqual(
      rows.slice(1).map((row) => row.at(-1)),
      ["new", ""],
    );
  });

  it("quotes only what needs it and keeps formulas text", () => {
    assert.equal(csvField("plain"), "plain");
    assert.equal(csvField("a,b"), '"a,b"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(csvField("+1"), "'+1");
    assert.equal(csvField("-1,2"), '"\'-1,2"');
    assert.equal(csvField("@sum"), "'@sum");
  });
});
