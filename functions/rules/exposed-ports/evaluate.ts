/**
 * exposed-ports: no security group may open a forbidden port to the whole internet.
 *
 * Scenarios (each is a test case):
 * - a permission opens a forbidden TCP or UDP port, or a range containing one, to 0.0.0.0/0 or
 *   ::/0: NON_COMPLIANT, the annotation names port, protocol and CIDR ("22/tcp open to 0.0.0.0/0");
 * - protocol -1 ("all", no ports) to 0.0.0.0/0 or ::/0 opens every port: NON_COMPLIANT;
 * - the same ports open only to private or narrower CIDRs: COMPLIANT;
 * - ICMP (1, 58) and other protocols without ports open no port: COMPLIANT;
 * - an instance is NON_COMPLIANT when any of its security groups is; an instance without
 *   security groups exposes nothing (COMPLIANT); a terminated instance is NOT_APPLICABLE;
 * - a security group that no longer exists is left out of an instance's verdict.
 *
 * Interval arithmetic throughout: a 0-65535 permission against a 1-1024 forbidden range is one
 * comparison, not two lists of ports.
 */
import { CidrBlock, FAMILY_SIZE, coverFamily, describeCover, parseCidr } from "../cidr";
import {
  isObject,
  readList,
  readObject,
  readOptionalText,
  readPort,
  readText,
  unreadable,
} from "../unreadable";
import { PortRange, formatPortRange, intersectPortRanges, mergePortRanges } from "../ports";
import { RESOURCE_TYPES, Verdict, verdictFor } from "../verdict";

/** One ingress permission, whatever it came from (configuration item, EC2 API, Pulumi props). */
export interface IngressPermission {
  /** `tcp`, `udp`, `icmp`, `-1`, or a protocol number as text. */
  protocol: string;
  fromPort?: number | null;
  toPort?: number | null;
  ipv4Cidrs: readonly string[];
  ipv6Cidrs: readonly string[];
}

export interface SecurityGroupIngress {
  groupId: string;
  ingress: readonly IngressPermission[];
}

export interface InstanceSecurityGroups {
  instanceId: string;
  /** EC2 state name (`running`, `stopped`, `terminated`, ...), if known. */
  state?: string;
  securityGroupIds: readonly string[];
}

/** A forbidden port range reachable from the internet. */
export interface Exposure {
  ports: PortRange;
  protocol: "tcp" | "udp" | "all";
  /** The whole internet as the permissions open it: "0.0.0.0/0", "0.0.0.0/1 + 128.0.0.0/1". */
  cidr: string;
  /** The blocks that add up to it: what a repair revokes. */
  blocks: CidrBlock[];
}

/** The whole internet, as AWS writes it. */
export const PUBLIC_CIDRS: readonly string[] = ["0.0.0.0/0", "::/0"];

const ALL_PORTS: PortRange = { from: 0, to: 65535 };

/** The port-bearing protocol of a permission, or undefined for ICMP and other port-less ones. */
export function portProtocol(protocol: string): Exposure["protocol"] | undefined {
  // As AWS writes it ("tcp", "-1") first: no new strings made for nearly every permission.
  return protocolNamed(protocol) ?? protocolNamed(protocol.trim().toLowerCase());
}

function protocolNamed(protocol: string): Exposure["protocol"] | undefined {
  switch (protocol) {
    case "-1":
    case "all":
      return "all";
    case "tcp":
    case "6":
      return "tcp";
    case "udp":
    case "17":
      return "udp";
    default:
      return undefined;
  }
}

/** The ports a permission opens: protocol -1 opens all of them, whatever the ports say. */
function openedPorts(permission: IngressPermission, protocol: Exposure["protocol"]): PortRange {
  const { fromPort, toPort } = permission;
  if (protocol === "all" || fromPort == null || toPort == null || fromPort < 0 || toPort < 0) {
    return ALL_PORTS;
  }
  return { from: Math.min(fromPort, toPort), to: Math.max(fromPort, toPort) };
}

