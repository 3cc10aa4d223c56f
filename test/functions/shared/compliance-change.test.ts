import { strict as assert } from "assert";
import {
  COMPLIANCE_CHANGE_DETAIL_TYPE,
  ComplianceChangeEvent,
  nonCompliantPattern,
  organizationChangesPattern,
  organizationNonCompliantPattern,
  organizationRuleName,
  parseComplianceChange,
} from "../../../functions/shared/compliance-change";
import { RULES } from "../../../functions/catalog";
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

  describe("organization rules in member accounts", () => {
    const ORGANIZATION_CHANGE = "config-events/organization-compliance-change.json";
    const memberChange = (change: (event: any) => void = () => {}) => {
      const event = fixture<ComplianceChangeEvent>(ORGANIZATION_CHANGE);
      change(event);
      return event;
    };

    it("reads the organization rule's name out of the member rule's", () => {
      assert.equal(organizationRuleName("OrgConfigRule-exposed-ports-dbgzf8ba"), "exposed-ports");
      assert.equal(
        organizationRuleName("OrgConfigRule-s3-bucket-versioning-enabled-dbgzf8ba"),
        "s3-bucket-versioning-enabled",
      );
      for (const other of [
        "exposed-ports",
        "OrgConfigRule-",
        "OrgConfigRule-exposed",
        "orgconfigrule-exposed-ports-dbgzf8ba",
        "CustomRuleForAccount-conformance-pack-szsm1uv0w",
      ]) {
        assert.equal(organizationRuleName(other), undefined, other);
      }
    });

    it("selects one organization rule's NON_COMPLIANT results in any member, not an account's own rule of that name", () => {
      const pattern = organizationNonCompliantPattern("exposed-ports", ["AWS::EC2::SecurityGroup"]);
      assert.equal(matchesPattern(pattern, memberChange()), true);
      const others: Array<(event: any) => void> = [
        (event) => (event.detail.configRuleName = "exposed-ports"),
        (event) => (event.detail.configRuleName = "OrgConfigRule-iam-inactive-users-dbgzf8ba"),
        (event) => (event.detail.newEvaluationResult.complianceType = "COMPLIANT"),
        (event) => (event.detail.resourceType = "AWS::IAM::User"),
      ];
      for (const change of others)
        assert.equal(matchesPattern(pattern, memberChange(change)), false);
    });

    it("forwards every compliance change of the given organization rules, and of no other rule", () => {
      const pattern = organizationChangesPattern(["exposed-ports", "mfa-policy-attached"]);
      assert.equal(matchesPattern(pattern, memberChange()), true);
      assert.equal(
        matchesPattern(
          pattern,
          memberChange((e) => (e.detail.newEvaluationResult.complianceType = "COMPLIANT")),
        ),
        true,
      );
      for (const name of [
        "exposed-ports",
        "OrgConfigRule-restricted-ssh-dbgzf8ba",
        "OrgConfigRule-exposed-dbgzf8ba",
      ]) {
        assert.equal(
          matchesPattern(
            pattern,
            memberChange((e) => (e.detail.configRuleName = name)),
          ),
          false,
          name,
        );
      }
    });

    it("matches each rule of the catalogue by its own prefix only: no rule name is another's followed by '-'", () => {
      const names = RULES.map((rule) => rule.name);
      for (const name of names) {
        const pattern = organizationChangesPattern([name]);
        const matched = names.filter((other) =>
          matchesPattern(
            pattern,
            memberChange((e) => (e.detail.configRuleName = `OrgConfigRule-${other}-abcd1234`)),
          ),
        );
        assert.deepEqual(matched, [name]);
      }
    });
  });
});
