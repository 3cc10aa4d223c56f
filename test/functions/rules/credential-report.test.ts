import { strict as assert } from "assert";
import { parseCredentialReport } from "../../../functions/rules/credential-report";
import { fixture, fixtureText } from "../../helpers/fixtures";

const CSV = fixtureText("snapshot-shapes/credential-report.csv");

describe("credential report", () => {
  it("parses every IAM user and leaves the root account out", () => {
    const rows = parseCredentialReport(CSV);
    assert.deepEqual(
      rows.map((row) => row.user),
      ["alice", "bob", "carol", "dave"],
    );
  });

  it("reads dates, and N/A and no_information as no use", () => {
    const [alice, bob, carol, dave] = parseCredentialReport(CSV);
    assert.equal(alice?.passwordLastUsed?.toISOString(), "2025-06-09T16:42:05.000Z");
    assert.equal(bob?.passwordLastUsed, undefined); // N/A: no password
    assert.equal(bob?.accessKey1LastUsed?.toISOString(), "2024-11-02T13:27:00.000Z");
    assert.equal(bob?.accessKey1Active, true);
    assert.equal(carol?.accessKey1LastUsed, undefined); // key never used
    assert.equal(dave?.passwordEnabled, true);
    assert.equal(dave?.passwordLastUsed, undefined); // no_information
    assert.equal(dave?.userCreationTime.toISOString(), "2024-12-15T14:20:02.000Z");
  });

  it("is what `aws iam get-credential-report` returns, base64-decoded", () => {
    const output = fixture("snapshot-shapes/credential-report.json");
    assert.equal(Buffer.from(output.Content, "base64").toString("utf8"), CSV);
  });

  it("joins back user names that contain commas (IAM allows them; the report does not quote)", () => {
    const header = CSV.split("\n")[0];
    const row =
      "ops,team,arn:aws:iam::123456789012:user/ops,team,2025-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A";
    const [parsed] = parseCredentialReport(`${header}\n${row}\n`);
    assert.equal(parsed?.user, "ops,team");
    assert.equal(parsed?.arn, "arn:aws:iam::123456789012:user/ops,team");
    assert.equal(parsed?.userCreationTime.toISOString(), "2025-01-01T00:00:00.000Z");
  });

  it("refuses a report without the columns it needs, naming them", () => {
    assert.throws(
      () => parseCredentialReport("user,arn\nalice,arn:aws:iam::1:user/alice\n"),
      /no columns user_creation_time, password_enabled/,
    );
  });
});
