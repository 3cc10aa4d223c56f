/**
 * Evaluates a snapshot with the very evaluators the Lambdas run (and mirrors of AWS's managed
 * rules) and the stack's settings: what the deployed rules would report for that account, and
 * what each remediation would do about it in its configured mode.
 */
import { Settings } from "../config";
import { SecurityGroupRule } from "../functions/remediation/exposed-ports/plan";
import { RuleName } from "../functions/rules/catalog";
import { parseCredentialReport } from "../functions/rules/credential-report";
import {
  SecurityGroupIngress,
  evaluateInstance,
  evaluateSecurityGroup,
  instanceFromConfiguration,
  securityGroupFromConfiguration,
} from "../functions/rules/exposed-ports/evaluate";
import { evaluateInactiveUsers } from "../functions/rules/iam-inactive-users/evaluate";
import {
  evaluateAccessKeysRotated,
  evaluateAuthorizedPorts,
  evaluateDefaultGroupClosed,
  evaluateRestrictedSsh,
} from "../functions/rules/managed/evaluate";
import {
  evaluateMfaPolicies,
  fromAuthorizationDetails,
} from "../functions/rules/mfa-policy-attached/evaluate";
import { RESOURCE_TYPES, Verdict } from "../functions/rules/verdict";
import { PlanContext, remediationFor } from "./remediation-plan";
import { Snapshot, SnapshotItem } from "./snapshot";

/** One line of the report; `--json` prints a list of these. */
export interface RuleVerdict extends Verdict {
  rule: RuleName;
  /** For a violation: what the rule's remediation would do, in its configured mode. */
  remediation?: string;
}

interface SecurityGroupItem {
  ingress: SecurityGroupIngress;
  groupName?: string;
  egressRuleCount: number;
  /** EC2's rule model: one rule per CIDR. */
  rules: SecurityGroupRule[];
}

export function evaluateSnapshot(snapshot: Snapshot, settings: Settings): RuleVerdict[] {
  const enabled = (rule: RuleName) => !settings.disabledRules.includes(rule);
  const global = settings.recorder.includeGlobalResources;
  const current = snapshot.items.filter(
    (item) => item.configurationItemStatus !== "ResourceDeleted",
  );
  const groups = new Map(
    current
      .filter((item) => item.resourceType === RESOURCE_TYPES.securityGroup)
      .map((item) => [item.resourceId, securityGroupItem(item)]),
  );
  const instances = current
    .filter((item) => item.resourceType === RESOURCE_TYPES.instance)
    .map((item) => instanceFromConfiguration(item.resourceId, item.configuration as never));
  const details = snapshot.authorizationDetails.UserDetailList ?? [];
  const users = details.map((user) => ({
    userId: user.UserId ?? "",
    userName: user.UserName ?? "",
    arn: user.Arn ?? "",
  }));
  const report = parseCredentialReport(snapshot.credentialReportCsv);
  const { users: policies, groupPolicies } = fromAuthorizationDetails(
    snapshot.authorizationDetails,
  );
  const account = users[0]?.arn.split(":")[4] ?? "";
  const policyArn = `arn:aws:iam::${account}:policy/${settings.mfaPolicyName}`;
  const now = snapshot.generatedTime;

  const evaluations: Array<[RuleName, boolean, () => Verdict[]]> = [
    [
      "exposed-ports",
      true,
      () => [
        ...[...groups.values()].map((group) =>
          evaluateSecurityGroup(group.ingress, settings.forbiddenPorts),
        ),
        ...instances.map((instance) =>
          evaluateInstance(
            instance,
            new Map([...groups].map(([id, group]) => [id, group.ingress])),
            settings.forbiddenPorts,
          ),
        ),
      ],
    ],
    ["iam-inactive-users", global, () => evaluateInactiveUsers(users, report, settings, now)],
    [
      "mfa-policy-attached",
      global,
      () =>
        evaluateMfaPolicies(policies, groupPolicies, {
          policyArn,
          exemptUsers: settings.exemptUsers,
        }),
    ],
    [
      "vpc-default-security-group-closed",
      true,
      () =>
        [...groups.values()].map((group) =>
          evaluateDefaultGroupClosed({
            ...group.ingress,
            groupName: group.groupName,
            egressRuleCount: group.egressRuleCount,
          }),
        ),
    ],
    [
      "vpc-sg-open-only-to-authorized-ports",
      true,
      () =>
        [...groups.values()].map((group) =>
          evaluateAuthorizedPorts(group.ingress, {
            tcp: settings.authorizedTcpPorts,
            udp: settings.authorizedUdpPorts,
          }),
        ),
    ],
    [
      "access-keys-rotated",
      global,
      () =>
        users.map((user) =>
          evaluateAccessKeysRotated(
            user,
            report.find((row) => row.arn === user.arn),
            settings.maxAccessKeyAge,
            now,
          ),
        ),
    ],
    [
      "restricted-ssh",
      true,
      () => [...groups.values()].map((group) => evaluateRestrictedSsh(group.ingress)),
    ],
  ];

  const context: PlanContext = {
    settings,
    now,
    groupRules: new Map([...groups].map(([id, group]) => [id, group.rules])),
    instanceGroups: new Map(
      instances.map((instance) => [instance.instanceId, instance.securityGroupIds]),
    ),
    users: new Map(policies.map((user) => [user.userName, user])),
    groupPolicies,
    reportRows: new Map(report.map((row) => [row.user, row])),
    policyArn,
  };
  return evaluations
    .filter(([rule, deployed]) => deployed && enabled(rule))
    .flatMap(([rule, , evaluate]) =>
      evaluate().map((verdict) => {
        const remediation = remediationFor(rule, verdict, context);
        return { rule, ...verdict, ...(remediation ? { remediation } : {}) };
      }),
    );
}

