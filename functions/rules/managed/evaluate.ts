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
  IngressPermission,
  PUBLIC_CIDRS,
  SecurityGroupIngress,
  describeExposures,
  findExposures,
  portProtocol,
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

const SSH: readonly PortRange[] = [{ from: 22, to: 22 }];

export function evaluateRestrictedSsh(group: SecurityGroupIngress): Verdict {
  const verdict = verdictFor(RESOURCE_TYPES.securityGroup, group.groupId);
  const exposures = findExposures(group.ingress, SSH).filter((e) => e.protocol !== "udp");
  return exposures.length > 0
    ? verdict("NON_COMPLIANT", `SSH is open to the internet: ${describeExposures(exposures)}`)
    : verdict("COMPLIANT", "SSH is not open to the internet.");
}

/** Ranges of `opened` not covered by `allowed`. */
function uncovered(opened: PortRange, allowed: readonly PortRange[]): PortRange[] {
  let gaps: PortRange[] = [opened];
  for (let index = 0; index < allowed.length; index++) {
    const range = allowed[index] as PortRange;
    const next: PortRange[] = [];
    for (let at = 0; at < gaps.length; at++) {
      const gap = gaps[at] as PortRange;
      if (range.to < gap.from || range.from > gap.to) {
        next.push(gap);
        continue;
      }
      if (gap.from < range.from) next.push({ from: gap.from, to: range.from - 1 });
      if (gap.to > range.to) next.push({ from: range.to + 1, to: gap.to });
    }
    gaps = next;
  }
  return gaps;
}

/** The CIDRs that are the internet as written: 0.0.0.0/0 or ::/0, blanks around them aside. */
function addPublic(into: string[], cidrs: readonly string[]): void {
  for (let index = 0; index < cidrs.length; index++) {
    const cidr = cidrs[index] as string;
    if (PUBLIC_CIDRS.includes(cidr.trim())) into.push(cidr);
  }
}

/** The protocols this rule checks that a permission opens: all traffic opens both. */
const CHECKED_PROTOCOLS = {
  all: ["tcp", "udp"],
  tcp: ["tcp"],
  udp: ["udp"],
} as const satisfies Record<string, readonly ("tcp" | "udp")[]>;

export function evaluateAuthorizedPorts(
  group: SecurityGroupIngress,
  authorized: { tcp: readonly PortRange[]; udp?: readonly PortRange[] },
): Verdict {
  const verdict = verdictFor(RESOURCE_TYPES.securityGroup, group.groupId);
  const allowed = { tcp: authorized.tcp, udp: authorized.udp ?? [] };
  const findings: string[] = [];
  // Indexed loops: every group's verdict is made once per snapshot offline, by code not yet
  // optimised, where each step over a list makes an iterator result.
  for (let index = 0; index < group.ingress.length; index++) {
    const permission = group.ingress[index] as IngressPermission;
    // AWS matches the internet literally here: only 0.0.0.0/0 and ::/0 count.
    const cidrs: string[] = [];
    addPublic(cidrs, permission.ipv4Cidrs);
    addPublic(cidrs, permission.ipv6Cidrs);
    if (cidrs.length === 0) continue;
    const own = portProtocol(permission.protocol);
    const protocols = own ? CHECKED_PROTOCOLS[own] : [];
    const opened: PortRange =
      own === "all" ||
      permission.fromPort == null ||
      permission.toPort == null ||
      permission.fromPort < 0
        ? { from: 1, to: 65535 } // AWS counts ports from 1 for this rule
        : { from: permission.fromPort, to: permission.toPort };
    for (let checked = 0; checked < protocols.length; checked++) {
      const name = protocols[checked] as "tcp" | "udp";
      const gaps = uncovered(opened, allowed[name]);
      for (let gap = 0; gap < gaps.length; gap++) {
        findings.push(
          `${formatPortRange(gaps[gap] as PortRange)}/${name} open to ${cidrs.join(", ")}`,
        );
      }
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
  const old: string[] = [];
  const judge = (name: string, active: boolean, created: Date | undefined) => {
    if (!active || !created) return;
    const age = Math.floor((now.getTime() - created.getTime()) / DAY_MS);
    if (age > maxAccessKeyAge) old.push(`${name} is ${age} days old`);
  };
  judge("access key 1", row.accessKey1Active, row.accessKey1LastRotated);
  judge("access key 2", row.accessKey2Active, row.accessKey2LastRotated);
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
