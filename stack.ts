/**
 * Builds the whole program from validated settings. A pure function of its input, so tests can
 * build the stack for several configurations without fighting the module cache.
 */
import * as pulumi from "@pulumi/pulumi";
import {
  ConfigRecorder,
  CustomConfigRule,
  ExposedPortsRule,
  InactiveUsersRule,
  ManagedRules,
  MfaEnforcement,
  MfaPolicyRule,
  Notifications,
  RemediationFunction,
  SsmRemediation,
  CLOSE_DEFAULT_SECURITY_GROUP_DOCUMENT,
  documentPermissions,
} from "./components";
import * as remediateAccessKeys from "./functions/remediation/access-keys/handler";
import * as remediateExposedPorts from "./functions/remediation/exposed-ports/handler";
import * as remediateMfa from "./functions/remediation/mfa-policy/handler";
import { formatPortRange } from "./functions/rules/ports";
import { RESOURCE_TYPES } from "./functions/rules/verdict";
import { PROGRAM_TAG, Settings } from "./config";
import { MANAGED_RULE_NAMES, RuleName } from "./functions/rules/catalog";

export interface GuardrailsOutputs {
  recorderName: pulumi.Output<string>;
  deliveryBucket: pulumi.Output<string | undefined>;
  recordsGlobalResources: boolean;
  /** The Config rules this stack deploys, by name. */
  rules: pulumi.Output<string>[];
  /** Where compliance changes and report-mode remediations are sent. */
  notificationTopic: pulumi.Output<string>;
}

export function createGuardrails(settings: Settings): GuardrailsOutputs {
  // The program's own tag last, so a stack's tags cannot hide what manages a resource.
  const tags = { ...settings.tags, ...PROGRAM_TAG };
  const enabled = (rule: RuleName) => !settings.disabledRules.includes(rule);

  const recorder = new ConfigRecorder("config", {
    create: settings.recorder.create,
    recorderName: settings.recorder.name,
    includeGlobalResources: settings.recorder.includeGlobalResources,
    tags,
  });
  const common = {
    logRetentionDays: settings.logRetentionDays,
    dependsOn: recorder.ruleDependencies,
    tags,
  };
  const lambdas = { ...common, logRetentionDays: settings.logRetentionDays };
  const rules: CustomConfigRule[] = [];

  if (enabled("exposed-ports")) {
    rules.push(
      new ExposedPortsRule("exposed-ports", { forbiddenPorts: settings.forbiddenPorts, ...lambdas })
        .rule,
    );
  }
  // IAM is global: its rules run only in the region that records global resources, or every
  // region would evaluate (and later repair) the same users.
  let mfa: MfaEnforcement | undefined;
  if (settings.recorder.includeGlobalResources) {
    // IAM names are account-wide: only the region that records global resources creates them.
    mfa = new MfaEnforcement("mfa", {
      policyName: settings.mfaPolicyName,
      groupName: settings.mfaGroupName,
      tags,
    });
    if (enabled("iam-inactive-users")) {
      rules.push(
        new InactiveUsersRule("iam-inactive-users", {
          maxInactiveDays: settings.maxInactiveDays,
          exemptUsers: settings.exemptUsers,
          ...lambdas,
        }).rule,
      );
    }
    if (enabled("mfa-policy-attached")) {
      rules.push(
        new MfaPolicyRule("mfa-policy-attached", {
          policyArn: mfa.policyArn,
          exemptUsers: settings.exemptUsers,
          ...lambdas,
        }).rule,
      );
    }
  }

  // access-keys-rotated judges IAM users: global, so like the IAM custom rules, in one region.
  const managedRuleNames = MANAGED_RULE_NAMES.filter(
    (rule) =>
      enabled(rule) && (rule !== "access-keys-rotated" || settings.recorder.includeGlobalResources),
  );
  const managed = new ManagedRules("managed", {
    rules: managedRuleNames,
    authorizedTcpPorts: settings.authorizedTcpPorts,
    authorizedUdpPorts: settings.authorizedUdpPorts,
    maxAccessKeyAge: settings.maxAccessKeyAge,
    restrictedSshTag: settings.restrictedSshTag,
    ...common,
  });

  const ruleNames = [
    ...rules.map((rule) => rule.ruleName),
    ...Object.values(managed.rules).map((rule) => rule.name),
  ];
  const notifications = new Notifications("notifications", {
    ruleNames,
    emails: settings.notificationEmails,
    tags,
  });
  createRemediations(settings, { managed, mfa, notifications, lambdas, tags });

  return {
    recorderName: recorder.recorderName,
    deliveryBucket: recorder.bucketName,
    recordsGlobalResources: recorder.recordsGlobalResources,
    rules: ruleNames,
    notificationTopic: notifications.topicArn,
  };
}

interface RemediationContext {
  managed: ManagedRules;
  mfa?: MfaEnforcement;
  notifications: Notifications;
  lambdas: { logRetentionDays: number; tags: Record<string, string> };
  tags: Record<string, string>;
}