/** Whether a permission of protocol `own` counts for `protocol`: all traffic counts for TCP and UDP too. */
function countsFor(protocol: Exposure["protocol"], own: Exposure["protocol"]): boolean {
  return own === protocol || own === "all";
}

/** Whether the permission opens any of `ports` on a protocol that counts for `protocol`. */
export function opensPorts(
  permission: IngressPermission,
  protocol: Exposure["protocol"],
  ports: PortRange,
): boolean {
  const own = portProtocol(permission.protocol);
  if (!own || !countsFor(protocol, own)) return false;
  return intersectPortRanges(openedPorts(permission, own), ports) !== undefined;
}

/**
 * Every forbidden port range the permissions open to the whole internet, per protocol and
 * address family: a port is exposed when the CIDRs of the permissions opening it add up to all
 * of IPv4 or of IPv6, in one block or in several (interval arithmetic on ports and addresses).
 * A port open to all traffic is reported once, under "all".
 */
export function findExposures(
  ingress: readonly IngressPermission[],
  forbidden: readonly PortRange[],
): Exposure[] {
  const opened: OpenedPorts[] = [];
  for (let index = 0; index < ingress.length; index++) {
    const ports = openedForbiddenPorts(ingress[index] as IngressPermission, forbidden);
    if (ports) opened.push(ports);
  }
  return exposuresAmong(opened);
}

/** What a permission opens of the forbidden ports, read once: its ports and blocks. */
export interface OpenedPorts {
  protocol: Exposure["protocol"];
  /** The forbidden ports it opens, one range per forbidden range it meets. */
  hits: PortRange[];
  blocks: Record<4 | 6, CidrBlock[]>;
}

/**
 * The forbidden ports a permission opens, or undefined when it opens none (its CIDRs are then
 * not read): what `findExposures` needs of it, for a caller judging the same permissions again.
 */
export function openedForbiddenPorts(
  permission: IngressPermission,
  forbidden: readonly PortRange[],
): OpenedPorts | undefined {
  const protocol = portProtocol(permission.protocol);
  if (!protocol) return undefined;
  const ports = openedPorts(permission, protocol);
  const hits: PortRange[] = [];
  for (let index = 0; index < forbidden.length; index++) {
    const hit = intersectPortRanges(ports, forbidden[index] as PortRange);
    if (hit) hits.push(hit);
  }
  if (hits.length === 0) return undefined;
  const blocks: Record<4 | 6, CidrBlock[]> = { 4: [], 6: [] };
  addBlocks(blocks, permission.ipv4Cidrs);
  addBlocks(blocks, permission.ipv6Cidrs);
  return { protocol, blocks, hits };
}

function addBlocks(blocks: Record<4 | 6, CidrBlock[]>, cidrs: readonly string[]): void {
  for (let index = 0; index < cidrs.length; index++) {
    const block = parseCidr(cidrs[index] as string);
    if (block) blocks[block.family].push(block);
  }
}

/** Every block of the permissions in the family, in their order. */
function blocksOf(permissions: readonly OpenedPorts[], family: 4 | 6): CidrBlock[] {
  // A single permission, as most exposures are: its own list (nobody changes it).
  if (permissions.length === 1) return permissions[0]?.blocks[family] ?? [];
  const blocks: CidrBlock[] = [];
  for (let index = 0; index < permissions.length; index++) {
    const ofPermission = (permissions[index] as OpenedPorts).blocks[family];
    for (let block = 0; block < ofPermission.length; block++) {
      blocks.push(ofPermission[block] as CidrBlock);
    }
  }
  return blocks;
}

