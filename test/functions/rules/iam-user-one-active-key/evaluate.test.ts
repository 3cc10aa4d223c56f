import { strict as assert } from "assert";
import {
  CredentialReportRow,
  ReportUser,
  indexCredentialReport,
} from "../../../../functions/rules/credential-report";
import { evaluateOneActiveKey } from "../../../../functions/rules/iam-user-one-active-key/evaluate";

const GENERATED = new Date("2025-06-10T12:00:00Z");
const USER: ReportUser = {
  userId: "AIDA2G65BPRJX3MQADPTP",
  userName: "alice",
  arn: "arn:aws:iam::123456789012:user/alice",
  createDate: new Date("2024-01-01T00:00:00Z"),
};
const PARAMETERS = { exemptUsers: ["CI-Deployer"] };

function row(change: Partial<CredentialReportRow>): CredentialReportRow {
  return {
    user: USER.userName,
    arn: USER.arn,
    userCreationTime: new Date("2024-01-01T00:00:00Z"),
    passwordEnabled: false,
    mfaActive: false,
    accessKey1Active: false,
    accessKey2Active: false,
    ...change,
  };
}

const ROTATED_1 = new Date("2025-01-05T08:00:00Z");
const ROTATED_2 = new Date("2025-06-01T09:30:00Z");

describe("iam-user-one-active-key evaluator", () => {
  const scenarios: Array<[string, Partial<CredentialReportRow>, string, string]> = [
    ["no key", {}, "COMPLIANT", "alice has no active access key."],
    [
      "one active key",
      { accessKey1Active: true, accessKey1LastRotated: ROTATED_1 },
      "COMPLIANT",
      "alice has one active access key (access key 1).",
    ],
    [
      "key 2 active, key 1 deactivated after a rotation",
      {
        accessKey1LastRotated: ROTATED_1,
        accessKey2Active: true,
        accessKey2LastRotated: ROTATED_2,
      },
      "COMPLIANT",
      "alice has one active access key (access key 2).",
    ],
    [
      "both keys active",
      {
        accessKey1Active: true,
        accessKey1LastRotated: ROTATED_1,
        accessKey2Active: true,
        accessKey2LastRotated: ROTATED_2,
      },
      "NON_COMPLIANT",
      "alice has two active access keys (access key 1 created or rotated on 2025-01-05, access key 2 created or rotated on 2025-06-01); deactivate the one no longer used.",
    ],
    [
      "both keys active, one without a date in the report",
      { accessKey1Active: true, accessKey2Active: true, accessKey2LastRotated: ROTATED_2 },
      "NON_COMPLIANT",
      "alice has two active access keys (access key 1 of unknown age, access key 2 created or rotated on 2025-06-01); deactivate the one no longer used.",
    ],
  ];
  for (const [scenario, change, compliance, annotation] of scenarios) {
    it(`${scenario}: ${compliance}`, () => {
      const { verdicts, unjudged } = evaluateOneActiveKey(
        [USER],
        indexCredentialReport([row(change)], GENERATED),
        PARAMETERS,
      );
      assert.deepEqual(unjudged, []);
      assert.deepEqual(verdicts, [
        {
          resourceType: "AWS::IAM::User",
          resourceId: USER.userId,
          compliance,
          annotation,
        },
      ]);
    });
  }

  it("an exempt user is COMPLIANT with two active keys, matched regardless of case", () => {
    const deployer = {
      userId: "AIDADEPLOYER",
      userName: "ci-deployer",
      arn: "arn:aws:iam::123456789012:user/ci-deployer",
    };
    const { verdicts } = evaluateOneActiveKey(
      [deployer],
      indexCredentialReport(
        [
          row({
            user: "ci-deployer",
            arn: deployer.arn,
            accessKey1Active: true,
            accessKey2Active: true,
          }),
        ],
        GENERATED,
      ),
      PARAMETERS,
    );
    assert.equal(verdicts[0]?.compliance, "COMPLIANT");
    assert.equal(verdicts[0]?.annotation, "ci-deployer is exempt (exemptUsers).");
  });

  it("gives no verdict to a user missing from the report, even one created after it", () => {
    const newcomer = { ...USER, createDate: new Date(GENERATED.getTime() + 60_000) };
    const { verdicts, unjudged } = evaluateOneActiveKey(
      [newcomer, { ...USER, userId: "AIDAOLD", arn: `${USER.arn}-old` }],
      indexCredentialReport([], GENERATED),
      PARAMETERS,
    );
    assert.deepEqual(verdicts, [], "a new user may hold two keys already");
    assert.deepEqual(
      unjudged.map((user) => user.userId),
      [USER.userId, "AIDAOLD"],
    );
  });

  it("matches users to rows by ARN, not by name", () => {
    // A user deleted and created again under the same name is another user with another ARN path.
    const recreated = { ...USER, arn: "arn:aws:iam::123456789012:user/team/alice" };
    const { verdicts, unjudged } = evaluateOneActiveKey(
      [recreated],
      indexCredentialReport([row({ accessKey1Active: true, accessKey2Active: true })], GENERATED),
      PARAMETERS,
    );
    assert.deepEqual(verdicts, []);
    assert.equal(unjudged.length, 1);
  });
});
