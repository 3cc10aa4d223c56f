import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.join(__dirname, "..", "..");

/** `npm start` exactly as a user runs it, in a child process. */
function npmStart(...args: string[]) {
  const result = spawnSync("npm", ["start", "--silent", "--", ...args], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function stackFile(config: Record<string, unknown>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "guardrails-stack-"));
  const file = path.join(dir, "Pulumi.test.yaml");
  fs.writeFileSync(file, JSON.stringify({ config })); // JSON is YAML
  return file;
}

describe("npm start (offline plan)", function () {
  this.timeout(120_000);

  it("prints the recorder resources as a tree under their component", () => {
    const { status, stdout } = npmStart();
    assert.equal(status, 0);
    assert.match(stdout, /Offline plan for stack "dev" of project "guardrails"/);
    for (const line of [
      /^ {2}\+ config {2}\(guardrails:index:ConfigRecorder\)$/m,
      /^ {4}\+ config-recorder {2}\(aws:cfg\/recorder:Recorder\)$/m,
      /^ {4}\+ config-delivery-channel {2}\(aws:cfg\/deliveryChannel:DeliveryChannel\)$/m,
      /^ {4}\+ config-recorder-status {2}\(aws:cfg\/recorderStatus:RecorderStatus\)$/m,
      /recordingGroup: \{"allSupported":true,"includeGlobalResourceTypes":true\}/,
      /"Owner":"platform-team"/,
    ]) {
      assert.match(stdout, line);
    }
  });

  it("prints one JSON document with --json", () => {
    const { status, stdout } = npmStart("--json");
    assert.equal(status, 0);
    const plan = JSON.parse(stdout);
    const recorder = plan.resources.find(
      (r: { type: string }) => r.type === "aws:cfg/recorder:Recorder",
    );
    assert.equal(recorder.parent, "config");
    assert.equal(recorder.inputs.recordingGroup.includeGlobalResourceTypes, true);
    const status_ = plan.resources.find(
      (r: { type: string }) => r.type === "aws:cfg/recorderStatus:RecorderStatus",
    );
    assert.ok(status_.dependsOn.includes("config-delivery-channel"));
    assert.equal(plan.region, "eu-west-1");
    assert.equal(plan.outputs.recorderName, "default");
  });

  it("plans another stack's config", () => {
    const { status, stdout } = npmStart(
      "--stack",
      stackFile({ "guardrails:createRecorder": false }),
      "--json",
    );
    assert.equal(status, 0);
    const plan = JSON.parse(stdout);
    const types = plan.resources.map((r: { type: string }) => r.type);
    for (const type of [
      "aws:cfg/recorder:Recorder",
      "aws:cfg/deliveryChannel:DeliveryChannel",
      "aws:s3/bucket:Bucket",
    ]) {
      assert.ok(!types.includes(type), `no ${type} when reusing the recorder`);
    }
    assert.ok(types.includes("aws:cfg/rule:Rule"), "the rules still deploy");
    assert.equal(plan.stack, "test");
  });

  it("refuses bad config with every problem named, and plans nothing", () => {
    const file = stackFile({
      "guardrails:forbiddenPorts": ["ssh"],
      "guardrails:maxAccessKeyAge": -1,
    });
    const { status, stdout, stderr } = npmStart("--stack", file);
    assert.equal(status, 1);
    assert.equal(stdout, "");
    assert.match(stderr, /guardrails:forbiddenPorts\[0\]: "ssh" is invalid/);
    assert.match(stderr, /guardrails:maxAccessKeyAge: -1 is invalid/);
    assert.doesNotMatch(stderr, /\n\s+at /, "no stack trace");
  });

  it("names a missing stack file", () => {
    const missing = path.join(os.tmpdir(), "Pulumi.missing.yaml");
    const { status, stderr } = npmStart("--stack", missing);
    assert.equal(status, 1);
    assert.match(
      stderr,
      new RegExp(`${missing.replace(/[.]/g, "\\.")}: cannot read it \\(ENOENT\\)`),
    );
  });

  it("rejects unknown options with the usage", () => {
    const { status, stderr } = npmStart("--jsno");
    assert.equal(status, 2);
    assert.match(stderr, /unknown option --jsno/);
    assert.match(stderr, /Usage: npm start/);
  });
});
