/**
 * Which ingress rules the exposed-ports remediation revokes: exactly those opening a forbidden
 * port to 0.0.0.0/0 or ::/0, each by its security group rule id. A permission listing
 * 10.0.0.0/8 beside 0.0.0.0/0 is two rules in EC2's rule model, so the private one survives.
 *
 * Scenarios (each is a test case): IPv4 and IPv6 public rules revoked; private CIDRs,
 * referenced groups and prefix lists kept; protocol -1 revoked when public; ICMP kept; egress
 * rules never touched; nothing to do on a clean group.
 */
import { CidrBlock, outermost, parseCidr } from "../../rules/cidr";
import {
  Exposure,
  IngressPermission,
  describeExposures,
  findExposures,
  opensPorts,
} from "../../rules/exposed-ports/evaluate";
import { PortRange } from "../../rules/ports";

/** What the remediation does about a violation: say what it would revoke, or revoke it. */
export const EXPOSED_PORTS_MODES = ["report", "revoke"] as const;
export type ExposedPortsMode = (typeof EXPOSED_PORTS_MODES)[number];

/** One rule as EC2's DescribeSecurityGroupRules returns it (structural: no SDK import). */
export interface SecurityGroupRule {
  SecurityGroupRuleId?: string;
  GroupId?: string;
  IsEgress?: boolean;
  IpProtocol?: string;
  FromPort?: number;
  ToPort?: number;
  CidrIpv4?: string;
  CidrIpv6?: string;
}

export interface Revocation {
  action: "revoke-ingress-rule";
  groupId: string;
  ruleId: string;
  /** "22/tcp open to 0.0.0.0/0": what the rule exposed, for the log and the notification. */
  exposure: string;
}

/**
 * The rules to revoke, per group: every rule whose CIDR is one of the outermost blocks that,
 * together, open a forbidden port to the whole internet (a 0.0.0.0/0 rule, or 0.0.0.0/1 and
 * 128.0.0.0/1 as two rules), on a protocol and ports that count for it. Narrower rules inside
 * them stay; if they too add up to the internet, the next round takes them.
 */
export function planRevocations(
  rules: readonly SecurityGroupRule[],
  forbidden: readonly PortRange[],
): Revocation[] {
  const ingress = rules.filter(
    (rule): rule is SecurityGroupRule & { SecurityGroupRuleId: string; GroupId: string } =>
      !rule.IsEgress && !!rule.SecurityGroupRuleId && !!rule.GroupId,
  );
  const groups = [...new Set(ingress.map((rule) => rule.GroupId))];
  return groups.flatMap((groupId) => {
    let remaining = ingress.filter((rule) => rule.GroupId === groupId);
    const revocations: Revocation[] = [];
    for (;;) {
      const exposures = findExposures(remaining.map(permissionOf), forbidden);
      const revoked = remaining.flatMap((rule) => {
        const opens = exposures.filter((exposure) => contributes(rule, exposure));
        return opens.length > 0 ? [{ rule, exposure: describeExposures(opens) }] : [];
      });
      // In the order EC2 listed the rules, whichever round found them.
      if (revoked.length === 0) {
        return revocations.sort(
          (a, b) =>
            ingress.findIndex((rule) => rule.SecurityGroupRuleId === a.ruleId) -
            ingress.findIndex((rule) => rule.SecurityGroupRuleId === b.ruleId),
        );
      }
      for (const { rule, exposure } of revoked) {
        revocations.push({
          action: "revoke-ingress-rule",
          groupId,
          ruleId: rule.SecurityGroupRuleId,
          exposure,
        });
      }
      remaining = remaining.filter((rule) => !revoked.some((r) => r.rule === rule));
    }
  });
}

function permissionOf(rule: SecurityGroupRule): IngressPermission {
  return {
    protocol: rule.IpProtocol ?? "-1",
    fromPort: rule.FromPort,
    toPort: rule.ToPort,
    ipv4Cidrs: rule.CidrIpv4 ? [rule.CidrIpv4] : [],
    ipv6Cidrs: rule.CidrIpv6 ? [rule.CidrIpv6] : [],
  };
}

/** Whether the rule is one of the outermost blocks of the exposure, on a protocol and port of it. */
function contributes(rule: SecurityGroupRule, exposure: Exposure): boolean {
  const block = parseCidr(rule.CidrIpv4 ?? rule.CidrIpv6 ?? "");
  if (!block) return false;
  const same = (other: CidrBlock) =>
    other.family === block.family && other.first === block.first && other.last === block.last;
  if (!outermost(exposure.blocks).some(same)) return false;
  return opensPorts(permissionOf(rule), exposure.protocol, exposure.ports);
}
