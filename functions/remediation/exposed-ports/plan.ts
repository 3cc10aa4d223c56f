/**
 * Which ingress rules the exposed-ports remediation revokes: exactly those opening a forbidden
 * port to 0.0.0.0/0 or ::/0, each by its security group rule id. A permission listing
 * 10.0.0.0/8 beside 0.0.0.0/0 is two rules in EC2's rule model, so the private one survives.
 *
 * Scenarios (each is a test case): IPv4 and IPv6 public rules revoked; private CIDRs,
 * referenced groups and prefix lists kept; protocol -1 revoked when public; ICMP kept; egress
 * rules never touched; nothing to do on a clean group.
 */
import { CidrBlock, FAMILY_SIZE, outermost } from "../../rules/cidr";
import {
  Exposure,
  IngressPermission,
  OpenedPorts,
  describeExposures,
  exposuresAmong,
  openedForbiddenPorts,
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
  // Each rule read once, for every round: its position (EC2's order), its permission, what it
  // opens of the forbidden ports and its block. A rule opening no forbidden port is never one
  // to revoke, nor part of an exposure: it is left out from the start.
  const byGroup = new Map<string, PlannedRule[]>();
  rules.forEach((rule, position) => {
    if (rule.IsEgress || !rule.SecurityGroupRuleId || !rule.GroupId) return;
    const permission = permissionOf(rule);
    const opened = openedForbiddenPorts(permission, forbidden);
    if (!opened) return;
    const planned: PlannedRule = {
      position,
      ruleId: rule.SecurityGroupRuleId,
      permission,
      opened,
      // The rule's one CIDR, as read for what it opens.
      block: opened.blocks[4][0] ?? opened.blocks[6][0],
    };
    const ofGroup = byGroup.get(rule.GroupId);
    if (ofGroup) ofGroup.push(planned);
    else byGroup.set(rule.GroupId, [planned]);
  });
  const revocations: Revocation[] = [];
  // forEach rather than for-of: no [key, value] pair made and taken apart per group.
  byGroup.forEach((ofGroup, groupId) => {
    const rounds = revocationRounds(ofGroup);
    for (let index = 0; index < rounds.length; index++) {
      const { ruleId, exposure } = rounds[index] as { ruleId: string; exposure: string };
      revocations.push({ action: "revoke-ingress-rule", groupId, ruleId, exposure });
    }
  });
  return revocations;
}

interface PlannedRule {
  position: number;
  ruleId: string;
  permission: IngressPermission;
  opened: OpenedPorts;
  /** Undefined for a CIDR that is not one. */
  block: CidrBlock | undefined;
}

/** One group's rules to revoke, round after round until the rest open nothing, in EC2's order. */
function revocationRounds(
  rules: readonly PlannedRule[],
): Array<{ position: number; ruleId: string; exposure: string }> {
  let remaining = rules;
  const revoked: Array<{ position: number; ruleId: string; exposure: string }> = [];
  // Indexed loops: every group's plan runs once per snapshot offline, as code not yet
  // optimised, where each step over a list makes an iterator result.
  // Once the rules left add up to less than a whole family, no round can find more.
  while (mayCover(remaining)) {
    const opened: OpenedPorts[] = [];
    for (let index = 0; index < remaining.length; index++) {
      opened.push((remaining[index] as PlannedRule).opened);
    }
    const exposures = exposuresAmong(opened);
    if (exposures.length === 0) break;
    const outermostBlocks = exposures.map((exposure) => outermost(exposure.blocks));
    const kept: PlannedRule[] = [];
    for (let index = 0; index < remaining.length; index++) {
      const rule = remaining[index] as PlannedRule;
      const opens: Exposure[] = [];
      for (let candidate = 0; candidate < exposures.length; candidate++) {
        const exposure = exposures[candidate] as Exposure;
        if (contributes(rule, exposure, outermostBlocks[candidate] ?? [])) opens.push(exposure);
      }
      if (opens.length === 0) {
        kept.push(rule);
        continue;
      }
      revoked.push({
        position: rule.position,
        ruleId: rule.ruleId,
        exposure: describeExposures(opens),
      });
    }
    if (kept.length === remaining.length) break;
    remaining = kept;
  }
  // In the order EC2 listed the rules, whichever round found them.
  return revoked.length > 1 ? revoked.sort((a, b) => a.position - b.position) : revoked;
}

/** Whether the rules' blocks add up to at least all of IPv4 or all of IPv6. */
function mayCover(rules: readonly PlannedRule[]): boolean {
  let ipv4 = 0n;
  let ipv6 = 0n;
  for (let index = 0; index < rules.length; index++) {
    const { block } = rules[index] as PlannedRule;
    if (!block) continue;
    // A /0 alone is a whole family, as on most public rules: no sum needed.
    if (block.prefix === 0) return true;
    if (block.family === 4) ipv4 += block.last - block.first + 1n;
    else ipv6 += block.last - block.first + 1n;
  }
  return ipv4 >= FAMILY_SIZE[4] || ipv6 >= FAMILY_SIZE[6];
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
function contributes(
  rule: PlannedRule,
  exposure: Exposure,
  outermostBlocks: readonly CidrBlock[],
): boolean {
  const { block } = rule;
  if (!block) return false;
  for (let index = 0; index < outermostBlocks.length; index++) {
    const other = outermostBlocks[index] as CidrBlock;
    if (other.family === block.family && other.first === block.first && other.last === block.last) {
      return opensPorts(rule.permission, exposure.protocol, exposure.ports);
    }
  }
  return false;
}