/** `findExposures` of permissions read by `openedForbiddenPorts`, in their order. */
export function exposuresAmong(opened: readonly OpenedPorts[]): Exposure[] {
  const exposures: Exposure[] = [];
  if (opened.length === 0) return exposures;
  // All traffic first, so that TCP and UDP leave out the ports said under it; IPv4 before IPv6.
  // Spelled out rather than looped over lists of protocols and families: the offline
  // evaluation runs this for every group, twice, as code not yet optimised, where each loop
  // step over a list makes an iterator result.
  const openToAll: Record<4 | 6, PortRange[]> = { 4: [], 6: [] };
  addExposures(exposures, opened, "all", 4, openToAll[4]);
  addExposures(exposures, opened, "all", 6, openToAll[6]);
  addExposures(exposures, opened, "tcp", 4, openToAll[4]);
  addExposures(exposures, opened, "tcp", 6, openToAll[6]);
  addExposures(exposures, opened, "udp", 4, openToAll[4]);
  addExposures(exposures, opened, "udp", 6, openToAll[6]);
  return exposures;
}

/** The exposures of one protocol in one family; ports open to all traffic are said once, under "all". */
function addExposures(
  exposures: Exposure[],
  opened: readonly OpenedPorts[],
  protocol: Exposure["protocol"],
  family: 4 | 6,
  openToAll: PortRange[],
): void {
  // Without a permission of the protocol's own, those counting for it are all traffic's, whose
  // ports are said already.
  if (!opensOwn(opened, protocol, family)) return;
  // A single permission, as most groups have, is the protocol's own: it alone counts.
  const counted = opened.length === 1 ? opened : countedFor(opened, protocol, family);
  const segments = coveredSegments(counted, family, protocol);
  for (let index = 0; index < segments.length; index++) {
    const exposure = segments[index] as Exposure;
    if (protocol === "all") openToAll.push(exposure.ports);
    else if (saidUnderAll(openToAll, exposure.ports)) continue;
    exposures.push(exposure);
  }
}

/** Whether a permission of the protocol itself opens it to some block of the family. */
function opensOwn(
  opened: readonly OpenedPorts[],
  protocol: Exposure["protocol"],
  family: 4 | 6,
): boolean {
  for (let index = 0; index < opened.length; index++) {
    const permission = opened[index] as OpenedPorts;
    if (permission.protocol === protocol && permission.blocks[family].length > 0) return true;
  }
  return false;
}

/** The permissions that count for the protocol (all traffic included) with blocks of the family. */
function countedFor(
  opened: readonly OpenedPorts[],
  protocol: Exposure["protocol"],
  family: 4 | 6,
): OpenedPorts[] {
  const counted: OpenedPorts[] = [];
  for (let index = 0; index < opened.length; index++) {
    const permission = opened[index] as OpenedPorts;
    if (permission.blocks[family].length > 0 && countsFor(protocol, permission.protocol)) {
      counted.push(permission);
    }
  }
  return counted;
}

function saidUnderAll(openToAll: readonly PortRange[], ports: PortRange): boolean {
  for (let index = 0; index < openToAll.length; index++) {
    if (rangeContains(openToAll[index] as PortRange, ports)) return true;
  }
  return false;
}

function rangeContains(outer: PortRange, inner: PortRange): boolean {
  return outer.from <= inner.from && inner.to <= outer.to;
}

/** Whether every permission hits the same ports as the first. */
function hitSamePorts(permissions: readonly OpenedPorts[]): boolean {
  const first = (permissions[0] as OpenedPorts).hits;
  for (let index = 1; index < permissions.length; index++) {
    const hits = (permissions[index] as OpenedPorts).hits;
    if (hits.length !== first.length) return false;
    for (let hit = 0; hit < hits.length; hit++) {
      const a = hits[hit] as PortRange;
      const b = first[hit] as PortRange;
      if (a.from !== b.from || a.to !== b.to) return false;
    }
  }
  return true;
}

/**
 * The port ranges on which the permissions' blocks cover the family, as exposures of the
 * protocol, each with the blocks that cover it; adjacent ranges covered by the same blocks are
 * merged.
 */
