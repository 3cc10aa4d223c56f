import { strict as assert } from "assert";
import {
  COMPLIANCE_CHANGE_DETAIL_TYPE,
  ComplianceChangeEvent,
  nonCompliantPattern,
  parseComplianceChange,
} from "../../../functions/shared/compliance-change";
import { matchesPattern } from "../../helpers/event-pattern";
import { configEvent, fixture } from "../../helpers/fixtures";

const NOTIFICATION = "config-events/compliance-change-notification.json";

/** The fixture event, changed by `change`. */
function changeEvent(change: (event: any) => void = () => {}): ComplianceChangeEvent {
  const event = fixture<ComplianceChangeEvent>(NOTIFICATION);
  change(event);
  return event;
}

describe("compliance-change", () => {
  describe("nonCompliantPattern", () => {
    it("selects one rule's NON_COMPLIANT results for the given resource types, as AWS emits them", () => {
      assert.deepEqual(
        nonCompliantPattern("exposed-ports", ["AWS::EC2::SecurityGroup", "AWS::EC2::Instance"]),
        {
          source: ["aws.config"],
          "detail-type": ["Config Rules Compliance Change"],
          detail: {
            messageType: ["ComplianceChangeNotification"],
            configRuleName: ["exposed-ports"],
            resourceType: ["AWS::EC2::SecurityGroup", "AWS::EC2::Instance"],
            newEvaluationResult: { complianceType: ["NON_COMPLIANT"] },
          },
        },
      );
    });

    it("copies the resource types, so the caller's list can change afterwards", () => {
      const types = ["AWS::IAM::User"];
      const pattern = nonCompliantPattern("iam-inactive-users", types);
      types.push("AWS::EC2::Instance");
      assert.deepEqual(pattern.detail.resourceType, ["AWS::IAM::User"]);
    });

    it("matches the fixture event, and not its COMPLIANT, other-rule or other-type versions", () => {
      const pattern = nonCompliantPattern("exposed-ports", ["AWS::EC2::SecurityGroup"]);
      assert.equal(matchesPattern(pattern, changeEvent()), true);
      const others: Array<(event: any) => void> = [
        (event) => (event.detail.newEvaluationResult.complianceType = "COMPLIANT"),
        (event) => (event.detail.configRuleName = "iam-inactive-users"),
        (event) => (event.detail.resourceType = "AWS::EC2::Instance"),
        (event) => (event.source = "aws.events"),
      ];
      assert.deepEqual(
        others.map((change) => matchesPattern(pattern, changeEvent(change))),
        [false, false, false, false],
      );
    });
  });

  describe("parseComplianceChange", () => {
    it("reads what a remediation needs from the EventBridge event", () => {
      assert.deepEqual(parseComplianceChange(changeEvent()), {
        ruleName: "exposed-ports",
        resourceType: "AWS::EC2::SecurityGroup",
        resourceId: "sg-0123456789abcdef0",
        compliance: "NON_COMPLIANT",
        annotation: "22/tcp is open to 0.0.0.0/0.",
      });
    });

    it("leaves the annotation out when the result has none", () => {
      const change = parseComplianceChange(
        changeEvent((event) => delete event.detail.newEvaluationResult.annotation),
      );
      assert.equal(change?.compliance, "NON_COMPLIANT");
      assert.equal(change?.annotation, undefined);
    });

    it("reads a missing new result as an empty compliance", () => {
      const change = parseComplianceChange(
        changeEvent((event) => delete event.detail.newEvaluationResult),
      );
      assert.equal(change?.resourceId, "sg-0123456789abcdef0");
      assert.equal(change?.compliance, "");
    });

    const notChanges: Array<[string, ComplianceChangeEvent]> = [
      ["an empty event", {}],
      [
        "a scheduled EventBridge event",
        { source: "aws.events", "detail-type": "Scheduled Event", detail: {} },
      ],
      [
        "another detail type with the same detail",
        changeEvent((event) => (event["detail-type"] = "Config Configuration Item Change")),
      ],
      ["no detail-type", changeEvent((event) => delete event["detail-type"])],
      ["no detail", { "detail-type": COMPLIANCE_CHANGE_DETAIL_TYPE, source: "aws.config" }],
      ["no rule name", changeEvent((event) => delete event.detail.configRuleName)],
      ["no resource type", changeEvent((event) => delete event.detail.resourceType)],
      ["an empty resource id", changeEvent((event) => (event.detail.resourceId = ""))],
      ["a Config rule's Lambda event", configEvent("sg-change") as ComplianceChangeEvent],
    ];
    for (const [what, event] of notChanges) {
      it(`returns undefined for ${what}`, () => {
        assert.equal(parseComplianceChange(event), undefined);
      });
    }
  });
});
