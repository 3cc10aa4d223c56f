import { strict as assert } from "assert";
import type { CredentialReportRow } from "../../../../functions/rules/credential-report";
import {
  NetworkAclEntry,
  PasswordPolicyParameters,
  customerManagedPoliciesFromCli,
  evaluateAdminAccessPolicy,
  evaluatePolicyInUse,
  evaluateExternalAccessAnalyzer,
  accessAnalyzersFromCli,
  policyEntitiesFromCli,
  evaluateConsoleMfa,
  evaluateImdsv2,
  evaluateNetworkAcl,
  evaluatePasswordPolicy,
  evaluateRootAccessKeys,
  evaluateRootHardwareMfa,
  evaluateRootMfa,
  evaluateUserNoPolicies,
  networkAclFromConfiguration,
  passwordPolicyFromCli,
  virtualMfaDevicesFromCli,
} from "../../../../functions/rules/managed/cis-evaluate";
import { isUnreadable } from "../../../../functions/rules/unreadable";

const ACCOUNT = "111122223333";
const ROOT = {
  arn: `arn:aws:iam::${ACCOUNT}:root`,
  mfaActive: true,
  accessKey1Active: false,
  accessKey2Active: false,
};

describe("CIS managed rule mirrors (offline evaluation)", () => {
  describe("iam-root-access-key-check and root-account-mfa-enabled", () => {
    const cases: Array<[string, Partial<typeof ROOT>, string, string]> = [
      ["no key, MFA", {}, "COMPLIANT", "COMPLIANT"],
      ["access key 2 active", { accessKey2Active: true }, "NON_COMPLIANT", "COMPLIANT"],
      [
        "both keys active, no MFA",
        { accessKey1Active: true, accessKey2Active: true, mfaActive: false },
        "NON_COMPLIANT",
        "NON_COMPLIANT",
      ],
    ];
    for (const [scenario, change, keys, mfa] of cases) {
      it(`${scenario}: keys ${keys}, MFA ${mfa}`, () => {
        const root = { ...ROOT, ...change };
        const keyVerdict = evaluateRootAccessKeys(ACCOUNT, root);
        assert.equal(keyVerdict?.compliance, keys);
        assert.equal(keyVerdict?.resourceType, "AWS::::Account");
        assert.equal(keyVerdict?.resourceId, ACCOUNT);
        assert.equal(evaluateRootMfa(ACCOUNT, root)?.compliance, mfa);
      });
    }

    it("judges nothing without the report's root line", () => {
      assert.equal(evaluateRootAccessKeys(ACCOUNT, undefined), undefined);
      assert.equal(evaluateRootMfa(ACCOUNT, undefined), undefined);
    });
  });

  describe("mfa-enabled-for-iam-console-access", () => {
    const user = { userId: "AIDA1", userName: "bob" };
    const row = (change: Partial<CredentialReportRow>): CredentialReportRow => ({
      user: "bob",
      arn: `arn:aws:iam::${ACCOUNT}:user/bob`,
      userCreationTime: new Date("2024-01-01T00:00:00Z"),
      passwordEnabled: true,
      mfaActive: false,
      accessKey1Active: false,
      accessKey2Active: false,
      ...change,
    });
    for (const [scenario, change, compliance] of [
      ["a console password without MFA", {}, "NON_COMPLIANT"],
      ["a console password with MFA", { mfaActive: true }, "COMPLIANT"],
      [
        "no console password (keys only)",
        { passwordEnabled: false, accessKey1Active: true },
        "NOT_APPLICABLE",
      ],
    ] as const) {
      it(`${scenario}: ${compliance}`, () => {
        assert.equal(evaluateConsoleMfa(user, row(change))?.compliance, compliance);
      });
    }
    it("judges nothing for a user missing from the report", () => {
      assert.equal(evaluateConsoleMfa(user, undefined), undefined);
    });
  });

  describe("iam-password-policy", () => {
    const parameters: PasswordPolicyParameters = {
      MinimumPasswordLength: 14,
      PasswordReusePrevention: 24,
      MaxPasswordAge: 90,
      RequireUppercaseCharacters: true,
      RequireLowercaseCharacters: true,
      RequireSymbols: true,
      RequireNumbers: true,
    };
    const strong = {
      minimumPasswordLength: 14,
      passwordReusePrevention: 24,
      maxPasswordAge: 90,
      requireUppercaseCharacters: true,
      requireLowercaseCharacters: true,
      requireSymbols: true,
      requireNumbers: true,
    };
    const cases: Array<[string, object | null, string, RegExp]> = [
      ["exactly the parameters", strong, "COMPLIANT", /meets every requirement/],
      [
        "stronger than asked",
        { ...strong, minimumPasswordLength: 20, maxPasswordAge: 30 },
        "COMPLIANT",
        /meets/,
      ],
      ["no policy at all", null, "NON_COMPLIANT", /no password policy/],
      [
        "13 characters",
        { ...strong, minimumPasswordLength: 13 },
        "NON_COMPLIANT",
        /minimum length 13, not 14/,
      ],
      [
        "remembers 5",
        { ...strong, passwordReusePrevention: 5 },
        "NON_COMPLIANT",
        /remembers 5 passwords, not 24/,
      ],
      ["never expires", { ...strong, maxPasswordAge: undefined }, "NON_COMPLIANT", /never expire/],
      [
        "expires after 180 days",
        { ...strong, maxPasswordAge: 180 },
        "NON_COMPLIANT",
        /after 180 days, not 90/,
      ],
      [
        "symbols not required",
        { ...strong, requireSymbols: false },
        "NON_COMPLIANT",
        /symbols not required/,
      ],
    ];
    for (const [scenario, policy, compliance, annotation] of cases) {
      it(`${scenario}: ${compliance}`, () => {
        const verdict = evaluatePasswordPolicy(ACCOUNT, policy, parameters);
        assert.equal(verdict?.compliance, compliance);
        assert.match(verdict?.annotation ?? "", annotation);
      });
    }

    it("asks for a character class only when the parameters do", () => {
      const lenient = { ...parameters, RequireSymbols: false };
      const verdict = evaluatePasswordPolicy(
        ACCOUNT,
        { ...strong, requireSymbols: false },
        lenient,
      );
      assert.equal(verdict?.compliance, "COMPLIANT");
    });

    it("judges nothing when the snapshot has no export of the policy", () => {
      assert.equal(evaluatePasswordPolicy(ACCOUNT, undefined, parameters), undefined);
    });

    it("reads the CLI's output, {} as no policy, and an expiry turned off as none", () => {
      assert.equal(passwordPolicyFromCli({}), null);
      assert.deepEqual(
        passwordPolicyFromCli({
          PasswordPolicy: {
            MinimumPasswordLength: 8,
            RequireSymbols: true,
            RequireNumbers: false,
            AllowUsersToChangePassword: true,
            ExpirePasswords: false,
            PasswordReusePrevention: 3,
          },
        }),
        {
          minimumPasswordLength: 8,
          requireSymbols: true,
          requireNumbers: false,
          passwordReusePrevention: 3,
        },
      );
      assert.throws(
        () => passwordPolicyFromCli({ PasswordPolicy: { MinimumPasswordLength: "14" } }),
        (error: unknown) =>
          isUnreadable(error) && /PasswordPolicy\.MinimumPasswordLength/.test(error.message),
      );
    });
  });

  describe("iam-user-no-policies-check", () => {
    const user = {
      userId: "AIDA1",
      userName: "carol",
      attachedPolicyArns: [],
      inlinePolicyNames: [],
    };
    for (const [scenario, change, compliance] of [
      ["permissions through groups only", {}, "COMPLIANT"],
      [
        "a managed policy attached",
        { attachedPolicyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"] },
        "NON_COMPLIANT",
      ],
      ["an inline policy", { inlinePolicyNames: ["s3-write"] }, "NON_COMPLIANT"],
    ] as const) {
      it(`${scenario}: ${compliance}`, () => {
        const verdict = evaluateUserNoPolicies({ ...user, ...change });
        assert.equal(verdict.compliance, compliance);
        assert.equal(verdict.resourceId, "AIDA1");
      });
    }
    it("names the policies the user holds", () => {
      const verdict = evaluateUserNoPolicies({
        ...user,
        attachedPolicyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
        inlinePolicyNames: ["s3-write"],
      });
      assert.match(verdict.annotation, /ReadOnlyAccess, s3-write \(inline\)/);
    });
  });

  describe("nacl-no-unrestricted-ssh-rdp", () => {
    const entry = (change: Partial<NetworkAclEntry>): NetworkAclEntry => ({
      ruleNumber: 100,
      egress: false,
      ruleAction: "allow",
      protocol: "6",
      portRange: { from: 22, to: 22 },
      cidrBlock: "0.0.0.0/0",
      ...change,
    });
    const cases: Array<[string, NetworkAclEntry[], string]> = [
      ["SSH from 0.0.0.0/0", [entry({})], "NON_COMPLIANT"],
      [
        "RDP from ::/0",
        [
          entry({
            cidrBlock: undefined,
            ipv6CidrBlock: "::/0",
            portRange: { from: 3389, to: 3389 },
          }),
        ],
        "NON_COMPLIANT",
      ],
      [
        "all traffic from 0.0.0.0/0 (the default ACL)",
        [entry({ protocol: "-1", portRange: undefined })],
        "NON_COMPLIANT",
      ],
      [
        "UDP 1-1024 from 0.0.0.0/0",
        [entry({ protocol: "17", portRange: { from: 1, to: 1024 } })],
        "NON_COMPLIANT",
      ],
      ["SSH from a private range", [entry({ cidrBlock: "10.0.0.0/8" })], "COMPLIANT"],
      ["a deny entry", [entry({ ruleAction: "deny" })], "COMPLIANT"],
      ["outbound all traffic", [entry({ egress: true, protocol: "-1" })], "COMPLIANT"],
      ["HTTPS only", [entry({ portRange: { from: 443, to: 443 } })], "COMPLIANT"],
      ["ICMP from anywhere", [entry({ protocol: "1", portRange: undefined })], "COMPLIANT"],
    ];
    for (const [scenario, entries, compliance] of cases) {
      it(`${scenario}: ${compliance}`, () => {
        const verdict = evaluateNetworkAcl({ networkAclId: "acl-1", entries });
        assert.equal(verdict.compliance, compliance);
        assert.equal(verdict.resourceType, "AWS::EC2::NetworkAcl");
      });
    }

    it("reads the entries as AWS Config records them, refusing a field of the wrong type", () => {
      const acl = networkAclFromConfiguration("acl-1", {
        networkAclId: "acl-1",
        isDefault: true,
        entries: [
          {
            cidrBlock: "0.0.0.0/0",
            egress: false,
            protocol: "-1",
            ruleAction: "allow",
            ruleNumber: 100,
          },
          {
            cidrBlock: "0.0.0.0/0",
            egress: false,
            protocol: "6",
            ruleAction: "allow",
            ruleNumber: 110,
            portRange: { from: 22, to: 22 },
          },
        ],
      });
      assert.deepEqual(acl.entries[1], {
        ruleNumber: 110,
        egress: false,
        ruleAction: "allow",
        protocol: "6",
        portRange: { from: 22, to: 22 },
        cidrBlock: "0.0.0.0/0",
      });
      assert.throws(
        () =>
          networkAclFromConfiguration("acl-1", { entries: [{ ruleAction: "allow", protocol: 6 }] }),
        (error: unknown) => isUnreadable(error) && /entries\[0\]\.protocol/.test(error.message),
      );
    });
  });

  describe("ec2-imdsv2-check", () => {
    for (const [scenario, instance, compliance] of [
      ["tokens required", { httpTokens: "required" }, "COMPLIANT"],
      ["tokens optional (IMDSv1 served)", { httpTokens: "optional" }, "NON_COMPLIANT"],
      ["no metadata options recorded", {}, "NON_COMPLIANT"],
      ["terminated", { state: "terminated", httpTokens: "optional" }, "NOT_APPLICABLE"],
    ] as const) {
      it(`${scenario}: ${compliance}`, () => {
        assert.equal(evaluateImdsv2({ instanceId: "i-1", ...instance }).compliance, compliance);
      });
    }
  });

  describe("root-account-hardware-mfa-enabled", () => {
    const rootDevice = { serialNumber: `arn:aws:iam::${ACCOUNT}:mfa/root-account-mfa-device` };
    const cases: Array<[string, Partial<typeof ROOT>, object[], string, RegExp]> = [
      ["MFA, no virtual device of the root's", {}, [], "COMPLIANT", /hardware device/],
      [
        "MFA through a virtual device assigned to the root",
        {},
        [{ ...rootDevice, userArn: ROOT.arn }],
        "NON_COMPLIANT",
        /is virtual \(arn:aws:iam::111122223333:mfa\/root-account-mfa-device\)/,
      ],
      [
        "a virtual device assigned to a user, or to nobody",
        {},
        [{ serialNumber: "x", userArn: `arn:aws:iam::${ACCOUNT}:user/alice` }, rootDevice],
        "COMPLIANT",
        /hardware/,
      ],
      ["no MFA at all", { mfaActive: false }, [], "NON_COMPLIANT", /no MFA device/],
    ];
    for (const [scenario, change, devices, compliance, annotation] of cases) {
      it(`${scenario}: ${compliance}`, () => {
        const verdict = evaluateRootHardwareMfa(ACCOUNT, { ...ROOT, ...change }, devices as never);
        assert.equal(verdict?.compliance, compliance);
        assert.match(verdict?.annotation ?? "", annotation);
        assert.equal(verdict?.resourceType, "AWS::::Account");
      });
    }

    it("judges nothing without the root line or without the device list", () => {
      assert.equal(evaluateRootHardwareMfa(ACCOUNT, undefined, []), undefined);
      assert.equal(evaluateRootHardwareMfa(ACCOUNT, ROOT, undefined), undefined);
    });

    it("reads the CLI's output, pages and unassigned devices, refusing a device without serial", () => {
      assert.deepEqual(
        virtualMfaDevicesFromCli([
          { VirtualMFADevices: [{ SerialNumber: "a", User: { Arn: ROOT.arn, UserId: ACCOUNT } }] },
          { VirtualMFADevices: [{ SerialNumber: "b" }] },
        ]),
        [{ serialNumber: "a", userArn: ROOT.arn }, { serialNumber: "b" }],
      );
      assert.throws(
        () => virtualMfaDevicesFromCli({ VirtualMFADevices: [{ User: { Arn: ROOT.arn } }] }),
        (error: unknown) =>
          isUnreadable(error) && /VirtualMFADevices\[0\]\.SerialNumber/.test(error.message),
      );
    });
  });

  describe("iam-policy-no-statements-with-admin-access", () => {
    const policy = (Statement: unknown) => ({
      policyId: "ANPAEXAMPLE",
      policyName: "Example",
      document: { Version: "2012-10-17", Statement },
    });
    const allow = { Effect: "Allow", Action: "*", Resource: "*" };
    const cases: Array<[string, unknown, string]> = [
      ['Allow "*" on "*"', [allow], "NON_COMPLIANT"],
      ["one statement, not a list", allow, "NON_COMPLIANT"],
      [
        '"*" among listed actions and resources',
        [{ ...allow, Action: ["s3:GetObject", "*"], Resource: ["arn:aws:s3:::b", "*"] }],
        "NON_COMPLIANT",
      ],
      ['"service:*" on "*"', [{ ...allow, Action: "s3:*" }], "COMPLIANT"],
      ['"*" on one bucket', [{ ...allow, Resource: "arn:aws:s3:::b" }], "COMPLIANT"],
      ['Deny "*" on "*"', [{ ...allow, Effect: "Deny" }], "COMPLIANT"],
      [
        "NotAction, not Action (the MFA policy's shape)",
        [{ Effect: "Allow", NotAction: "iam:*", Resource: "*" }],
        "COMPLIANT",
      ],
    ];
    for (const [scenario, statement, compliance] of cases) {
      it(`${scenario}: ${compliance}`, () => {
        const verdict = evaluateAdminAccessPolicy(policy(statement));
        assert.equal(verdict.compliance, compliance);
        assert.equal(verdict.resourceType, "AWS::IAM::Policy");
        assert.equal(verdict.resourceId, "ANPAEXAMPLE");
      });
    }

    it("names the statement by its Sid, or by its position", () => {
      assert.match(
        evaluateAdminAccessPolicy(
          policy([
            { Effect: "Deny", Action: "*", Resource: "*" },
            { ...allow, Sid: "Admin" },
          ]),
        ).annotation,
        /Example grants full administrator access: statement Admin allows/,
      );
      assert.match(
        evaluateAdminAccessPolicy(policy([{ Effect: "Deny", Action: "*", Resource: "*" }, allow]))
          .annotation,
        /statement 2 allows/,
      );
    });

    it("reads each policy's default version, decoded or URL-encoded as the API returns it", () => {
      const admin = { Version: "2012-10-17", Statement: [allow] };
      const read = customerManagedPoliciesFromCli({
        Policies: [
          {
            PolicyName: "Old",
            PolicyId: "ANPAOLD",
            PolicyVersionList: [
              { Document: admin, VersionId: "v1", IsDefaultVersion: false },
              { Document: { Statement: [] }, VersionId: "v2", IsDefaultVersion: true },
            ],
          },
          {
            PolicyName: "Encoded",
            PolicyId: "ANPAENC",
            PolicyVersionList: [
              { Document: encodeURIComponent(JSON.stringify(admin)), IsDefaultVersion: true },
            ],
          },
        ],
      });
      assert.deepEqual(
        read.map((p) => [p.policyName, evaluateAdminAccessPolicy(p).compliance]),
        [
          ["Old", "COMPLIANT"],
          ["Encoded", "NON_COMPLIANT"],
        ],
      );
      assert.throws(
        () =>
          customerManagedPoliciesFromCli({
            Policies: [
              { PolicyName: "P", PolicyId: "I", PolicyVersionList: [{ Document: "%7B" }] },
            ],
          }),
        (error: unknown) =>
          isUnreadable(error) &&
          /Policies\[0\]\.PolicyVersionList: no version with IsDefaultVersion true/.test(
            error.message,
          ),
      );
      assert.throws(
        () =>
          customerManagedPoliciesFromCli({
            Policies: [
              {
                PolicyName: "P",
                PolicyId: "I",
                PolicyVersionList: [{ Document: "%7B", IsDefaultVersion: true }],
              },
            ],
          }),
        (error: unknown) =>
          isUnreadable(error) && /Document: neither a JSON policy document/.test(error.message),
      );
    });
  });

  describe("iam-policy-in-use (AWSSupportAccess)", () => {
    const ARN = "arn:aws:iam::aws:policy/AWSSupportAccess";
    const any = { policyARN: ARN, policyUsageType: "ANY" } as const;
    const none = { roles: [], users: [], groups: [] };
    const withMembers = (group: string) => group === "support";
    const cases: Array<[string, object, object, string]> = [
      ["attached to a role", any, { ...none, roles: ["AWSSupport"] }, "COMPLIANT"],
      ["attached to a user", any, { ...none, users: ["alice"] }, "COMPLIANT"],
      ["attached to a group with a member", any, { ...none, groups: ["support"] }, "COMPLIANT"],
      ["attached only to an empty group", any, { ...none, groups: ["nobody"] }, "NON_COMPLIANT"],
      ["attached to nothing", any, none, "NON_COMPLIANT"],
      [
        "a user where only roles count",
        { ...any, policyUsageType: "IAM_ROLE" },
        { ...none, users: ["alice"] },
        "NON_COMPLIANT",
      ],
    ];
    for (const [scenario, parameters, entities, compliance] of cases) {
      it(`${scenario}: ${compliance}`, () => {
        const verdict = evaluatePolicyInUse(parameters as never, entities as never, withMembers);
        assert.equal(verdict?.compliance, compliance);
        assert.equal(verdict?.resourceType, "AWS::IAM::Policy");
        assert.equal(verdict?.resourceId, ARN);
      });
    }

    it("judges nothing without the export, and reads the CLI's output", () => {
      assert.equal(evaluatePolicyInUse(any, undefined, withMembers), undefined);
      assert.deepEqual(
        policyEntitiesFromCli({
          PolicyGroups: [{ GroupName: "support", GroupId: "AGPA1" }],
          PolicyRoles: [{ RoleName: "AWSSupport", RoleId: "AROA1" }],
        }),
        { roles: ["AWSSupport"], users: [], groups: ["support"] },
      );
      assert.throws(
        () => policyEntitiesFromCli({ PolicyUsers: [{ UserId: "AIDA1" }] }),
        (error: unknown) => isUnreadable(error) && /PolicyUsers\[0\]\.UserName/.test(error.message),
      );
    });
  });

  describe("iam-external-access-analyzer-enabled", () => {
    const analyzer = (type: string, status = "ACTIVE") => ({ name: `a-${type}`, type, status });
    const cases: Array<[string, object[], string]> = [
      ["an active account analyzer", [analyzer("ACCOUNT")], "COMPLIANT"],
      ["an active organization analyzer", [analyzer("ORGANIZATION")], "COMPLIANT"],
      ["only an unused-access analyzer", [analyzer("ACCOUNT_UNUSED_ACCESS")], "NON_COMPLIANT"],
      [
        "an account analyzer still being created",
        [analyzer("ACCOUNT", "CREATING")],
        "NON_COMPLIANT",
      ],
      ["no analyzer", [], "NON_COMPLIANT"],
    ];
    for (const [scenario, analyzers, compliance] of cases) {
      it(`${scenario}: ${compliance}`, () => {
        const verdict = evaluateExternalAccessAnalyzer(ACCOUNT, analyzers as never);
        assert.equal(verdict?.compliance, compliance);
        assert.equal(verdict?.resourceType, "AWS::::Account");
      });
    }

    it("judges nothing without the export, and reads the CLI's output", () => {
      assert.equal(evaluateExternalAccessAnalyzer(ACCOUNT, undefined), undefined);
      assert.deepEqual(
        accessAnalyzersFromCli({
          analyzers: [{ arn: "arn:x", name: "external", type: "ACCOUNT", status: "ACTIVE" }],
        }),
        [{ name: "external", type: "ACCOUNT", status: "ACTIVE" }],
      );
      assert.throws(
        () => accessAnalyzersFromCli({ analyzers: [{ name: "x", type: "ACCOUNT" }] }),
        (error: unknown) => isUnreadable(error) && /analyzers\[0\]\.status/.test(error.message),
      );
    });
  });
});
