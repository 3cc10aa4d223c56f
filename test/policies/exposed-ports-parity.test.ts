/**
 * The same security-group rules judged by the Lambda's path (a configuration item through
 * securityGroupFromConfiguration and evaluateSecurityGroup, as functions/handlers/exposed-ports.ts
 * does) and by the policy on each Pulumi resource that can carry them: same verdict, same words.
 */
import { strict as assert } from "assert";
import {
  evaluateSecurityGroup,
  securityGroupFromConfiguration,
} from "../../functions/rules/exposed-ports/evaluate";
import { parsePortList } from "../../functions/rules/ports";
import { exposedPorts } from "../../policies/ec2";
import { TYPES } from "../../policies/resource-types";
import { configurationItem } from "../helpers/fixtures";
import { messages, resourceArgs } from "../helpers/policy-args";

const FORBIDDEN = ["22", "3389"];

interface Row {
  scenario: string;
  protocol: string;
  /** Absent for protocol -1, as AWS reports it. */
  ports?: [number, number];
  cidr: string;
  expected: "COMPLIANT" | "NON_COMPLIANT";
}

const ROWS: Row[] = [
  {
    scenario: "tcp 22 0.0.0.0/0",
    protocol: "tcp",
    ports: [22, 22],
    cidr: "0.0.0.0/0",
    expected: "NON_COMPLIANT",
  },
  {
    scenario: "tcp 0-1024 0.0.0.0/0",
    protocol: "tcp",
    ports: [0, 1024],
    cidr: "0.0.0.0/0",
    expected: "NON_COMPLIANT",
  },
  {
    scenario: "tcp 22 ::/0",
    protocol: "tcp",
    ports: [22, 22],
    cidr: "::/0",
    expected: "NON_COMPLIANT",
  },
  {
    scenario: "protocol -1 0.0.0.0/0",
    protocol: "-1",
    cidr: "0.0.0.0/0",
    expected: "NON_COMPLIANT",
  },
  {
    scenario: "icmp 0.0.0.0/0",
    protocol: "icmp",
    ports: [-1, -1],
    cidr: "0.0.0.0/0",
    expected: "COMPLIANT",
  },
  {
    scenario: "tcp 22 10.0.0.0/8",
    protocol: "tcp",
    ports: [22, 22],
    cidr: "10.0.0.0/8",
    expected: "COMPLIANT",
  },
  {
    scenario: "udp 3389 0.0.0.0/0",
    protocol: "udp",
    ports: [3389, 3389],
    cidr: "0.0.0.0/0",
    expected: "NON_COMPLIANT",
  },
  {
    scenario: "tcp 443 0.0.0.0/0",
    protocol: "tcp",
    ports: [443, 443],
    cidr: "0.0.0.0/0",
    expected: "COMPLIANT",
  },
];

const isIpv6 = (cidr: string) => cidr.includes(":");

/** The sg-change fixture's item with this one permission, in Config's own shape. */
function lambdaVerdict(row: Row) {
  const configuration = structuredClone(configurationItem("sg-change").configuration) as any;
  configuration.ipPermissions = [
    {
      ipProtocol: row.protocol,
      ...(row.ports ? { fromPort: row.ports[0], toPort: row.ports[1] } : {}),
      ipv4Ranges: isIpv6(row.cidr) ? [] : [{ cidrIp: row.cidr }],
      ipv6Ranges: isIpv6(row.cidr) ? [{ cidrIpv6: row.cidr }] : [],
      ipRanges: isIpv6(row.cidr) ? [] : [row.cidr],
      prefixListIds: [],
      userIdGroupPairs: [],
    },
  ];
  return evaluateSecurityGroup(
    securityGroupFromConfiguration("sg-parity", configuration),
    parsePortList(FORBIDDEN.join(",")),
  );
}

/** The same rule as each Pulumi resource declares it (protocol -1 takes ports 0-0 inline). */
function pulumiResources(row: Row): Array<[string, string, Record<string, unknown>]> {
  const [fromPort, toPort] = row.ports ?? [0, 0];
  const cidrs = isIpv6(row.cidr) ? { ipv6CidrBlocks: [row.cidr] } : { cidrBlocks: [row.cidr] };
  const inline = { protocol: row.protocol, fromPort, toPort, ...cidrs };
  return [
    ["aws.ec2.SecurityGroup", TYPES.securityGroup, { ingress: [inline] }],
    ["aws.ec2.SecurityGroupRule", TYPES.securityGroupRule, { type: "ingress", ...inline }],
    [
      "aws.vpc.SecurityGroupIngressRule",
      TYPES.securityGroupIngressRule,
      {
        ipProtocol: row.protocol,
        ...(row.ports ? { fromPort: row.ports[0], toPort: row.ports[1] } : {}),
        ...(isIpv6(row.cidr) ? { cidrIpv6: row.cidr } : { cidrIpv4: row.cidr }),
      },
    ],
  ];
}

describe("exposed-ports: Lambda and policy agree", () => {
  for (const row of ROWS) {
    describe(row.scenario, () => {
      const verdict = lambdaVerdict(row);

      it(`is ${row.expected} for the Lambda`, () => {
        assert.equal(verdict.compliance, row.expected, verdict.annotation);
      });

      for (const [label, type, props] of pulumiResources(row)) {
        it(`is judged the same on ${label}`, async () => {
          const found = await messages(
            exposedPorts,
            resourceArgs(type, props, { config: { forbiddenPorts: FORBIDDEN } }),
          );
          const expected =
            verdict.compliance === "NON_COMPLIANT"
              ? [
                  `Security group ingress must not open forbidden ports to the internet: ${verdict.annotation}.`,
                ]
              : [];
          assert.deepEqual(found, expected);
        });
      }
    });
  }
});
