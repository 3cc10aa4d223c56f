import { strict as assert } from "assert";
import { CredentialReportRow } from "../../../../functions/rules/credential-report";
import {
  evaluateInactiveUsers,
  evaluateUserActivity,
} from "../../../../functions/rules/iam-inactive-users/evaluate";

const NOW = new Date("2025-06-10T12:00:00Z");
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000);
const USER = { userId: "AIDA2G65BPRJX3MQADPTP", userName: "alice" };
const PARAMETERS = { maxInactiveDays: 90, exemptUsers: ["ci-deployer"] };

function row(change: Partial<CredentialReportRow>): CredentialReportRow {
  return {
    user: "alice",
    arn: "arn:aws:iam::123456789012:user/alice",
    userCreationTime: daysAgo(400),
    passwordEnabled: true,
    accessKey1Active: false,
    accessKey2Active: false,
    ...change,
  };
}

describe("iam-inactive-users evaluator", () => {
  const scenarios: Array<[string, Partial<CredentialReportRow>, string, RegExp]> = [
    [
      "password used 10 days ago",
      { passwordLastUsed: daysAgo(10) },
      "COMPLIANT",
      /console password on \d{4}-\d\d-\d\d, 10 days ago/,
    ],
    [
      "password used 120 days ago",
      { passwordLastUsed: daysAgo(120) },
      "NON_COMPLIANT",
      /120 days ago \(limit 90 days\)/,
    ],
    ["exactly at the limit", { passwordLastUsed: daysAgo(90) }, "COMPLIANT", /90 days ago/],
    [
      "old password but access key 2 used yesterday",
      { passwordLastUsed: daysAgo(300), accessKey2LastUsed: daysAgo(1), accessKey2Active: true },
      "COMPLIANT",
      /access key 2 on .*, 1 day ago/,
    ],
    [
      "access key 1 used 200 days ago, nothing else",
      { accessKey1LastUsed: daysAgo(200) },
      "NON_COMPLIANT",
      /access key 1 .* 200 days ago/,
    ],
    [
      "never used anything, created 400 days ago",
      {},
      "NON_COMPLIANT",
      /never used a password or access key since its creation on .*, 400 days ago/,
    ],
    [
      "never used anything, created yesterday",
      { userCreationTime: daysAgo(1) },
      "COMPLIANT",
      /never used .* 1 day ago/,
    ],
  ];
  for (const [scenario, change, compliance, annotation] of scenarios) {
    it(`${scenario}: ${compliance}`, () => {
      const verdict = evaluateUserActivity(USER, row(change), PARAMETERS, NOW);
      assert.equal(verdict.compliance, compliance);
      assert.match(verdict.annotation, annotation);
      assert.equal(verdict.resourceType, "AWS::IAM::User");
      assert.equal(
        verdict.resourceId,
        "AIDA2G65BPRJX3MQADPTP",
        "Config knows users by id, not name",
      );
    });
  }

  it("an exempt user is COMPLIANT, however idle", () => {
    const verdict = evaluateUserActivity(
      { userId: "AIDAEXEMPT", userName: "ci-deployer" },
      row({}),
      PARAMETERS,
      NOW,
    );
    assert.equal(verdict.compliance, "COMPLIANT");
    assert.match(verdict.annotation, /exempt/);
  });

  it("a user newer than the report is COMPLIANT", () => {
    const verdict = evaluateUserActivity(USER, undefined, PARAMETERS, NOW);
    assert.equal(verdict.compliance, "COMPLIANT");
    assert.match(verdict.annotation, /newer than the credential report/);
  });

  it("matches users to report rows by ARN, one verdict per user", () => {
    const users = [
      { ...USER, arn: "arn:aws:iam::123456789012:user/alice" },
      { userId: "AIDABOB", userName: "bob", arn: "arn:aws:iam::123456789012:user/bob" },
    ];
    const report = [
      row({ passwordLastUsed: daysAgo(5) }),
      row({
        user: "bob",
        arn: "arn:aws:iam::123456789012:user/bob",
        passwordLastUsed: daysAgo(500),
      }),
    ];
    const verdicts = evaluateInactiveUsers(users, report, PARAMETERS, NOW);
    assert.deepEqual(
      verdicts.map((v) => [v.resourceId, v.compliance]),
      [
        ["AIDA2G65BPRJX3MQADPTP", "COMPLIANT"],
        ["AIDABOB", "NON_COMPLIANT"],
      ],
    );
  });
});
