import { strict as assert } from "assert";
import { parsePortList } from "../../../../functions/rules/ports";
import { CredentialReportRow } from "../../../../functions/rules/credential-report";
import { IngressPermission } from "../../../../functions/rules/exposed-ports/evaluate";
import {
  evaluateAccessKeysRotated,
  evaluateAuthorizedPorts,
  evaluateDefaultGroupClosed,
  evaluateRestrictedSsh,
} from "../../../../functions/rules/managed/evaluate";

function permission(change: Partial<IngressPermission>): IngressPermission {
  return {
    protocol: "tcp",
    fromPort: 22,
    toPort: 22,
    ipv4Cidrs: ["0.0.0.0/0"],
    ipv6Cidrs: [],
    ...change,
  };
}
const group = (ingress: IngressPermission[]) => ({ groupId: "sg-0123456789abcdef0", ingress });

describe("managed rule mirrors (offline evaluation)", () => {
  describe("vpc-default-security-group-closed", () => {
    const cases: Array<
      [string, { groupName: string; ingress: IngressPermission[]; egressRuleCount: number }, string]
    > = [
      [
        "a default group with AWS's default egress rule",
        { groupName: "default", ingress: [], egressRuleCount: 1 },
        "NON_COMPLIANT",
      ],
      [
        "a default group with an inbound rule only",
        { groupName: "default", ingress: [permission({})], egressRuleCount: 0 },
        "NON_COMPLIANT",
      ],
      [
        "a closed default group",
        { groupName: "default", ingress: [], egressRuleCount: 0 },
        "COMPLIANT",
      ],
      [
        "any other group, whatever its rules",
        { groupName: "web", ingress: [permission({})], egressRuleCount: 1 },
        "NOT_APPLICABLE",
      ],
    ];
    for (const [scenario, input, compliance] of cases) {
      it(`${scenario}: ${compliance}`, () => {
        assert.equal(
          evaluateDefaultGroupClosed({ groupId: "sg-1", ...input }).compliance,
          compliance,
        );
      });
    }
  });

  describe("restricted-ssh", () => {
    const cases: Array<[string, IngressPermission[], string]> = [
      ["22/tcp to 0.0.0.0/0", [permission({})], "NON_COMPLIANT"],
      ["22/tcp to ::/0", [permission({ ipv4Cidrs: [], ipv6Cidrs: ["::/0"] })], "NON_COMPLIANT"],
      [
        "all traffic to the internet",
        [permission({ protocol: "-1", fromPort: undefined, toPort: undefined })],
        "NON_COMPLIANT",
      ],
      ["22/tcp from a private range", [permission({ ipv4Cidrs: ["10.0.0.0/8"] })], "COMPLIANT"],
      ["3389 only", [permission({ fromPort: 3389, toPort: 3389 })], "COMPLIANT"],
      ["22/udp is not SSH", [permission({ protocol: "udp" })], "COMPLIANT"],
    ];
    for (const [scenario, ingress, compliance] of cases) {
      it(`${scenario}: ${compliance}`, () =>
        assert.equal(evaluateRestrictedSsh(group(ingress)).compliance, compliance));
    }
  });

  describe("vpc-sg-open-only-to-authorized-ports", () => {
    const authorized = { tcp: parsePortList("443,1020-1025"), udp: parsePortList("500") };
    const cases: Array<[string, IngressPermission[], string, string?]> = [
      ["443 to the internet", [permission({ fromPort: 443, toPort: 443 })], "COMPLIANT"],
      [
        "a range inside the authorized one",
        [permission({ fromPort: 1021, toPort: 1022, ipv6Cidrs: ["::/0"] })],
        "COMPLIANT",
      ],
      ["500/udp", [permission({ protocol: "udp", fromPort: 500, toPort: 500 })], "COMPLIANT"],
      ["22 to a private range", [permission({ ipv4Cidrs: ["10.0.0.0/8"] })], "COMPLIANT"],
      ["22 to the internet", [permission({})], "NON_COMPLIANT", "22/tcp open to 0.0.0.0/0"],
      [
        "a range partly outside",
        [permission({ fromPort: 1000, toPort: 1030 })],
        "NON_COMPLIANT",
        "1000-1019/tcp open to 0.0.0.0/0; 1026-1030/tcp open to 0.0.0.0/0",
      ],
      [
        "all traffic",
        [
          permission({
            protocol: "-1",
            fromPort: undefined,
            toPort: undefined,
            ipv4Cidrs: [],
            ipv6Cidrs: ["::/0"],
          }),
        ],
        "NON_COMPLIANT",
        "1-442/tcp open to ::/0; 444-1019/tcp open to ::/0; 1026-65535/tcp open to ::/0; 1-499/udp open to ::/0; 501-65535/udp open to ::/0",
      ],
    ];
    for (const [scenario, ingress, compliance, annotation] of cases) {
      it(`${scenario}: ${compliance}`, () => {
        const verdict = evaluateAuthorizedPorts(group(ingress), authorized);
        assert.equal(verdict.compliance, compliance);
        if (annotation)
          assert.equal(
            verdict.annotation,
            `Unauthorized ports open to the internet: ${annotation}`,
          );
      });
    }
  });

  describe("access-keys-rotated", () => {
    const NOW = new Date("2026-11-20T12:00:00Z");
    const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000);
    const row = (change: Partial<CredentialReportRow>): CredentialReportRow => ({
      user: "bob",
      arn: "arn:aws:iam::111122223333:user/bob",
      userCreationTime: daysAgo(900),
      passwordEnabled: false,
      mfaActive: false,
      accessKey1Active: false,
      accessKey2Active: false,
      ...change,
    });
    const cases: Array<[string, Partial<CredentialReportRow>, string]> = [
      [
        "an active key created 120 days ago, used yesterday (judged by creation)",
        {
          accessKey1Active: true,
          accessKey1LastRotated: daysAgo(120),
          accessKey1LastUsed: daysAgo(1),
        },
        "NON_COMPLIANT",
      ],
      [
        "an active key created 30 days ago",
        { accessKey1Active: true, accessKey1LastRotated: daysAgo(30) },
        "COMPLIANT",
      ],
      [
        "an old but inactive key",
        { accessKey2Active: false, accessKey2LastRotated: daysAgo(400) },
        "COMPLIANT",
      ],
      ["no keys", {}, "COMPLIANT"],
    ];
    for (const [scenario, change, compliance] of cases) {
      it(`${scenario}: ${compliance}`, () => {
        const verdict = evaluateAccessKeysRotated(
          { userId: "AIDABOB", userName: "bob" },
          row(change),
          90,
          NOW,
        );
        assert.equal(verdict?.compliance, compliance);
        assert.equal(verdict?.resourceId, "AIDABOB");
      });
    }
  });
});
