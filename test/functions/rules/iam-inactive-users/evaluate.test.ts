import { strict as assert } from "assert";
import {
  CredentialReportRow,
  ReportUser,
  indexCredentialReport,
} from "../../../../functions/rules/credential-report";
import {
  evaluateInactiveUsers,
  evaluateUserActivity,
} from "../../../../functions/rules/iam-inactive-users/evaluate";

const NOW = new Date("2025-06-10T12:00:00Z");
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000);
const USER = {
  userId: "AIDA2G65BPRJX3MQADPTP",
  userName: "alice",
  arn: "arn:aws:iam::123456789012:user/alice",
};
const PARAMETERS = { maxInactiveDays: 90, exemptUsers: ["ci-deployer"] };

function row(change: Partial<CredentialReportRow>): CredentialReportRow {
  return {
    user: "alice",
    arn: "arn:aws:iam::123456789012:user/alice",
    userCreationTime: daysAgo(400),
    passwordEnabled: true,
    mfaActive: false,
    accessKey1Active: false,
    accessKey2Active: false,
    ...change,
  };
}

/** A verdict the evaluator must give: the user has a report row. */
function judged(user: ReportUser, reportRow: CredentialReportRow) {
  const { verdicts, unjudged } = evaluateInactiveUsers(
    [user],
    indexCredentialReport([{ ...reportRow, arn: user.arn }], NOW),
    PARAMETERS,
    NOW,
  );
  assert.deepEqual(unjudged, [], "a user with a report row always gets a verdict");
  const [verdict] = verdicts;
  assert.ok(verdict && verdicts.length === 1);
  return verdict;
}

describe("iam-inactive-users evaluator", () => {
  const scenarios: Array<[string, Partial<CredentialReportRow>, string, RegExp]> = [
    [
      "password used 10 days ago",
      { passwordLastUsed: daysAgo(10) },
      "COMPLIANT",
      /console password on \d{4}-\d\d-\d\d \(limit 90 days\)/,
    ],
    [
      "password used 120 days ago",
      { passwordLastUsed: daysAgo(120) },
      "NON_COMPLIANT",
      /console password on \d{4}-\d\d-\d\d \(limit 90 days\)/,
    ],
    [
      "exactly at the limit",
      { passwordLastUsed: daysAgo(90) },
      "COMPLIANT",
      /console password on 2025-03-12 \(limit 90 days\)/,
    ],
    [
      "old password but access key 2 used yesterday",
      { passwordLastUsed: daysAgo(300), accessKey2LastUsed: daysAgo(1), accessKey2Active: true },
      "COMPLIANT",
      /access key 2 on 2025-06-09 \(limit 90 days\)/,
    ],
    [
      "access key 1 used 200 days ago, nothing else",
      { accessKey1LastUsed: daysAgo(200) },
      "NON_COMPLIANT",
      /access key 1 on \d{4}-\d\d-\d\d \(limit 90 days\)/,
    ],
    [
      "never used anything, created 400 days ago",
      {},
      "NON_COMPLIANT",
      /never used a password or access key since its creation on \d{4}-\d\d-\d\d \(limit 90 days\)/,
    ],
    [
      "never used anything, created yesterday",
      { userCreationTime: daysAgo(1) },
      "COMPLIANT",
      /never used .* since its creation on \d{4}-\d\d-\d\d/,
    ],
  ];
  for (const [scenario, change, compliance, annotation] of scenarios) {
    it(`${scenario}: ${compliance}`, () => {
      const verdict = judged(USER, row(change));
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

  it("names the latest use, and of uses on the same day the first the report lists", () => {
    const latest = judged(
      USER,
      row({ passwordLastUsed: daysAgo(30), accessKey2LastUsed: daysAgo(5) }),
    );
    assert.match(latest.annotation, /last used its access key 2 on/);
    const tied = judged(
      USER,
      row({
        accessKey1LastUsed: daysAgo(5),
        accessKey2LastUsed: daysAgo(5),
        passwordLastUsed: daysAgo(9),
      }),
    );
    assert.match(tied.annotation, /last used its access key 1 on/);
  });

  it("an exempt user is COMPLIANT, however idle", () => {
    const verdict = judged(
      {
        userId: "AIDAEXEMPT",
        userName: "ci-deployer",
        arn: "arn:aws:iam::123456789012:user/ci-deployer",
      },
      row({}),
    );
    assert.equal(verdict.compliance, "COMPLIANT");
    assert.match(verdict.annotation, /exempt/);
  });

  describe("a user missing from the report", () => {
    const generated = daysAgo(2);
    const missing = (createDate: Date | undefined) =>
      evaluateUserActivity({ ...USER, createDate }, undefined, PARAMETERS, NOW, generated);
    it("created after the report was generated: COMPLIANT, it is new", () => {
      const verdict = missing(daysAgo(1));
      assert.equal(verdict?.compliance, "COMPLIANT");
      assert.match(verdict?.annotation ?? "", /created on .*, after the credential report of/);
    });
    it("created before the report: no verdict, the report is incomplete for it", () => {
      assert.equal(missing(daysAgo(400)), undefined);
    });
    it("creation date unknown: no verdict, never COMPLIANT by default", () => {
      assert.equal(missing(undefined), undefined);
      assert.equal(
        evaluateUserActivity(
          { ...USER, createDate: daysAgo(1) },
          undefined,
          PARAMETERS,
          NOW,
          undefined,
        ),
        undefined,
      );
    });
    it("an exempt user is exempt even so", () => {
      const { verdicts, unjudged } = evaluateInactiveUsers(
        [
          {
            userId: "AIDAEXEMPT",
            userName: "CI-Deployer",
            arn: "arn:aws:iam::123456789012:user/CI-Deployer",
            createDate: daysAgo(400),
          },
        ],
        indexCredentialReport([], generated),
        PARAMETERS,
        NOW,
      );
      assert.deepEqual(unjudged, []);
      assert.equal(verdicts[0]?.compliance, "COMPLIANT");
      assert.equal(verdicts[0]?.annotation, "CI-Deployer is exempt (exemptUsers).");
    });
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
    const { verdicts, unjudged } = evaluateInactiveUsers(
      [
        ...users,
        { userId: "AIDAGONE", userName: "gone", arn: "arn:aws:iam::123456789012:user/gone" },
      ],
      indexCredentialReport(report, NOW),
      PARAMETERS,
      NOW,
    );
    assert.deepEqual(
      unjudged.map((user) => user.userName),
      ["gone"],
    );
    assert.deepEqual(
      verdicts.map((v) => [v.resourceId, v.compliance]),
      [
        ["AIDA2G65BPRJX3MQADPTP", "COMPLIANT"],
        ["AIDABOB", "NON_COMPLIANT"],
      ],
    );
  });
});
