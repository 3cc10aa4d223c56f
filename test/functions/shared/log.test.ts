import { strict as assert } from "assert";
import { LogLevel, jsonLogger } from "../../../functions/shared/log";

describe("jsonLogger", () => {
  const originalLog = console.log;
  const originalError = console.error;
  let written: { log: unknown[][]; error: unknown[][] };

  beforeEach(() => {
    written = { log: [], error: [] };
    console.log = (...args: unknown[]) => void written.log.push(args);
    console.error = (...args: unknown[]) => void written.error.push(args);
  });
  afterEach(() => {
    console.log = originalLog;
    console.error = originalError;
  });

  /** The one line written, parsed; fails unless exactly one string went to `stream`. */
  function onlyLine(stream: "log" | "error"): any {
    const other = stream === "log" ? "error" : "log";
    assert.equal(written[other].length, 0, `nothing expected on console.${other}`);
    assert.equal(written[stream].length, 1, `one line expected on console.${stream}`);
    const args = written[stream][0] ?? [];
    assert.equal(args.length, 1);
    const line = args[0];
    assert.equal(typeof line, "string");
    assert.ok(!(line as string).includes("\n"), "one line");
    return JSON.parse(line as string);
  }

  const routes: Array<[LogLevel, "log" | "error"]> = [
    ["INFO", "log"],
    ["WARN", "log"],
    ["ERROR", "error"],
  ];
  for (const [level, stream] of routes) {
    it(`writes ${level} as one JSON line to console.${stream}`, () => {
      jsonLogger(level, "Rule evaluated", { rule: "exposed-ports", evaluations: 3 });
      assert.deepEqual(onlyLine(stream), {
        level,
        message: "Rule evaluated",
        rule: "exposed-ports",
        evaluations: 3,
      });
    });
  }

  it("writes only the level and message when there are no fields", () => {
    jsonLogger("INFO", "Nothing to remediate");
    assert.deepEqual(onlyLine("log"), { level: "INFO", message: "Nothing to remediate" });
  });

  it("keeps multi-line text and nested fields on one line", () => {
    const fields = { error: "first line\nsecond line", problems: ["a", "b"], nested: { n: 1 } };
    jsonLogger("ERROR", "Remediation not run:\nunreadable settings", fields);
    assert.deepEqual(onlyLine("error"), {
      level: "ERROR",
      message: "Remediation not run:\nunreadable settings",
      ...fields,
    });
  });

  it("puts level and message first, so a log line reads from the start", () => {
    jsonLogger("WARN", "Event ignored", { reason: "not a compliance change" });
    const line = written.log[0]?.[0] as string;
    assert.ok(line.startsWith('{"level":"WARN","message":"Event ignored",'), line);
  });

  it("keeps its own level and message over fields of the same names", () => {
    jsonLogger("ERROR", "Rule not evaluated", { level: "INFO", message: "fine", rule: "x" });
    assert.deepEqual(onlyLine("error"), {
      level: "ERROR",
      message: "Rule not evaluated",
      rule: "x",
    });
  });
});