function coveredSegments(
  permissions: readonly OpenedPorts[],
  family: 4 | 6,
  protocol: Exposure["protocol"],
): Exposure[] {
  const first = permissions[0];
  if (!first) return [];
  if (hitSamePorts(permissions)) {
    // Permissions hitting the same ports (one permission, or the rules EC2 makes of one) cover,
    // or not, every port they hit alike: their hits, merged, are the segments.
    const blocks = blocksOf(permissions, family);
    if (!coverFamily(blocks, family)) return [];
    const cidr = describeCover(blocks);
    const merged = mergePortRanges(first.hits);
    const segments: Exposure[] = [];
    for (let index = 0; index < merged.length; index++) {
      segments.push({ ports: merged[index] as PortRange, protocol, cidr, blocks });
    }
    return segments;
  }
  // Blocks that add up to less than the whole family cannot cover it on any port.
  let size = 0n;
  for (const permission of permissions) {
    for (const block of permission.blocks[family]) size += block.last - block.first + 1n;
  }
  if (size < FAMILY_SIZE[family]) return [];
  const bounds = [
    ...new Set(permissions.flatMap((p) => p.hits.flatMap((hit) => [hit.from, hit.to + 1]))),
  ].sort((a, b) => a - b);
  const segments: Exposure[] = [];
  for (let index = 0; index + 1 < bounds.length; index++) {
    const ports = { from: bounds[index] ?? 0, to: (bounds[index + 1] ?? 0) - 1 };
    const blocks = blocksOf(
      permissions.filter((p) => p.hits.some((hit) => rangeContains(hit, ports))),
      family,
    );
    if (!coverFamily(blocks, family)) continue;
    const cidr = describeCover(blocks);
    const previous = segments[segments.length - 1];
    if (previous && previous.cidr === cidr && previous.ports.to + 1 === ports.from) {
      previous.ports = { from: previous.ports.from, to: ports.to };
    } else {
      segments.push({ ports, protocol, cidr, blocks });
    }
  }
  return segments;
}

/**
 * One phrase per protocol and CIDR: "22/tcp, 3389/tcp open to 0.0.0.0/0", or for protocol -1
 * "all traffic open to ::/0 (includes 22, 3389)".
 */
export function describeExposures(exposures: readonly Exposure[]): string {
  // One exposure, as most groups have: its phrase, with no grouping to do.
  const only = exposures.length === 1 ? exposures[0] : undefined;
  if (only) return phraseOf(only.protocol, only.cidr, [formatPortRange(only.ports)]);
  const phrases = new Map<
    string,
    { protocol: Exposure["protocol"]; cidr: string; ports: string[] }
  >();
  for (const exposure of exposures) {
    const key = `${exposure.protocol} ${exposure.cidr}`;
    const phrase = phrases.get(key) ?? {
      protocol: exposure.protocol,
      cidr: exposure.cidr,
      ports: [],
    };
    phrase.ports.push(formatPortRange(exposure.ports));
    phrases.set(key, phrase);
  }
  return [...phrases.values()]
    .map(({ protocol, cidr, ports }) => phraseOf(protocol, cidr, ports))
    .join("; ");
}

function phraseOf(protocol: Exposure["protocol"], cidr: string, ports: readonly string[]): string {
  return protocol === "all"
    ? `all traffic open to ${cidr} (includes ${ports.join(", ")})`
    : `${ports.map((port) => `${port}/${protocol}`).join(", ")} open to ${cidr}`;
}

/** A group's exposures to forbidden ports, and how the annotation says them ("" for none). */
export interface GroupFindings {
  exposures: readonly Exposure[];
  described: string;
}

/** A group's findings; see `exposuresOnce`. */
export type GroupExposures = (
  group: SecurityGroupIngress,
  forbidden: readonly PortRange[],
) => GroupFindings;

