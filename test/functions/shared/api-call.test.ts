import { strict as assert } from "assert";
import { changedGroup } from "../../../functions/remediation/exposed-ports/handler";
import { createHandler as accessKeysHandler } from "../../../functions/remediation/access-keys/handler";
import {
  ApiCallEvent,
  apiCallPattern,
  parseApiCall,
  textAt,
} from "../../../functions/shared/api-call";
import { fixture } from "../../helpers/fixtures";
import { matchesPattern } from "../../helpers/event-pattern";

const call = (file: string) => fixture<ApiCallEvent>(`cloudtrail/${file}`);

describe("api-call", () => {
  it("reads a successful call, and nothing from a failed one, a compliance change or a schedule", () => {
    assert.equal(parseApiCall(call("create-user.json"))?.eventName, "CreateUser");
    assert.equal(parseApiCall(call("authorize-security-group-ingress-failed.json")), undefined);
    assert.equal(
      parseApiCall(fixture("config-events/compliance-change-notification.json")),
      undefined,
    );
    assert.equal(
      parseApiCall({ source: "aws.events", "detail-type": "Scheduled Event", detail: {} }),
      undefined,
    );
  });

  it("finds the group every ingress call shape names", () => {
    for (const file of [
      "authorize-security-group-ingress.json",
      "authorize-security-group-ingress-flat.json",
      "modify-security-group-rules.json",
    ]) {
      const parsed = parseApiCall(call(file));
      assert.ok(parsed, file);
      assert.match(String(changedGroup(parsed)), /^sg-[0-9a-f]+$/, file);
    }
    // By name in a default VPC: the group id is in the rules of the response.
    const byName = call("authorize-security-group-ingress.json") as any;
    delete byName.detail.requestParameters.groupId;
    byName.detail.requestParameters.groupName = "web";
    assert.equal(changedGroup(parseApiCall(byName) as never), "sg-0123456789abcdef0");
  });

  it("matches only the service's successful calls of the given names", () => {
    const pattern = apiCallPattern({ service: "iam", eventNames: ["CreateUser"] });
    assert.equal(matchesPattern(pattern, call("create-user.json")), true);
    assert.equal(matchesPattern(pattern, call("create-access-key.json")), false);
    const failed = call("create-user.json") as any;
    failed.detail.errorCode = "EntityAlreadyExists";
    assert.equal(matchesPattern(pattern, failed), false);
    assert.equal(matchesPattern(pattern, call("authorize-security-group-ingress.json")), false);
  });

  it("reads a text field by path, and nothing where the path is not text", () => {
    assert.equal(textAt({ a: { b: "x" } }, "a", "b"), "x");
    assert.equal(textAt({ a: { b: 1 } }, "a", "b"), undefined);
    assert.equal(textAt({ a: "" }, "a"), undefined);
    assert.equal(textAt(null, "a"), undefined);
  });

  it("has a remediation that watches no call ignore one", async () => {
    const handler = accessKeysHandler({
      iam: {} as never,
      env: {
        MODE: "deactivate",
        MAX_ACCESS_KEY_AGE: "90",
        KEY_DELETE_GRACE_DAYS: "7",
        EXEMPT_USERS: "[]",
      },
      log: () => undefined,
    });
    const summary = await handler(call("create-access-key.json"));
    assert.equal(summary.skipped, "CreateAccessKey is not watched");
    assert.deepEqual(summary.actions, []);
  });
});
