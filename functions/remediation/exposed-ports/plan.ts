/**
 * Which ingress rules the exposed-ports remediation revokes: exactly those opening a forbidden
 * port to 0.0.0.0/0 or ::/0, each by its security group rule id. A permission listing
 * 10.0.0.0/8 beside 0.0.0.0/0 is two rules in EC2's rule model, so the private one survives.
 *
 * Scenarios (each is a test case): IPv4 and IPv6 public rules revoked; private CIDRs,
 * referenced groups and prefix lists kept; protocol -1 revoked when public; ICMP kept; egress
 * rules never touched; nothing to do on a clean group.
 */
import { findExposures, describeExposures } from "../../rules/exposed-ports/evaluate";
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

export function planRevocations(
  rules: readonly SecurityGroupRule[],
  forbidden: readonly PortRange[],
): Revocation[] {
  return rules.flatMap((rule) => {
    if (rule.IsEgress || !rule.SecurityGroupRuleId || !rule.GroupId) return [];
    const exposures = findExposures(
      [
        {
          protocol: rule.IpProtocol ?? "-1",
          fromPort: rule.FromPort,
          toPort: rule.ToPort,
          ipv4Cidrs: rule.CidrIpv4 ? [rule.CidrIpv4] : [],
          ipv6Cidrs: rule.CidrIpv6 ? [rule.CidrIpv6] : [],
        },
      ],
      forbidden,
    );
    return exposures.length > 0
      ? [
          {
            action: "revoke-ingress-rule" as const,
            groupId: rule.GroupId,
            ruleId: rule.SecurityGroupRuleId,
            exposure: describeExposures(exposures),
          },
        ]
      : [];
  });
}
