import { strict as assert } from "assert";
import { ACCESS_KEY_ENVIRONMENT } from "../../../functions/remediation/access-keys/environment";
import { EXPOSED_PORTS_ENVIRONMENT } from "../../../functions/remediation/exposed-ports/environment";
import { MFA_ENVIRONMENT } from "../../../functions/remediation/mfa-policy/environment";
import { INACTIVE_USERS_PARAMETERS } from "../../../functions/rules/iam-inactive-users/parameters";
import { MFA_POLICY_PARAMETERS } from "../../../functions/rules/mfa-policy-attached/parameters";
import {
  environmentBytes,
  inputParametersText,
  integerField,
  isBoundaryError,
  jsonListField,
  portRangesField,
} from "../../../functions/shared/boundary";
import { iamUserNames, wholeNumber } from "../../../functions/shared/checks";

/** Every character IAM accepts in a user name. */
const IAM_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+=,.@_-".split(
  "",
);

/** A small deterministic generator, so a failing case can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

/** Lists of distinct IAM user names: every legal character, lengths 1 to 64, commas included. */
function userNameLists(count: number, seed: number): string[][] {
  const next = random(seed);
  const lists: string[][] = [
    // Each character on its own, and all of them in one name.
    IAM_ALPHABET.filter((character) => !/[A-Z]/.test(character)),
    [IAM_ALPHABET.join("").slice(0, 64), IAM_ALPHABET.join("").slice(64)],
    ["ops,team", ",", ",,", "a,b,c", "=", "-"],
  ];
  for (let index = 0; index < count; index++) {
    const names = new Map<string, string>();
    const size = 1 + Math.floor(next() * 8);
    while (names.size < size) {
      const length = 1 + Math.floor(next() * 64);
      const name = Array.from(
        { length },
        () => IAM_ALPHABET[Math.floor(next() * IAM_ALPHABET.length)],
      ).join("");
      names.set(name.toLowerCase(), name);
    }
    lists.push([...names.values()]);
  }
  return lists;
}

/** What crosses AWS Config: the map as JSON text, parsed again as the Lambda's ruleParameters. */
function throughConfig(parameters: Record<string, string>): Record<string, unknown> {
  return JSON.parse(inputParametersText(parameters));
}