const exposuresOf: GroupExposures = (group, forbidden) => {
  const exposures = findExposures(group.ingress, forbidden);
  return { exposures, described: describeExposures(exposures) };
};

/**
 * Each group's findings computed once, for a caller judging many instances that share groups
 * (the offline evaluation). A cache made per call: module state would be captured, and refused,
 * by Pulumi's serialization of the Lambdas.
 */
export function exposuresOnce(): GroupExposures {
  const known = new Map<SecurityGroupIngress, GroupFindings>();
  return (group, forbidden) => {
    let findings = known.get(group);
    if (!findings) {
      findings = exposuresOf(group, forbidden);
      known.set(group, findings);
    }
    return findings;
  };
}

export function evaluateSecurityGroup(
  group: SecurityGroupIngress,
  forbidden: readonly PortRange[],
  groupExposures: GroupExposures = exposuresOf,
): Verdict {
  const { exposures, described } = groupExposures(group, forbidden);
  const verdict = verdictFor(RESOURCE_TYPES.securityGroup, group.groupId);
  return exposures.length > 0
    ? verdict("NON_COMPLIANT", described)
    : verdict(
        "COMPLIANT",
        `No forbidden port (${forbidden.map(formatPortRange).join(", ")}) open to the internet.`,
      );
}

/**
 * An instance is as exposed as the union of its security groups. `groups` holds the groups
 * found; ids missing from it were deleted meanwhile and expose nothing.
 */
export function evaluateInstance(
  instance: InstanceSecurityGroups,
  groups: ReadonlyMap<string, SecurityGroupIngress>,
  forbidden: readonly PortRange[],
  groupExposures: GroupExposures = exposuresOf,
): Verdict {
  const verdict = verdictFor(RESOURCE_TYPES.instance, instance.instanceId);
  if (instance.state === "terminated" || instance.state === "shutting-down") {
    return verdict("NOT_APPLICABLE", `The instance is ${instance.state}.`);
  }
  if (instance.securityGroupIds.length === 0) {
    return verdict("COMPLIANT", "The instance has no security groups, so it exposes no port.");
  }
  const findings: string[] = [];
  const { securityGroupIds } = instance;
  for (let index = 0; index < securityGroupIds.length; index++) {
    const groupId = securityGroupIds[index] as string;
    const group = groups.get(groupId);
    const found = group && groupExposures(group, forbidden);
    if (found && found.exposures.length > 0) findings.push(`${groupId}: ${found.described}`);
  }
  return findings.length > 0
    ? verdict("NON_COMPLIANT", findings.join("; "))
    : verdict(
        "COMPLIANT",
        `No security group of the instance opens a forbidden port to the internet.`,
      );
}

// Adapters: the evaluator's input from each source's own shape. Structural types only, so this
// module imports neither the AWS SDK nor Pulumi.

/**
 * From a configuration item's `configuration` of an AWS::EC2::SecurityGroup; the group is the
 * item's resource. Throws an UnreadableInput for a field of the wrong type.
 */
export function securityGroupFromConfiguration(
  resourceId: string,
  configuration: unknown,
): SecurityGroupIngress {
  const group = readObject(configuration, "configuration");
  const permissions = readList(group.ipPermissions, "configuration.ipPermissions");
  const ingress: IngressPermission[] = [];
  for (let index = 0; index < permissions.length; index++) {
    ingress.push(permissionFromConfiguration(permissions[index], index));
  }
  return { groupId: resourceId, ingress };
}