function securityGroupItem(item: SnapshotItem): SecurityGroupItem {
  const configuration = (item.configuration ?? {}) as {
    groupName?: string;
    ipPermissionsEgress?: unknown[] | null;
  };
  const ingress = securityGroupFromConfiguration((item.configuration ?? {}) as never);
  const rules = ingress.ingress.flatMap((permission, index) =>
    [
      ...permission.ipv4Cidrs.map((cidr) => ({ CidrIpv4: cidr })),
      ...permission.ipv6Cidrs.map((cidr) => ({ CidrIpv6: cidr })),
    ].map((cidr, position) => ({
      SecurityGroupRuleId: `${ingress.groupId}#${index}.${position}`,
      GroupId: ingress.groupId,
      IsEgress: false,
      IpProtocol: permission.protocol,
      FromPort: permission.fromPort ?? undefined,
      ToPort: permission.toPort ?? undefined,
      ...cidr,
    })),
  );
  return {
    ingress,
    groupName: configuration.groupName,
    egressRuleCount: configuration.ipPermissionsEgress?.length ?? 0,
    rules,
  };
}

/** The report for people: per rule, each resource's verdict, annotation and remediation. */
export function renderVerdicts(verdicts: readonly RuleVerdict[], snapshot: Snapshot): string {
  const lines = [
    `Account snapshot ${snapshot.dir} (as of ${snapshot.generatedTime.toISOString()}), evaluated with the stack's settings:`,
  ];
  const rules = [...new Set(verdicts.map((verdict) => verdict.rule))];
  for (const rule of rules) {
    const ofRule = verdicts.filter((verdict) => verdict.rule === rule);
    const failing = ofRule.filter((verdict) => verdict.compliance === "NON_COMPLIANT").length;
    lines.push("", `${rule}: ${failing} NON_COMPLIANT of ${ofRule.length}`);
    for (const verdict of ofRule) {
      lines.push(
        `  ${verdict.compliance.padEnd(14)} ${verdict.resourceType.padEnd(24)} ${verdict.resourceId.padEnd(22)} ${verdict.annotation}`,
      );
      if (verdict.remediation) lines.push(`  ${"".padEnd(62)} -> ${verdict.remediation}`);
    }
  }
  return lines.join("\n");
}
