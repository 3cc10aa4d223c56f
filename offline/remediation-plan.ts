/**
 * What each remediation would do, in its configured mode, about a violation found in a
 * snapshot: the same planners the remediation Lambdas run, on the snapshot's data.
 */
import { Settings } from "../config";
import { planKeyRemediation } from "../functions/remediation/access-keys/plan";
import { SecurityGroupRule, planRevocations } from "../functions/remediation/exposed-ports/plan";
import { planMfaRemediation } from "../functions/remediation/mfa-policy/plan";
import { CredentialReportRow } from "../functions/rules/credential-report";
import { GroupPolicies, UserPolicies } from "../functions/rules/mfa-policy-attached/evaluate";
import { Verdict } from "../functions/rules/verdict";
import { RuleName } from "../functions/rules/catalog";

export interface PlanContext {
  settings: Settings;
  now: Date;
  /** EC2's rule model of each security group: one rule per CIDR, as DescribeSecurityGroupRules lists them. */
  groupRules: ReadonlyMap<string, SecurityGroupRule[]>;
  instanceGroups: ReadonlyMap<string, readonly string[]>;
  users: ReadonlyMap<string, UserPolicies>;
  groupPolicies: GroupPolicies;
  reportRows: ReadonlyMap<string, CredentialReportRow>;
  policyArn: string;
}

export function remediationFor(
  rule: RuleName,
  verdict: Verdict,
  context: PlanContext,
): string | undefined {
  if (verdict.compliance !== "NON_COMPLIANT") return undefined;
  const modes = context.settings.remediation;
  const prefix = (mode: string) =>
    mode === "report" ? "report mode, would " : `${mode} mode, will `;
  switch (rule) {
    case "exposed-ports": {
      if (modes.exposedPorts === "off") return "off: notify only";
      const groups = context.instanceGroups.get(verdict.resourceId) ?? [verdict.resourceId];
      const rules = groups.flatMap((groupId) => context.groupRules.get(groupId) ?? []);
      const revocations = planRevocations(rules, context.settings.forbiddenPorts);
      return `${prefix(modes.exposedPorts)}revoke ${revocations.map((r) => `${r.groupId}: ${r.exposure}`).join("; ")}`;
    }
    case "mfa-policy-attached": {
      const user = [...context.users.values()].find(
        (candidate) => candidate.userId === verdict.resourceId,
      );
      if (modes.mfaPolicy === "off" || !user) return "off: notify only";
      const plan = planMfaRemediation(user, context.groupPolicies, {
        policyArn: context.policyArn,
        groupName: context.settings.mfaGroupName,
        enforcement: context.settings.mfaEnforcement,
        exemptUsers: context.settings.exemptUsers,
      });
      if (plan.action === "none") return undefined;
      return plan.action === "add-to-group"
        ? `${prefix(modes.mfaPolicy)}add ${plan.userName} to group ${plan.groupName}`
        : `${prefix(modes.mfaPolicy)}attach ${context.settings.mfaPolicyName} to ${plan.userName}`;
    }
    case "access-keys-rotated": {
      const user = [...context.users.values()].find(
        (candidate) => candidate.userId === verdict.resourceId,
      );
      const row = user ? context.reportRows.get(user.userName) : undefined;
      if (modes.accessKeys === "off" || !user || !row) return "off: notify only";
      if (context.settings.exemptUsers.includes(user.userName))
        return `${modes.accessKeys} mode: nothing, ${user.userName} is exempt`;
      const keys = [
        { id: "access key 1", active: row.accessKey1Active, created: row.accessKey1LastRotated },
        { id: "access key 2", active: row.accessKey2Active, created: row.accessKey2LastRotated },
      ].flatMap((key) =>
        key.created
          ? [
              {
                id: key.id,
                status: key.active ? ("Active" as const) : ("Inactive" as const),
                createDate: key.created,
              },
            ]
          : [],
      );
      const plan = planKeyRemediation(
        keys,
        {},
        { ...context.settings, mode: modes.accessKeys },
        context.now,
      );
      const steps = plan.map((step) =>
        step.action === "deactivate"
          ? `deactivate ${step.keyId} (${step.ageDays} days old)`
          : `${step.action} ${step.keyId}`,
      );
      const later =
        modes.accessKeys === "delete"
          ? `, delete it ${context.settings.keyDeleteGraceDays} days later`
          : "";
      return `${prefix(modes.accessKeys)}${steps.join(", ")}${later}`;
    }
    case "vpc-default-security-group-closed":
      return ssm(
        modes.defaultSecurityGroup,
        "revoke every rule of the default group (SSM Automation)",
      );
    case "restricted-ssh":
      return ssm(
        modes.publicSecurityGroups,
        "close public SSH/RDP (AWS-DisablePublicAccessForSecurityGroup)",
      );
    default:
      return "notify only";
  }
}

function ssm(mode: string, what: string): string {
  if (mode === "off") return "off: notify only";
  return mode === "automatic"
    ? `automatic mode, will ${what}`
    : `report mode: an operator can ${what}`;
}
