/**
 * The tests match EventBridge patterns with test/helpers/event-pattern.ts. Here every pattern
 * the program plans (a single account with real-time repair, the audit account, the member
 * baseline) is matched against every event fixture by moto's EventBridge pattern matcher too
 * (the one its rules use; its TestEventPattern API answers nothing): both must agree on every
 * pair, and each pattern must match some fixture, so that a pattern the helper accepts and
 * EventBridge would not cannot pass.
 */
import { execFileSync } from "child_process";
import { strict as assert } from "assert";
import * as os from "os";
import * as fs from "fs";
import * as path from "path";
import { parseSettings } from "../../config";
import { ProgramRun, runProgram } from "../../offline/mock-runtime";
import { memberBaseline } from "../../organization/baseline";
import { createAudit, createGuardrails } from "../../stack";
import { matchesPattern } from "../helpers/event-pattern";
import { jsonInput, resourcesOfType } from "../helpers/program";

const FIXTURES = path.join(__dirname, "..", "fixtures");
const ORGANIZATION = {
  homeRegion: "eu-west-1",
  regions: ["eu-west-1", "us-east-1"],
  exposedPortsRemediation: "revoke",
  mfaRemediation: "enforce",
};

function patternsOf(run: ProgramRun): Array<[string, unknown]> {
  return resourcesOfType(run, "aws:cloudwatch/eventRule:EventRule")
    .filter((rule) => typeof rule.inputs.eventPattern === "string")
    .map((rule) => [rule.name, jsonInput(rule, "eventPattern")]);
}

/** Every event fixture, and the member-account version of each compliance change. */
function events(): Array<[string, Record<string, unknown>]> {
  const read = (folder: string) =>
    fs
      .readdirSync(path.join(FIXTURES, folder))
      .filter((file) => file.endsWith(".json"))
      .map((file): [string, Record<string, unknown>] => [
        `${folder}/${file}`,
        JSON.parse(fs.readFileSync(path.join(FIXTURES, folder, file), "utf8")),
      ]);
  const all = [...read("cloudtrail"), ...read("config-events")].filter(
    // EventBridge events only (not the Lambda events AWS Config sends a rule).
    ([, event]) => typeof event["detail-type"] === "string",
  );
  const variants: Array<[string, Record<string, unknown>]> = [];
  for (const [name, event] of all) {
    const detail = event.detail as Record<string, any>;
    if (typeof detail.configRuleName === "string") {
      // The IAM rules' changes, in an account and in a member.
      const organization = detail.configRuleName.startsWith("OrgConfigRule-");
      for (const rule of ["mfa-policy-attached", "access-keys-rotated", "iam-inactive-users"]) {
        variants.push([
          `${name} as ${rule}`,
          {
            ...event,
            detail: {
              ...detail,
              configRuleName: organization ? `OrgConfigRule-${rule}-dbgzf8ba` : rule,
              resourceType: "AWS::IAM::User",
            },
          },
        ]);
      }
    }
    if (
      typeof detail.configRuleName === "string" &&
      detail.configRuleName.startsWith("OrgConfigRule-")
    ) {
      variants.push([
        `${name}, COMPLIANT`,
        {
          ...event,
          detail: {
            ...detail,
            newEvaluationResult: { ...detail.newEvaluationResult, complianceType: "COMPLIANT" },
          },
        },
      ]);
    }
    if (name === "cloudtrail/remove-user-from-group.json") {
      variants.push([
        `${name} in another case`,
        {
          ...event,
          detail: {
            ...detail,
            requestParameters: { ...detail.requestParameters, groupName: "MFA-Required" },
          },
        },
      ]);
    }
  }
  return [...all, ...variants];
}

/** moto's verdict for each pair, from the Python package the integration tests run. */
function motoMatches(pairs: ReadonlyArray<{ pattern: unknown; event: unknown }>): boolean[] {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "patterns-")), "pairs.json");
  fs.writeFileSync(file, JSON.stringify(pairs));
  const script = [
    "import json, sys",
    "from moto.events.models import EventPattern, EventPatternParser",
    "pairs = json.load(open(sys.argv[1]))",
    "out = []",
    "for pair in pairs:",
    "    raw = json.dumps(pair['pattern'])",
    "    out.append(EventPattern(raw, EventPatternParser(raw).parse()).matches_event(pair['event']))",
    "print(json.dumps(out))",
  ].join("\n");
  return JSON.parse(
    execFileSync("python3", ["-c", script, file], { encoding: "utf8" }),
  ) as boolean[];
}

describe("the planned EventBridge patterns, as moto's EventBridge matches them", function () {
  this.timeout(180_000);
  const patterns: Array<[string, unknown]> = [];

  before(async () => {
    const account = await runProgram(
      () =>
        createGuardrails(
          parseSettings({
            realtimeRemediation: true,
            exposedPortsRemediation: "revoke",
            mfaRemediation: "enforce",
            accessKeyRemediation: "deactivate",
          }),
        ),
      { project: "guardrails", stack: "dev", config: { "aws:region": "eu-west-1" } },
    );
    const audit = await runProgram(
      () => createAudit(parseSettings({ deployment: "audit", ...ORGANIZATION })),
      { project: "guardrails", stack: "org-audit", config: {} },
    );
    const member = memberBaseline(
      parseSettings({
        deployment: "management",
        auditAccountId: "222233334444",
        organizationTargets: ["r-a1b2"],
        ...ORGANIZATION,
      }),
    );
    patterns.push(
      ...patternsOf(account).map(([name, p]): [string, unknown] => [`account ${name}`, p]),
      // The report records' pattern names function ARNs the mocks make up: matched elsewhere.
      ...patternsOf(audit)
        .filter(([name]) => !/remediation-reports/.test(name))
        .map(([name, p]): [string, unknown] => [`audit ${name}`, p]),
      ...Object.entries(member.Resources)
        .filter(([, resource]) => resource.Type === "AWS::Events::Rule")
        .map(([id, resource]): [string, unknown] => [
          `member ${id}`,
          resource.Properties.EventPattern,
        ]),
    );
  });
  it("agrees with the tests' matcher on every pattern and event, and every pattern matches some event", () => {
    const fixtures = events();
    assert.ok(patterns.length > 10, `${patterns.length} patterns`);
    const pairs = patterns.flatMap(([patternName, pattern]) =>
      fixtures.map(([eventName, event]) => ({ patternName, eventName, pattern, event })),
    );
    const verdicts = motoMatches(pairs);
    const disagreements: string[] = [];
    const unmatched = new Set(patterns.map(([name]) => name));
    pairs.forEach(({ patternName, eventName, pattern, event }, index) => {
      const moto = verdicts[index];
      const ours = matchesPattern(pattern, event);
      if (moto !== ours)
        disagreements.push(`${patternName} on ${eventName}: moto ${moto}, ours ${ours}`);
      if (moto) unmatched.delete(patternName);
    });
    assert.deepEqual(disagreements, []);
    assert.deepEqual([...unmatched], [], "patterns no fixture exercises");
  });
});
