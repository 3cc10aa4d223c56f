import { strict as assert } from "assert";
import { mfaPolicyDocument } from "../../components/mfa-policy";
import { parseSettings } from "../../config";
import { RULES, rulesFor } from "../../functions/catalog";
import {
  evaluationPermissions,
  memberBaseline,
  organizationBucketName,
  remediationPermissions,
} from "../../organization/baseline";
import {
  AUDIT_ROLE_PATHS,
  CENTRAL_EVENT_BUS,
  MEMBER_ROLE_NAMES,
} from "../../functions/shared/member-roles";
import { matchesPattern } from "../helpers/event-pattern";
import { fixture } from "../helpers/fixtures";
import { templateProblems } from "../helpers/cloudformation-spec";

const ORGANIZATION = {
  deployment: "management",
  homeRegion: "eu-west-1",
  regions: ["eu-west-1", "us-east-1"],
  auditAccountId: "222233334444",
  organizationTargets: ["r-a1b2"],
};

function baseline(config: Record<string, unknown> = {}) {
  return memberBaseline(parseSettings({ ...ORGANIZATION, ...config }));
}

/** The policy actions of a role's inline policies. */
function actions(role: { Properties: Record<string, unknown> }): string[] {
  const policies = role.Properties.Policies as Array<{ PolicyDocument: { Statement: any[] } }>;
  return policies.flatMap((policy) => policy.PolicyDocument.Statement.flatMap((s) => s.Action));
}

