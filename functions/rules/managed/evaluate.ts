/**
 * The AWS managed rules' semantics, mirrored for the offline evaluation and the policy pack
 * (AWS evaluates them itself in the account). From the AWS Config managed rules reference:
 *
 * - vpc-default-security-group-closed: a default group with any inbound or outbound rule is
 *   NON_COMPLIANT (AWS's default allow-all egress fails it); other groups are NOT_APPLICABLE;
 * - restricted-ssh (INCOMING_SSH_DISABLED): SSH (22/tcp, or all traffic) open to 0.0.0.0/0 or ::/0;
 * - vpc-sg-open-only-to-authorized-ports: a TCP or UDP port open to 0.0.0.0/0 or ::/0 outside the
 *   authorized ports (protocol -1 opens every port);
 * - access-keys-rotated: an active key created more than maxAccessKeyAge days ago (by creation,
 *   not by use).
 */
import { CredentialReportRow } from "../credential-report";
import {
  PUBLIC_CIDRS,
  SecurityGroupIngress,
  describeExposures,
  findExposures,
} from "../exposed-ports/evaluate";
import { PortRange, formatPortRange } from "../ports";
import { RESOURCE_TYPES, Verdict, verdictFor } from "../verdict";

export function evaluateDefaultGroupClosed(
  group: SecurityGroupIngress & { groupName?: string; egressRuleCount: number },
): Verdict {
  const verdict = verdictFor(RESOURCE_TYPES.securityGroup, group.groupId);
  if (group.groupName !== "default")
    return verdict("NOT_APPLICABLE", "Not a default security group.");
  const rules = group.ingress.length + group.egressRuleCount;
  return rules === 0
    ? verdict("COMPLIANT", "The default security group allows no traffic.")
    : verdict(
        "NON_COMPLIANT",
        `The default security group has ${group.ingress.length} inbound and ${group.egressRuleCount} outbound rules.`,
      );
}

export function evaluateRestrictedSsh(group: SecurityGroupIngress): Verdict {
  const verdict = verdictFor(RESOURCE_TYPES.securityGroup, group.groupId);
  const exposures = findExposures(group.ingress, [{ from: 22, to: 22 }]).filter(
    (e) => e.protocol !== "udp",
  );
  return exposures.length > 0
    ? verdict("NON_COMPLIANT", `SSH is open to the internet: ${describeExposures(exposures)}`)
    : verdict("COMPLIANT", "SSH is not open to the internet.");
}

/** Ranges of `opened` not covered by `allowed`. */
function uncovered(opened: PortRange, allowed: readonly PortRange[]): PortRange[] {
  let gaps: PortRange[] = [opened];
  for (const range of allowed) {
    gaps = gaps.flatMap((gap) => {
      if (range.to < gap.from || range.from > gap.to) return [gap];
      return [
        ...(gap.from < range.from ? [{ from: gap.from, to: range.from - 1 }] : []),
        ...(gap.to > range.to ? [{ from: range.to + 1, to: gap.to }] : []),
      ];
    });
  }
  return gaps;
}

export function evaluateAuthorizedPorts(
  group: SecurityGroupIngress,
  authorized: { tcp: readonly PortRange[]; udp?: readonly PortRange[] },
): Verdict {
  const verdict = verdictFor(RESOURCE_TYPES.securityGroup, group.groupId);
  const allowed = { tcp: authorized.tcp, udp: authorized.udp ?? [] };
  const findings: string[] = [];
  for (const permission of group.ingress) {
    const cidrs = [...permission.ipv4Cidrs, ...permission.ipv6Cidrs].filter((cidr) =>
      PUBLIC_CIDRS.includes(cidr.trim()),
    );
    if (cidrs.length === 0) continue;
    const protocol = permission.protocol.toLowerCase();
    const all = protocol === "-1" || protocol === "all";
    const protocols = all
      ? (["tcp", "udp"] as const)
      : protocol === "tcp" || protocol === "6"
        ? (["tcp"] as const)
        : protocol === "udp" || protocol === "17"
          ? (["udp"] as const)
          : [];
    const opened: PortRange =
      all || permission.fromPort == null || permission.toPort == null || permission.fromPort < 0
        ? { from: 1, to: 65535 } // AWS counts ports from 1 for this rule
        : { from: permission.fromPort, to: permission.toPort };
    for (const name of protocols) {
      for (const gap of uncovered(opened, allowed[name]))
        findings.push(`${formatPortRange(gap)}/${name} open to ${cidrs.join(", ")}`);
    }
  }
  return findings.length > 0
    ? verdict("NON_COMPLIANT", `Unauthorized ports open to the internet: ${findings.join("; ")}`)
    : verdict("COMPLIANT", "Only authorized ports are open to the internet.");
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Undefined for a user without a report row: AWS reads the keys themselves, the snapshot only
 * the report, so without its row the user's keys are unknown, not young.
 */
export function evaluateAccessKeysRotated(
  user: { userId: string; userName: string },
  row: CredentialReportRow | undefined,
  maxAccessKeyAge: number,
  now: Date,
): Verdict | undefined {
  if (!row) return undefined;
  const verdict = verdictFor(RESOURCE_TYPES.iamUser, user.userId);
  const keys = [
    { name: "access key 1", active: row.accessKey1Active, created: row.accessKey1LastRotated },
    { name: "access key 2", active: row.accessKey2Active, created: row.accessKey2LastRotated },
  ];
  const old = keys.flatMap((key) => {
    if (!key.active || !key.created) return [];
    const age = Math.floor((now.getTime() - key.created.getTime()) / DAY_MS);
    return age > maxAccessKeyAge ? [`${key.name} is ${age} days old`] : [];
  });
  return old.length > 0
    ? verdict(
        "NON_COMPLIANT",
        `${user.userName}: ${old.join(", ")} (limit ${maxAccessKeyAge} days).`,
      )
    : verdict(
        "COMPLIANT",
        `${user.userName} has no active key older than ${maxAccessKeyAge} days.`,
      );
}
