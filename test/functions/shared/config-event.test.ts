import { strict as assert } from "assert";
import {
  ConfigRuleEvent,
  configEventError,
  isConfigEventError,
  itemFromHistory,
  parseInvokingEvent,
  parseRuleParameters,
} from "../../../functions/shared/config-event";
import { configEvent, fixture } from "../../helpers/fixtures";

/** A validator for assert.throws: a ConfigEventError whose message matches. */
function configEventErrorMatching(pattern: RegExp) {
  return (error: unknown) => {
    assert.ok(isConfigEventError(error), `expected a ConfigEventError, got ${String(error)}`);
    assert.match(error.message, pattern);
    return true;
  };
}

describe("config-event", () => {
  describe("parseInvokingEvent", () => {
    it("reads a change notification's configuration item and notification time", () => {
      const notification = parseInvokingEvent(configEvent("sg-change"));
      assert.equal(notification.kind, "change");
      if (notification.kind !== "change") return;
      assert.equal(notification.notificationTime, "2025-06-10T08:14:54.902Z");
      assert.equal(notification.item.resourceType, "AWS::EC2::SecurityGroup");
      assert.equal(notification.item.resourceId, "sg-0123456789abcdef0");
      assert.equal(notification.item.configurationItemStatus, "OK");
      assert.equal(notification.item.configurationItemCaptureTime, "2025-06-10T08:14:52.318Z");
      // The configuration is the parsed object, not JSON text.
      assert.equal((notification.item.configuration as any).groupName, "web-public");
    });

    it("reads an oversized notification's summary", () => {
      const notification = parseInvokingEvent(configEvent("oversized"));
      assert.equal(notification.kind, "oversized");
      if (notification.kind !== "oversized") return;
      assert.equal(notification.notificationTime, "2025-06-10T07:58:06.125Z");
      assert.equal(notification.summary.resourceType, "AWS::EC2::SecurityGroup");
      assert.equal(notification.summary.resourceId, "sg-0fedcba9876543210");
      assert.equal(notification.summary.resourceName, "partner-ingress");
      assert.equal(notification.summary.changeType, "UPDATE");
      assert.equal(notification.summary.configurationItemCaptureTime, "2025-06-10T07:58:03.512Z");
    });

    it("reads a scheduled notification, which carries no item", () => {
      assert.deepEqual(parseInvokingEvent(configEvent("scheduled")), {
        kind: "scheduled",
        notificationTime: "2025-06-10T06:00:04.771Z",
      });
    });

    const untimed: Array<[string, (invoking: any) => void]> = [
      ["missing", (invoking) => delete invoking.notificationCreationTime],
      ["null", (invoking) => (invoking.notificationCreationTime = null)],
      ["a number", (invoking) => (invoking.notificationCreationTime = 1749535204771)],
    ];
    for (const [what, spoil] of untimed) {
      it(`falls back to the current time when the notification time is ${what}`, () => {
        const before = Date.now();
        const notification = parseInvokingEvent(configEvent("scheduled", { invoking: spoil }));
        const after = Date.now();
        const time = Date.parse(notification.notificationTime);
        assert.ok(time >= before && time <= after, notification.notificationTime);
      });
    }

    const badEvents: Array<[string, (event: any) => void, RegExp]> = [
      [
        "a missing invokingEvent",
        (event) => delete event.invokingEvent,
        /invokingEvent is missing/,
      ],
      [
        "an invokingEvent that is not text",
        (event) => (event.invokingEvent = { messageType: "ScheduledNotification" }),
        /^invokingEvent is not JSON text but object\.$/,
      ],
      [
        "invalid JSON",
        (event) => (event.invokingEvent = '{"messageType": "ScheduledNotification"'),
        /^invokingEvent is not valid JSON \(.+\): \{"messageType"/,
      ],
      [
        "a JSON array",
        (event) => (event.invokingEvent = "[]"),
        /invokingEvent is not a JSON object/,
      ],
      [
        "JSON null",
        (event) => (event.invokingEvent = "null"),
        /invokingEvent is not a JSON object/,
      ],
      [
        "a JSON number",
        (event) => (event.invokingEvent = "42"),
        /invokingEvent is not a JSON object/,
      ],
      [
        "a JSON string",
        (event) => (event.invokingEvent = '"ScheduledNotification"'),
        /invokingEvent is not a JSON object/,
      ],
      [
        "an unknown messageType",
        (event) =>
          (event.invokingEvent = JSON.stringify({
            messageType: "ConfigurationSnapshotDeliveryCompleted",
          })),
        /^Unknown messageType "ConfigurationSnapshotDeliveryCompleted"\.$/,
      ],
      [
        "no messageType",
        (event) => (event.invokingEvent = JSON.stringify({ notificationCreationTime: "x" })),
        /^Unknown messageType undefined\.$/,
      ],
    ];
    for (const [what, spoil, expected] of badEvents) {
      it(`refuses ${what} with a ConfigEventError`, () => {
        const event = configEvent("scheduled");
        spoil(event);
        assert.throws(() => parseInvokingEvent(event), configEventErrorMatching(expected));
      });
    }

    const brokenChanges: Array<[string, (invoking: any) => void]> = [
      ["no configurationItem", (invoking) => delete invoking.configurationItem],
      ["a null configurationItem", (invoking) => (invoking.configurationItem = null)],
      [
        "an item without resourceType",
        (invoking) => delete invoking.configurationItem.resourceType,
      ],
      ["an item without resourceId", (invoking) => (invoking.configurationItem.resourceId = "")],
    ];
    for (const [what, spoil] of brokenChanges) {
      it(`refuses a change notification with ${what}`, () => {
        assert.throws(
          () => parseInvokingEvent(configEvent("sg-change", { invoking: spoil })),
          configEventErrorMatching(/^A change notification without a configurationItem\.$/),
        );
      });
    }

    const brokenOversized: Array<[string, (invoking: any) => void]> = [
      ["no summary", (invoking) => delete invoking.configurationItemSummary],
      [
        "a summary without resourceId",
        (invoking) => delete invoking.configurationItemSummary.resourceId,
      ],
    ];
    for (const [what, spoil] of brokenOversized) {
      it(`refuses an oversized notification with ${what}`, () => {
        assert.throws(
          () => parseInvokingEvent(configEvent("oversized", { invoking: spoil })),
          configEventErrorMatching(
            /^An oversized notification without a configurationItemSummary\.$/,
          ),
        );
      });
    }

    it("quotes at most 200 characters of text it cannot read", () => {
      const text = `{${"x".repeat(1000)}`;
      const event: ConfigRuleEvent = { invokingEvent: text, resultToken: "token" };
      assert.throws(
        () => parseInvokingEvent(event),
        (error: Error) => {
          assert.ok(isConfigEventError(error));
          assert.ok(error.message.endsWith(`: ${text.slice(0, 200)}`), error.message);
          assert.ok(!error.message.includes(text.slice(0, 201)));
          return true;
        },
      );
    });
  });

  describe("parseRuleParameters", () => {
    const none: Array<[string, string | undefined]> = [
      ["absent", undefined],
      ["empty", ""],
      ["blank", "  \n "],
    ];
    for (const [what, ruleParameters] of none) {
      it(`reads ${what} parameters as none`, () => {
        assert.deepEqual(parseRuleParameters(configEvent("sg-change", { ruleParameters })), {});
      });
    }

    const objects: Array<[string, Record<string, unknown>]> = [
      ["the fixture's parameters", { forbiddenPorts: "22,3389" }],
      ["an empty object", {}],
      ["values of any JSON type, unchanged", { a: { b: [1, "2"] }, n: 5, t: true, z: null }],
    ];
    for (const [what, parameters] of objects) {
      it(`passes through ${what}`, () => {
        const event = configEvent("sg-change", { ruleParameters: JSON.stringify(parameters) });
        assert.deepEqual(parseRuleParameters(event), parameters);
      });
    }

    const refused: Array<[string, string, RegExp]> = [
      ["key=value text", "forbiddenPorts=22", /^ruleParameters is not valid JSON \(/],
      ["truncated JSON", '{"forbiddenPorts":"22"', /^ruleParameters is not valid JSON \(/],
      ["a JSON array", '["22","3389"]', /^ruleParameters is not a JSON object: \["22"/],
      ["JSON null", "null", /^ruleParameters is not a JSON object: null$/],
      ["a JSON string", '"22,3389"', /^ruleParameters is not a JSON object/],
      ["a JSON number", "22", /^ruleParameters is not a JSON object/],
    ];
    for (const [what, ruleParameters, expected] of refused) {
      it(`refuses ${what} with a ConfigEventError`, () => {
        assert.throws(
          () => parseRuleParameters(configEvent("sg-change", { ruleParameters })),
          configEventErrorMatching(expected),
        );
      });
    }
  });

  describe("isConfigEventError", () => {
    const cases: Array<[string, unknown, boolean]> = [
      ["a configEventError", configEventError("bad"), true],
      ["a plain Error", new Error("bad"), false],
      ["a TypeError", new TypeError("bad"), false],
      [
        "an Error named otherwise",
        Object.assign(new Error("bad"), { name: "BoundaryError" }),
        false,
      ],
      ["a look-alike that is no Error", { name: "ConfigEventError", message: "bad" }, false],
      ["a string", "ConfigEventError", false],
      ["undefined", undefined, false],
    ];
    for (const [what, value, expected] of cases) {
      it(`is ${expected} for ${what}`, () => {
        assert.equal(isConfigEventError(value), expected);
      });
    }

    it("configEventError keeps the message and is an Error", () => {
      const error = configEventError("the reason");
      assert.ok(error instanceof Error);
      assert.equal(error.name, "ConfigEventError");
      assert.equal(error.message, "the reason");
    });
  });

  describe("itemFromHistory", () => {
    /** The newest item of the CLI fixture, in the SDK's shape (the SDK parses dates). */
    function sdkItem(): any {
      const cli = fixture("config-events/get-resource-config-history-sg.json")
        .configurationItems[0];
      return { ...cli, configurationItemCaptureTime: new Date(cli.configurationItemCaptureTime) };
    }

    it("turns the SDK's shape into the invoking event's", () => {
      const sdk = sdkItem();
      assert.deepEqual(itemFromHistory(sdk), {
        resourceType: "AWS::EC2::SecurityGroup",
        resourceId: "sg-0fedcba9876543210",
        resourceName: "partner-ingress",
        configurationItemStatus: "OK",
        configurationItemCaptureTime: "2025-06-10T07:58:03.512Z",
        configuration: JSON.parse(sdk.configuration),
        ARN: "arn:aws:ec2:eu-west-1:123456789012:security-group/sg-0fedcba9876543210",
        awsAccountId: "123456789012",
        awsRegion: "eu-west-1",
        tags: { Name: "partner-ingress", team: "integrations" },
        supplementaryConfiguration: {},
      });
    });

    it("parses the configuration text into the object an evaluator reads", () => {
      const item = itemFromHistory(sdkItem());
      const configuration = item.configuration as any;
      assert.equal(typeof configuration, "object");
      assert.equal(configuration.groupId, "sg-0fedcba9876543210");
      assert.deepEqual(
        configuration.ipPermissions.map((permission: any) => permission.fromPort),
        [22, 3389, 8443, 443, 500, 9443],
      );
    });

    it("keeps a capture time that is already text", () => {
      const item = itemFromHistory({
        resourceType: "AWS::IAM::User",
        resourceId: "AIDA2G65BPRJX3MQADPTP",
        configurationItemCaptureTime: "2025-06-10T09:00:00.000Z",
      });
      assert.equal(item.configurationItemCaptureTime, "2025-06-10T09:00:00.000Z");
    });

    it("fills what the SDK left out: empty ids, status OK, no configuration", () => {
      const item = itemFromHistory({});
      assert.equal(item.resourceType, "");
      assert.equal(item.resourceId, "");
      assert.equal(item.configurationItemStatus, "OK");
      assert.equal(item.configurationItemCaptureTime, "");
      assert.equal(item.configuration, null);
      assert.equal(item.ARN, undefined);
    });

    it("keeps a deleted status, with no configuration", () => {
      const item = itemFromHistory({
        resourceType: "AWS::EC2::SecurityGroup",
        resourceId: "sg-0aa11bb22cc33dd44",
        configurationItemStatus: "ResourceDeleted",
        configurationItemCaptureTime: new Date("2025-06-10T11:05:09.733Z"),
      });
      assert.equal(item.configurationItemStatus, "ResourceDeleted");
      assert.equal(item.configuration, null);
      assert.equal(item.configurationItemCaptureTime, "2025-06-10T11:05:09.733Z");
    });

    it("refuses configuration text that is not JSON with a ConfigEventError", () => {
      assert.throws(
        () => itemFromHistory({ ...sdkItem(), configuration: "{groupId: sg-1}" }),
        configEventErrorMatching(/^configuration is not valid JSON/),
      );
    });
  });
});
