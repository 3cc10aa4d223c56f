/**
 * The benchmark's call counts at small N, asserted: the counts `npm run bench` reports come from
 * the same synthetic account, middleware and handlers. Counts only, never times.
 */
import { strict as assert } from "assert";
import { CHANGE_SHARES, measureSteady } from "../../bench/child";
import { syntheticClients } from "../../bench/counting-clients";
import {
  instanceItem,
  runChanges,
  runPeriodic,
  runSeed,
  securityGroupItem,
  seedViolations,
  userItem,
} from "../../bench/scenarios";
import { GROUP_COUNT, ipPermissions, syntheticAccount } from "../../bench/synthetic-account";

const expected = (account: ReturnType<typeof syntheticAccount>, rule: "inactive" | "mfa") => {
  const counts: Record<string, number> = {};
  for (const user of account.users) {
    counts[user.expected[rule]] = (counts[user.expected[rule]] ?? 0) + 1;
  }
  return counts;
};

describe("bench: API calls per evaluation", () => {
  for (const n of [250, 2_001]) {
    describe(`${n.toLocaleString("en")} users`, () => {
      const account = syntheticAccount(n);
      const clients = syntheticClients(account);

      it("iam-inactive-users: one credential report, ListUsers by 1,000, PutEvaluations by 100", async () => {
        const run = await runPeriodic("iam-inactive-users", account, clients);

        // A rule with no results yet: one page of stored results read, every verdict sent.
        assert.deepEqual(run.calls, {
          "config:GetComplianceDetailsByConfigRule": 1,
          "config:PutEvaluations": Math.ceil(n / 100),
          // STARTED, then COMPLETE after the handler's wait, as IAM answers a fresh account.
          "iam:GenerateCredentialReport": 2,
          "iam:GetCredentialReport": 1,
          "iam:ListUsers": Math.ceil(n / 1000),
        });
        assert.equal(run.evaluations, n);
        assert.deepEqual(run.verdicts, expected(account, "inactive"));
      });

      it("mfa-policy-attached: GetAccountAuthorizationDetails by 1,000 users and groups", async () => {
        const run = await runPeriodic("mfa-policy-attached", account, clients);

        assert.deepEqual(run.calls, {
          "config:GetComplianceDetailsByConfigRule": 1,
          "config:PutEvaluations": Math.ceil(n / 100),
          "iam:GetAccountAuthorizationDetails": Math.ceil((n + GROUP_COUNT) / 1000),
        });
        assert.deepEqual(run.verdicts, expected(account, "mfa"));
      });

      for (const rule of ["iam-inactive-users", "mfa-policy-attached"] as const) {
        it(`${rule}, a run after a first: reads every page of held results, sends only the changed`, async () => {
          await runPeriodic(rule, account, clients);
          const changed = Math.ceil(n / 100);
          clients.stored.alter(changed);
          const run = await runPeriodic(rule, account, clients, { steady: true });
          assert.equal(run.evaluations, changed);
          assert.equal(run.calls["config:GetComplianceDetailsByConfigRule"], Math.ceil(n / 100));
          assert.equal(run.calls["config:PutEvaluations"], Math.ceil(changed / 100));
          assert.equal(run.summaries[0]?.unchanged, n - changed);
        });
      }

      it("the cost runs beyond SIZES: users only, every share sending exactly what changed", async () => {
        for (const rule of ["iam-inactive-users", "mfa-policy-attached"] as const) {
          const result = await measureSteady(rule, n);
          assert.deepEqual(
            result.steady.map(({ share, changed, sent }) => ({ share, changed, sent })),
            CHANGE_SHARES.map((share) => ({
              share,
              changed: Math.round(n * share),
              sent: Math.round(n * share),
            })),
          );
          assert.ok(result.memory.peakRss >= result.memory.baselineRss);
        }
        assert.equal(syntheticAccount(n, "users").securityGroups.length, 0);
      });

      it("the seed's iam-inactive-user: three calls per user, PasswordLastUsed only", async () => {
        const run = await runSeed("iam-inactive-user (seed)", account, clients);

        assert.deepEqual(run.calls, {
          "config:GetResourceConfigHistory": n,
          "config:PutEvaluations": n,
          "iam:GetUser": n,
        });
        assert.deepEqual(
          clients.evaluations.map((evaluation) => evaluation.ComplianceType),
          account.users.map((user) => user.expected.seedInactive),
        );
      });
    });
  }

  it("the seed's find_violation: blind to IPv6, a KeyError on protocol -1", () => {
    const groups = syntheticAccount(8).securityGroups;

    const verdicts = seedViolations(
      groups.map((group) => ({ IpPermissions: ipPermissions(group.kind) })),
    );

    assert.deepEqual(
      verdicts,
      groups.map((group) => group.expected.seed),
    );
    assert.ok(verdicts.includes("KeyError"));
  });

  describe("change notifications", () => {
    const account = syntheticAccount(250);
    const clients = syntheticClients(account);

    it("exposed-ports: a security group item needs no call but PutEvaluations", async () => {
      const run = await runChanges("exposed-ports", account, clients, [
        securityGroupItem(account, 0),
        securityGroupItem(account, 1),
      ]);

      assert.deepEqual(run.calls, { "config:PutEvaluations": 2 });
      assert.deepEqual(run.verdicts, { COMPLIANT: 1, NON_COMPLIANT: 1 });
    });

    it("exposed-ports: an instance item, one DescribeSecurityGroups for all its groups", async () => {
      const item = instanceItem(account, 2);
      assert.equal(item.configuration.securityGroups.length, 3);

      const run = await runChanges("exposed-ports", account, clients, [item]);

      assert.deepEqual(run.calls, {
        "config:PutEvaluations": 1,
        "ec2:DescribeSecurityGroups": 1,
      });
    });

    it("iam-inactive-users: a user's change reads the whole credential report", async () => {
      const run = await runChanges("iam-inactive-users", account, clients, [userItem(account, 0)]);

      // A fresh account: the report is STARTED, then COMPLETE after the handler's wait.
      assert.deepEqual(run.calls, {
        "config:PutEvaluations": 1,
        "iam:GenerateCredentialReport": 2,
        "iam:GetCredentialReport": 1,
      });
    });

    it("mfa-policy-attached: a user's change reads each of its groups' policies", async () => {
      const item = userItem(account, 1);
      assert.equal(item.configuration.groupList.length, 2);

      const run = await runChanges("mfa-policy-attached", account, clients, [item]);

      assert.deepEqual(run.calls, {
        "config:PutEvaluations": 1,
        "iam:ListAttachedGroupPolicies": 2,
      });
    });
  });
});