/** Each remediation whose rule is deployed and whose mode is not `off`. */
function createRemediations(settings: Settings, context: RemediationContext): void {
  const { managed, mfa, notifications, lambdas, tags } = context;
  const modes = settings.remediation;
  const enabled = (rule: RuleName) => !settings.disabledRules.includes(rule);
  const reportTo = (mode: string) => (mode === "report" ? notifications.topicArn : undefined);
  const exemptUsers = settings.exemptUsers.join(",");

  if (enabled("exposed-ports") && modes.exposedPorts !== "off") {
    const mode = modes.exposedPorts;
    new RemediationFunction("remediate-exposed-ports", {
      description: "Revokes ingress rules that open forbidden ports to the internet.",
      ruleName: "exposed-ports",
      resourceTypes: [RESOURCE_TYPES.securityGroup, RESOURCE_TYPES.instance],
      callbackFactory: () => remediateExposedPorts.createHandler(),
      permissions: remediateExposedPorts.permissions(mode),
      environment: {
        MODE: mode,
        FORBIDDEN_PORTS: settings.forbiddenPorts.map(formatPortRange).join(","),
      },
      reportTopicArn: reportTo(mode),
      ...lambdas,
    });
  }
  if (mfa && enabled("mfa-policy-attached") && modes.mfaPolicy !== "off") {
    const mode = modes.mfaPolicy;
    new RemediationFunction("remediate-mfa-policy", {
      description: "Puts users without the MFA policy under it (group or direct attachment).",
      ruleName: "mfa-policy-attached",
      resourceTypes: [RESOURCE_TYPES.iamUser],
      callbackFactory: () => remediateMfa.createHandler(),
      permissions: remediateMfa.permissions(mode, settings.mfaEnforcement),
      environment: {
        MODE: mode,
        ENFORCEMENT: settings.mfaEnforcement,
        POLICY_ARN: mfa.policyArn,
        GROUP_NAME: settings.mfaGroupName,
        EXEMPT_USERS: exemptUsers,
      },
      reportTopicArn: reportTo(mode),
      ...lambdas,
    });
  }
  if (managed.rules["access-keys-rotated"] && modes.accessKeys !== "off") {
    const mode = modes.accessKeys;
    new RemediationFunction("remediate-access-keys", {
      description:
        "Deactivates access keys past maxAccessKeyAge, deletes them after the grace period.",
      ruleName: "access-keys-rotated",
      resourceTypes: [RESOURCE_TYPES.iamUser],
      callbackFactory: () => remediateAccessKeys.createHandler(),
      permissions: remediateAccessKeys.permissions(mode),
      environment: {
        MODE: mode,
        MAX_ACCESS_KEY_AGE: String(settings.maxAccessKeyAge),
        KEY_DELETE_GRACE_DAYS: String(settings.keyDeleteGraceDays),
        EXEMPT_USERS: exemptUsers,
      },
      // Deactivated keys make the rule COMPLIANT: only a schedule finds them when grace runs out.
      schedule: mode === "delete" ? "rate(1 day)" : undefined,
      reportTopicArn: reportTo(mode),
      timeout: 300,
      ...lambdas,
    });
  }
  const ssm = {
    maximumAutomaticAttempts: modes.automaticAttempts,
    retryAttemptSeconds: modes.retrySeconds,
    tags,
  };
  const defaultGroupRule = managed.rules["vpc-default-security-group-closed"];
  if (defaultGroupRule && modes.defaultSecurityGroup !== "off") {
    new SsmRemediation("close-default-security-group", {
      ruleName: defaultGroupRule.name,
      document: { content: CLOSE_DEFAULT_SECURITY_GROUP_DOCUMENT },
      resourceIdParameter: "GroupId",
      permissions: documentPermissions(CLOSE_DEFAULT_SECURITY_GROUP_DOCUMENT),
      automatic: modes.defaultSecurityGroup === "automatic",
      dependsOn: [defaultGroupRule],
      ...ssm,
    });
  }
  // On restricted-ssh, not on vpc-sg-open-only-to-authorized-ports as seed 001 does: this AWS
  // document closes only SSH and RDP, so a group flagged for another port would stay
  // NON_COMPLIANT and automatic remediation would retry forever.
  const sshRule = managed.rules["restricted-ssh"];
  if (sshRule && modes.publicSecurityGroups !== "off") {
    new SsmRemediation("disable-public-ssh", {
      ruleName: sshRule.name,
      document: { awsDocumentName: "AWS-DisablePublicAccessForSecurityGroup" },
      resourceIdParameter: "GroupId",
      permissions: ["ec2:DescribeSecurityGroups", "ec2:RevokeSecurityGroupIngress"],
      automatic: modes.publicSecurityGroups === "automatic",
      dependsOn: [sshRule],
      ...ssm,
    });
  }
}