function permissionFromConfiguration(item: unknown, index: number): IngressPermission {
  const path = `configuration.ipPermissions[${index}]`;
  const permission = readObject(item, path);
  const protocol = readText(permission.ipProtocol, `${path}.ipProtocol`);
  const fromPort = readPort(permission.fromPort, `${path}.fromPort`);
  const toPort = readPort(permission.toPort, `${path}.toPort`);
  const ipv4Ranges = readCidrs(permission.ipv4Ranges, path, "ipv4Ranges", "cidrIp", 4);
  // Older items list IPv4 ranges as plain strings in ipRanges only; newer ones list them in
  // both, so the two lists are merged without repeats.
  const ipRanges = readCidrs(permission.ipRanges, path, "ipRanges", undefined, 4);
  return {
    protocol,
    fromPort,
    toPort,
    ipv4Cidrs: unique(ipRanges.length === 0 ? ipv4Ranges : [...ipv4Ranges, ...ipRanges]),
    ipv6Cidrs: readCidrs(permission.ipv6Ranges, path, "ipv6Ranges", "cidrIpv6", 6),
  };
}

/**
 * The CIDRs of one of a permission's range lists: objects holding the CIDR in `field`, or the
 * CIDRs themselves. A range's path is spelled out only for the problem of a bad one.
 */
function readCidrs(
  value: unknown,
  path: string,
  list: string,
  field: string | undefined,
  family: 4 | 6,
): string[] {
  const ranges = readList(value, `${path}.${list}`);
  const cidrs: string[] = [];
  for (let position = 0; position < ranges.length; position++) {
    const range = ranges[position];
    const text = field === undefined ? range : isObject(range) ? range[field] : undefined;
    if (typeof text === "string" && parseCidr(text)?.family === family) {
      cidrs.push(text);
      continue;
    }
    // Not a CIDR of the family: read again the checked way, which says where and why.
    const where = `${path}.${list}[${position}]`;
    cidrs.push(
      field === undefined
        ? readCidr(range, where, family)
        : readCidr(readObject(range, where)[field], `${where}.${field}`, family),
    );
  }
  return cidrs;
}

function readCidr(value: unknown, path: string, family: 4 | 6): string {
  const text = readText(value, path);
  if (parseCidr(text)?.family !== family) {
    throw unreadable(path, `${JSON.stringify(text)} is not an IPv${family} CIDR`);
  }
  return text;
}

/** From a configuration item's `configuration` of an AWS::EC2::Instance (the item's resource). */
export function instanceFromConfiguration(
  resourceId: string,
  configuration: unknown,
): InstanceSecurityGroups {
  const instance = readObject(configuration, "configuration");
  const state =
    instance.state === undefined || instance.state === null
      ? undefined
      : readOptionalText(
          readObject(instance.state, "configuration.state").name,
          "configuration.state.name",
        );
  return {
    instanceId: resourceId,
    state,
    securityGroupIds: readList(instance.securityGroups, "configuration.securityGroups").map(
      (group, index) =>
        readText(
          readObject(group, `configuration.securityGroups[${index}]`).groupId,
          `configuration.securityGroups[${index}].groupId`,
        ),
    ),
  };
}

/** From the EC2 API's DescribeSecurityGroups (PascalCase). */
export function securityGroupFromApi(group: {
  GroupId?: string;
  IpPermissions?: Array<{
    IpProtocol?: string;
    FromPort?: number;
    ToPort?: number;
    IpRanges?: Array<{ CidrIp?: string }>;
    Ipv6Ranges?: Array<{ CidrIpv6?: string }>;
  }>;
}): SecurityGroupIngress {
  return {
    groupId: group.GroupId ?? "",
    ingress: (group.IpPermissions ?? []).map((permission) => ({
      protocol: permission.IpProtocol ?? "-1",
      fromPort: permission.FromPort,
      toPort: permission.ToPort,
      ipv4Cidrs: (permission.IpRanges ?? []).flatMap((range) => range.CidrIp ?? []),
      ipv6Cidrs: (permission.Ipv6Ranges ?? []).flatMap((range) => range.CidrIpv6 ?? []),
    })),
  };
}

function unique(values: string[]): string[] {
  // One CIDR, as most permissions have: nothing to repeat.
  return values.length < 2 ? values : [...new Set(values)];
}