describe("the member baseline template", () => {
  it("is valid CloudFormation: every type, property and reference known to the specification", () => {
    assert.deepEqual(templateProblems(baseline() as never), []);
    assert.deepEqual(
      templateProblems(baseline({ ruleSets: ["guardrails", "cis-foundations"] }) as never),
      [],
    );
  });

  it("is refused by the same check when a property is misspelt or a reference dangles", () => {
    const broken = baseline() as any;
    broken.Resources.Recorder.Properties.RecordingGroups =
      broken.Resources.Recorder.Properties.RecordingGroup;
    broken.Resources.MfaGroup.Properties.ManagedPolicyArns = [{ Ref: "MissingPolicy" }];
    broken.Resources.DeliveryChannel.DependsOn = "EvaluationRole";
    const problems = templateProblems(broken);
    assert.ok(
      problems.some((p) => /Recorder\.Properties\.RecordingGroups: not a property/.test(p)),
      problems.join("\n"),
    );
    assert.ok(problems.some((p) => /Ref to MissingPolicy/.test(p)));
    assert.ok(
      problems.some((p) =>
        /DeliveryChannel\.DependsOn: names EvaluationRole, which exists only where InHomeRegion holds/.test(
          p,
        ),
      ),
    );
  });

  it("records in every region with that region's own role, global types and member IAM resources only in the home region", () => {
    const template = baseline();
    assert.deepEqual(template.Conditions, {
      InHomeRegion: { "Fn::Equals": [{ Ref: "AWS::Region" }, "eu-west-1"] },
      OutsideHomeRegion: { "Fn::Not": [{ Condition: "InHomeRegion" }] },
    });
    const { Recorder, DeliveryChannel } = template.Resources;
    assert.equal(Recorder?.Condition, undefined);
    assert.deepEqual((Recorder?.Properties.RecordingGroup as any).IncludeGlobalResourceTypes, {
      "Fn::If": ["InHomeRegion", true, false],
    });
    assert.equal(
      DeliveryChannel?.Properties.S3BucketName,
      organizationBucketName("222233334444", "eu-west-1"),
    );
    // Each region's recorder waits on its own role: new accounts deploy regions in no order.
    assert.deepEqual(Recorder?.Properties.RoleARN, { "Fn::GetAtt": ["RecorderRole", "Arn"] });
    const recorderRole = template.Resources.RecorderRole;
    assert.equal(recorderRole?.Condition, undefined);
    assert.deepEqual(recorderRole?.Properties.RoleName, {
      "Fn::Sub": "guardrails-member-config-recorder-${AWS::Region}",
    });
    const delivery = (recorderRole?.Properties.Policies as any)[0].PolicyDocument.Statement[1];
    assert.deepEqual(delivery.Action, ["s3:PutObject", "s3:PutObjectAcl"]);
    assert.deepEqual(delivery.Condition, {
      StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control" },
    });
    // The regional roles carry their region in their names; every other IAM resource is global.
    for (const [id, resource] of Object.entries(template.Resources)) {
      if (
        resource.Type.startsWith("AWS::IAM::") &&
        !["RecorderRole", "ForwardingRole"].includes(id)
      ) {
        assert.equal(resource.Condition, "InHomeRegion", id);
      }
    }
  });

  it("gives the evaluation role exactly the calls of the deployed rules' functions", () => {
    for (const ruleSets of [["guardrails"], ["guardrails", "cis-foundations"]]) {
      const settings = parseSettings({ ...ORGANIZATION, ruleSets });
      const role = memberBaseline(settings).Resources.EvaluationRole;
      assert.ok(role);
      const expected = new Set(
        RULES.filter(
          (rule) =>
            rule.owner === "CUSTOM_LAMBDA" && rule.ruleSets.some((set) => ruleSets.includes(set)),
        ).flatMap((rule) => (rule.owner === "CUSTOM_LAMBDA" ? [...rule.permissions] : [])),
      );
      assert.deepEqual(actions(role), [...expected].sort());
      assert.deepEqual(
        actions(role),
        [...new Set(evaluationPermissions({ ...settings, recordGlobalResources: true }))].sort(),
      );
      assert.ok(actions(role).every((action) => !action.includes("*")));
    }
  });

  it("gives the remediation role exactly the calls of the remediations in their modes, and none when all are off", () => {
    const acting = baseline({ exposedPortsRemediation: "revoke", mfaRemediation: "enforce" });
    const role = acting.Resources.RemediationRole;
    assert.ok(role);
    assert.ok(actions(role).includes("ec2:RevokeSecurityGroupIngress"));
    assert.ok(actions(role).includes("iam:AddUserToGroup"));
    const reporting = baseline({ exposedPortsRemediation: "report" });
    assert.ok(
      !actions(reporting.Resources.RemediationRole as never).includes(
        "ec2:RevokeSecurityGroupIngress",
      ),
    );
    const settings = parseSettings({ ...ORGANIZATION, exposedPortsRemediation: "revoke" });
    assert.deepEqual(
      actions(memberBaseline(settings).Resources.RemediationRole as never),
      [...new Set(remediationPermissions({ ...settings, recordGlobalResources: true }))].sort(),
    );
    const off = baseline({
      exposedPortsRemediation: "off",
      mfaRemediation: "off",
      accessKeyRemediation: "off",
    });
    assert.equal(off.Resources.RemediationRole, undefined);
  });

  it("lets only the audit account's roles of one path assume each member role", () => {
    const template = baseline({ exposedPortsRemediation: "revoke" });
    for (const [id, path, name] of [
      ["EvaluationRole", AUDIT_ROLE_PATHS.evaluation, MEMBER_ROLE_NAMES.evaluation],
      ["RemediationRole", AUDIT_ROLE_PATHS.remediation, MEMBER_ROLE_NAMES.remediation],
    ] as const) {
      const role = template.Resources[id];
      assert.equal(role?.Properties.RoleName, name);
      const [statement, ...others] = (role?.Properties.AssumeRolePolicyDocument as any).Statement;
      assert.deepEqual(others, []);
      assert.deepEqual(statement.Principal, {
        AWS: { "Fn::Sub": "arn:${AWS::Partition}:iam::222233334444:root" },
      });
      assert.deepEqual(statement.Condition, {
        ArnLike: {
          "aws:PrincipalArn": {
            "Fn::Sub": `arn:\${AWS::Partition}:iam::222233334444:role${path}*`,
          },
        },
      });
    }
  });

  it("holds the MFA policy of a single-account stack, in the member's own account and partition", () => {
    const policy = baseline({ mfaPolicyName: "RequireMFA" }).Resources.MfaPolicy;
    assert.equal(policy?.Properties.ManagedPolicyName, "RequireMFA");
    // What CloudFormation's Fn::Sub makes of it in account 777788889999 of aws-cn.
    const substituted = JSON.parse(
      JSON.stringify(policy?.Properties.PolicyDocument),
      (_key, value) =>
        value && typeof value === "object" && typeof value["Fn::Sub"] === "string"
          ? value["Fn::Sub"]
              .replaceAll("${AWS::Partition}", "aws-cn")
              .replaceAll("${AWS::AccountId}", "777788889999")
              .replaceAll("${!", "${")
          : value,
    );
    assert.deepEqual(
      substituted,
      mfaPolicyDocument({
        policyName: "RequireMFA",
        accountId: "777788889999",
        partition: "aws-cn",
      }),
    );
  });

  it("leaves the MFA policy out when the MFA rule is not deployed", () => {
    assert.equal(
      baseline({ disabledRules: ["mfa-policy-attached"] }).Resources.MfaPolicy,
      undefined,
    );
  });

  it("forwards the deployed organization rules' compliance changes, in every region, to the audit account's bus of that region", () => {
    const template = baseline();
    const { ComplianceForwarding, ForwardingRole } = template.Resources;
    assert.equal(ComplianceForwarding?.Condition, undefined);
    assert.equal(ForwardingRole?.Condition, undefined);
    const bus = {
      "Fn::Sub": `arn:\${AWS::Partition}:events:\${AWS::Region}:222233334444:event-bus/${CENTRAL_EVENT_BUS}`,
    };
    assert.deepEqual(ComplianceForwarding?.Properties.Targets, [
      {
        Id: "audit-account-event-bus",
        Arn: bus,
        RoleArn: { "Fn::GetAtt": ["ForwardingRole", "Arn"] },
      },
    ]);
    const deployed = rulesFor(parseSettings({ ...ORGANIZATION, recordGlobalResources: true })).map(
      (rule) => rule.name,
    );
    const pattern = ComplianceForwarding?.Properties.EventPattern;
    const change = (rule: string) => {
      const event = fixture<any>("config-events/organization-compliance-change.json");
      event.detail.configRuleName = rule;
      return event;
    };
    for (const rule of deployed) {
      assert.equal(matchesPattern(pattern, change(`OrgConfigRule-${rule}-dbgzf8ba`)), true, rule);
      // The account's own rules (a single-account stack's) stay in the account.
      assert.equal(matchesPattern(pattern, change(rule)), false, rule);
    }
    assert.equal(matchesPattern(pattern, change("OrgConfigRule-someone-elses-dbgzf8ba")), false);
    // Its role may put events on that bus and nothing else, and only EventBridge of this account
    // may use it.
    assert.deepEqual(actions(ForwardingRole as never), ["events:PutEvents"]);
    const policies = ForwardingRole?.Properties.Policies as any[];
    const homeBus = {
      "Fn::Sub": `arn:\${AWS::Partition}:events:eu-west-1:222233334444:event-bus/${CENTRAL_EVENT_BUS}`,
    };
    assert.deepEqual(policies[0].PolicyDocument.Statement[0].Resource, [bus, homeBus]);
    // Outside the home region, the same changes also go straight to the home region's bus, for
    // the topic: EventBridge does not pass on an event forwarded to a bus.
    const notification = template.Resources.ComplianceNotification;
    assert.equal(notification?.Condition, "OutsideHomeRegion");
    assert.deepEqual(notification?.Properties.EventPattern, pattern);
    assert.deepEqual(notification?.Properties.Targets, [
      {
        Id: "audit-account-home-event-bus",
        Arn: homeBus,
        RoleArn: { "Fn::GetAtt": ["ForwardingRole", "Arn"] },
      },
    ]);
    assert.deepEqual(
      (ForwardingRole?.Properties.AssumeRolePolicyDocument as any).Statement[0].Condition,
      { StringEquals: { "aws:SourceAccount": { "Fn::Sub": "${AWS::AccountId}" } } },
    );
  });
});