describe("boundary codecs", () => {
  describe("every legal IAM user name survives the round trip", () => {
    const lists = userNameLists(300, 20261201);
    it(`through InputParameters (${lists.length} lists)`, () => {
      for (const exemptUsers of lists) {
        const encoded = MFA_POLICY_PARAMETERS.encode({
          policyArn: "arn:aws:iam::123456789012:policy/DenyActionWithoutMFA",
          exemptUsers,
          refreshDays: 7,
        });
        assert.deepEqual(
          MFA_POLICY_PARAMETERS.decode(throughConfig(encoded)).exemptUsers,
          exemptUsers,
        );
        const inactive = INACTIVE_USERS_PARAMETERS.encode({
          maxInactiveDays: 45,
          exemptUsers,
          refreshDays: 7,
        });
        assert.deepEqual(INACTIVE_USERS_PARAMETERS.decode(throughConfig(inactive)), {
          maxInactiveDays: 45,
          exemptUsers,
          refreshDays: 7,
        });
      }
    });
    it(`through a Lambda environment (${lists.length} lists)`, () => {
      for (const exemptUsers of lists) {
        const settings = {
          mode: "deactivate" as const,
          maxAccessKeyAge: 90,
          keyDeleteGraceDays: 14,
          exemptUsers,
        };
        const variables = ACCESS_KEY_ENVIRONMENT.encode(settings);
        assert.ok(Object.values(variables).every((value) => typeof value === "string"));
        assert.deepEqual(ACCESS_KEY_ENVIRONMENT.decode(variables), settings);
      }
    });
    it("a comma-joined list would not have: ops,team is one name", () => {
      const variables = ACCESS_KEY_ENVIRONMENT.encode({
        mode: "report",
        maxAccessKeyAge: 90,
        keyDeleteGraceDays: 14,
        exemptUsers: ["ops,team"],
      });
      assert.equal(variables.EXEMPT_USERS, '["ops,team"]');
      assert.deepEqual(ACCESS_KEY_ENVIRONMENT.decode(variables).exemptUsers, ["ops,team"]);
    });
  });

  describe("decoding is strict", () => {
    const valid = MFA_ENVIRONMENT.encode({
      mode: "enforce",
      enforcement: "group",
      policyArn: "arn:aws:iam::123456789012:policy/DenyActionWithoutMFA",
      groupName: "mfa-required",
      exemptUsers: ["ci-deployer"],
    });
    const cases: Array<[string, Record<string, unknown>, RegExp]> = [
      [
        "a mode outside the vocabulary",
        { ...valid, MODE: "enforec" },
        /^environment\.MODE: "enforec" is invalid; expected one of report, enforce\.$/,
      ],
      [
        "an enforcement outside the vocabulary",
        { ...valid, ENFORCEMENT: "atach" },
        /^environment\.ENFORCEMENT: "atach" is invalid; expected one of group, attach\.$/,
      ],
      [
        "a missing variable",
        { ...valid, GROUP_NAME: undefined },
        /^environment\.GROUP_NAME: missing; the program always sets it/,
      ],
      [
        "a comma-joined list",
        { ...valid, EXEMPT_USERS: "ci-deployer,ops" },
        /^environment\.EXEMPT_USERS: "ci-deployer,ops" is invalid \(not JSON\)/,
      ],
      [
        "a list that is not a list",
        { ...valid, EXEMPT_USERS: '"ci-deployer"' },
        /^environment\.EXEMPT_USERS: .* \(not a list\)/,
      ],
      [
        "a name IAM refuses",
        { ...valid, EXEMPT_USERS: '["ci deployer"]' },
        /^environment\.EXEMPT_USERS\[0\]: "ci deployer" is invalid/,
      ],
      [
        "the same user twice, in another case",
        { ...valid, EXEMPT_USERS: '["Ops","ops"]' },
        /^environment\.EXEMPT_USERS\[1\]: "ops" is invalid \(the same as \[0\]\)/,
      ],
    ];
    for (const [what, raw, message] of cases) {
      it(`refuses ${what}, naming the variable`, () => {
        assert.throws(
          () => MFA_ENVIRONMENT.decode(raw),
          (error: unknown) => {
            assert.ok(isBoundaryError(error));
            assert.equal(error.problems.length, 1, error.problems.join("\n"));
            assert.match(error.problems[0] ?? "", message);
            return true;
          },
        );
      });
    }

    it("reports every problem at once", () => {
      assert.throws(
        () => MFA_ENVIRONMENT.decode({ MODE: "enforec", ENFORCEMENT: "atach" }),
        (error: unknown) => isBoundaryError(error) && error.problems.length === 5,
      );
    });

    it("refuses ruleParameters the rule does not read, and values that are not text", () => {
      const encoded = INACTIVE_USERS_PARAMETERS.encode({
        maxInactiveDays: 90,
        exemptUsers: [],
        refreshDays: 7,
      });
      assert.throws(
        () => INACTIVE_USERS_PARAMETERS.decode({ ...encoded, maxInactiveDay: "45" }),
        /ruleParameters\.maxInactiveDay: not a parameter of this rule; it reads maxInactiveDays, exemptUsers, refreshDays\./,
      );
      assert.throws(
        () => INACTIVE_USERS_PARAMETERS.decode({ ...encoded, maxInactiveDays: 90 }),
        /ruleParameters\.maxInactiveDays: 90 is not text\./,
      );
    });

    it("an environment holds Lambda's own variables besides the function's", () => {
      const variables = EXPOSED_PORTS_ENVIRONMENT.encode({
        mode: "revoke",
        forbiddenPorts: [{ from: 22, to: 22 }],
      });
      assert.deepEqual(
        EXPOSED_PORTS_ENVIRONMENT.decode({ ...variables, AWS_REGION: "eu-west-1", TZ: ":UTC" }),
        { mode: "revoke", forbiddenPorts: [{ from: 22, to: 22 }] },
      );
    });
  });

  describe("field codecs", () => {
    const days = integerField(wholeNumber(1, 3650));
    it("integers: digits only, in range, a sign read as out of range", () => {
      assert.equal(days.decode("45"), 45);
      assert.equal(days.encode(45), "45");
      assert.throws(() => days.decode("-1"), /out of range/);
      assert.throws(() => days.decode("4.5"), /expected a whole number from 1 to 3650/);
      assert.throws(() => days.decode(" 45"), /expected a whole number/);
      assert.throws(() => days.encode(0), /out of range/);
    });
    it("port ranges: AWS's comma form, without spaces or empty items", () => {
      assert.equal(
        portRangesField.encode([
          { from: 22, to: 22 },
          { from: 1, to: 1024 },
        ]),
        "22,1-1024",
      );
      assert.deepEqual(portRangesField.decode("22,8000-8100"), [
        { from: 22, to: 22 },
        { from: 8000, to: 8100 },
      ]);
      for (const bad of ["", "22,", "22, 3389", "ssh", "10-5"]) {
        assert.throws(() => portRangesField.decode(bad), `${JSON.stringify(bad)} is refused`);
      }
      assert.throws(() => portRangesField.encode([{ from: 5, to: 1 }]));
    });
    it("name lists: a refused name cannot be encoded either", () => {
      const names = jsonListField(iamUserNames, "an IAM user name");
      assert.throws(() => names.encode(["has space"]), /\[0\]/);
      assert.equal(names.encode([]), "[]");
    });
    it("counts an environment in bytes, keys included", () => {
      assert.equal(environmentBytes({ MODE: "report", NAME: "é" }), 4 + 6 + 4 + 2);
    });
  });
});
