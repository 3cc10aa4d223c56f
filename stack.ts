/**
 * Builds the whole program from validated settings. A pure function of its input, so tests can
 * build the stack for several configurations without fighting the module cache. What it deploys
 * is what the catalogue says a stack with these settings deploys; each rule and remediation is
 * built from its definition by one generic component.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import {
  ConfigRecorder,
  CustomConfigRule,
  ManagedRules,
  MfaEnforcement,
  Notifications,
  OrganizationAudit,
  OrganizationManagement,
  OrganizationRemediations,
  OrganizationRules,
  RemediationFunction,
  SsmRemediation,
  complianceChangesRoute,
  remediationReportsRoute,
} from "./components";
import { memberBaseline, memberSettings, organizationBucketName } from "./organization/baseline";
import { MEMBER_ACCOUNT_PLACEHOLDER } from "./functions/shared/member-roles";
import { PROGRAM_TAG, Settings } from "./config";
import { isLambdaRemediation, remediationsFor, rulesFor } from "./functions/catalog";
import type {
  CustomRuleDefinition,
  ManagedRuleDefinition,
  RuleDefinition,
  StackFacts,
} from "./functions/shared/definitions";

export interface GuardrailsOutputs {
  recorderName: pulumi.Output<string>;
  deliveryBucket: pulumi.Output<string | undefined>;
  recordsGlobalResources: boolean;
  /** The Config rules this stack deploys, by name. */
  rules: string[];
  /** Where compliance changes and report-mode remediations are sent. */
  notificationTopic: pulumi.Output<string>;
}

/**
 * The custom rules had a wrapper component each before they were built from their definitions;
 * aliases keep their resources (whose Config rule and log group names are fixed) in place on
 * `pulumi up` instead of creating them anew beside the old ones.
 */
const FORMER_WRAPPERS: Readonly<Record<string, string>> = {
  "exposed-ports": "guardrails:index:ExposedPortsRule",
  "iam-inactive-users": "guardrails:index:InactiveUsersRule",
  "mfa-policy-attached": "guardrails:index:MfaPolicyRule",
};

export function createGuardrails(settings: Settings): GuardrailsOutputs {
  // The program's own tag last, so a stack's tags cannot hide what manages a resource.
  const tags = { ...settings.tags, ...PROGRAM_TAG };

  const recorder = new ConfigRecorder("config", {
    create: settings.createRecorder,
    recorderName: settings.recorderName,
    includeGlobalResources: settings.recordGlobalResources,
    tags,
  });
  // IAM names are account-wide: only the region that records global resources creates them.
  const mfa = settings.recordGlobalResources
    ? new MfaEnforcement("mfa", {
        policyName: settings.mfaPolicyName,
        groupName: settings.mfaGroupName,
        tags,
      })
    : undefined;
  const facts: pulumi.Output<StackFacts> = pulumi.output({
    mfaPolicyArn: mfa?.policyArn,
    partition: aws.getPartitionOutput().partition,
  });

  const rules = rulesFor(settings);
  for (const definition of rules.filter(isCustom)) {
    const formerWrapper = FORMER_WRAPPERS[definition.name];
    new CustomConfigRule(
      definition.name,
      { definition, settings, facts, dependsOn: recorder.ruleDependencies, tags },
      formerWrapper
        ? { aliases: [{ parent: pulumi.createUrn(definition.name, formerWrapper) }] }
        : undefined,
    );
  }
  const managed = new ManagedRules("managed", {
    rules: rules.filter(isManaged),
    settings,
    facts,
    dependsOn: recorder.ruleDependencies,
    tags,
  });

  const ruleNames = rules.map((rule) => rule.name);
  // Report mode: each invocation's record goes to the account's default bus, and from there,
  // when it is about a resource, to the topic.
  const account = aws.getCallerIdentityOutput().accountId;
  const defaultBus = pulumi.interpolate`arn:${facts.partition}:events:${aws.getRegionOutput().region}:${account}:event-bus/default`;
  const reporting: pulumi.Output<string>[] = [];
  const realtime = settings.realtimeRemediation ? { region: stackRegion() } : undefined;
  for (const remediation of remediationsFor(settings)) {
    if (remediation.kind === "lambda") {
      const reports = remediation.mode(settings) === "report";
      const lambda = new RemediationFunction(remediation.name, {
        definition: remediation,
        settings,
        facts,
        reportBusArn: reports ? defaultBus : undefined,
        realtime,
        tags,
      });
      if (reports) reporting.push(lambda.functionArn);
      continue;
    }
    const rule = managed.rules[remediation.rule];
    new SsmRemediation(remediation.name, {
      definition: remediation,
      automatic: remediation.mode(settings) === "automatic",
      maximumAutomaticAttempts: settings.remediationAttempts,
      retryAttemptSeconds: settings.remediationRetrySeconds,
      dependsOn: rule ? [rule] : [],
      tags,
    });
  }

  const notifications = new Notifications("notifications", {
    routes: [
      complianceChangesRoute(ruleNames),
      ...(reporting.length > 0
        ? [
            remediationReportsRoute(
              reporting,
              account,
              "What the guardrails remediations in report mode would have done, to the notification topic.",
            ),
          ]
        : []),
    ],
    emails: settings.notificationEmails,
    tags,
  });

  return {
    recorderName: recorder.recorderName,
    deliveryBucket: recorder.bucketName,
    recordsGlobalResources: recorder.recordsGlobalResources,
    rules: ruleNames,
    notificationTopic: notifications.topicArn,
  };
}

/**
 * The region the stack deploys to, which real-time repair must know at planning time: IAM's
 * API calls are forwarded from us-east-1 unless it is that one.
 */
function stackRegion(): string {
  const region = new pulumi.Config("aws").get("region");
  if (!region) {
    throw new Error(
      "guardrails:realtimeRemediation needs aws:region set on the stack (pulumi config set aws:region <region>): IAM's API calls reach EventBridge in us-east-1 only, and are forwarded to the stack's region.",
    );
  }
  // Other partitions deliver their global services' events elsewhere (not us-east-1).
  if (/^(us-gov|cn|us-iso)/.test(region)) {
    throw new Error(
      `guardrails:realtimeRemediation: aws:region ${region} is outside the aws partition, whose IAM events reach EventBridge in us-east-1; accepted there: false.`,
    );
  }
  return region;
}

function isCustom(rule: RuleDefinition): rule is CustomRuleDefinition<unknown> {
  return rule.owner === "CUSTOM_LAMBDA";
}

function isManaged(rule: RuleDefinition): rule is ManagedRuleDefinition<unknown> {
  return rule.owner === "AWS";
}

export interface ManagementOutputs {
  /** The StackSet that deploys the member baseline. */
  memberBaselineStackSet: pulumi.Output<string>;
  /** The delegated administrator for AWS Config. */
  auditAccountId: string;
}

/**
 * An organization's management account (deployment management): trusted access, the audit
 * account as delegated administrator and the member baseline; no rule and no function here.
 * One provider for the account, its region named on every resource that has one.
 */
export function createManagement(settings: Settings): ManagementOutputs {
  const { auditAccountId, homeRegion, regions, organizationTargets } = settings;
  if (!auditAccountId || !homeRegion || !regions || !organizationTargets) {
    throw new Error(
      "deployment management needs auditAccountId, homeRegion, regions and organizationTargets",
    );
  }
  const tags = { ...settings.tags, ...PROGRAM_TAG };
  const provider = new aws.Provider("management", {
    region: homeRegion as aws.Region,
  });
  const management = new OrganizationManagement("organization", {
    auditAccountId,
    homeRegion,
    regions,
    targets: organizationTargets,
    excludedAccounts: settings.excludedAccounts,
    template: memberBaseline(settings),
    provider,
    tags,
  });
  return { memberBaselineStackSet: management.stackSetName, auditAccountId };
}

export interface AuditOutputs {
  /** The central delivery bucket of the organization. */
  deliveryBucket: pulumi.Output<string>;
  aggregator: pulumi.Output<string>;
  /** The organization rules, by region. */
  rulesByRegion: Readonly<Record<string, string[]>>;
  /** The remediation functions, by region. */
  remediationsByRegion: Readonly<Record<string, string[]>>;
  /** Where the organization's compliance changes and report-mode remediations are sent. */
  notificationTopic: pulumi.Output<string>;
}

/**
 * The audit account, delegated administrator for AWS Config (deployment audit): the
 * organization rules in every region (the IAM rules in the home region), the custom rules'
 * functions, the central bucket and the organization aggregator. One provider for the account,
 * the region named on every regional resource.
 */
export function createAudit(settings: Settings): AuditOutputs {
  const { homeRegion, regions } = settings;
  if (!homeRegion || !regions) throw new Error("deployment audit needs homeRegion and regions");
  const tags = { ...settings.tags, ...PROGRAM_TAG };
  const provider = new aws.Provider("audit", { region: homeRegion as aws.Region });
  const own = { provider };
  const account = aws.getCallerIdentityOutput({}, own);
  const partition = aws.getPartitionOutput({}, own).partition;
  const organization = aws.organizations.getOrganizationOutput({}, own);
  const audit = new OrganizationAudit(
    "organization",
    {
      bucketName: account.accountId.apply((id) => organizationBucketName(id, homeRegion)),
      homeRegion,
      organizationId: organization.id,
      partition,
      tags,
    },
    own,
  );
  // Every member reads the same parameters: its own MFA policy is named with the placeholder
  // account, which the rule function replaces with the member's.
  const facts: pulumi.Output<StackFacts> = partition.apply((name) => ({
    mfaPolicyArn: `arn:${name}:iam::${MEMBER_ACCOUNT_PLACEHOLDER}:policy/${settings.mfaPolicyName}`,
    partition: name,
  }));
  const member = memberSettings(settings);
  const rules = new OrganizationRules(
    "organization-rules",
    {
      rules: rulesFor(member),
      settings,
      regions,
      homeRegion,
      // The management account never gets the member baseline (StackSets do not deploy there):
      // a rule deployed to it would find no recorder and no member role.
      excludedAccounts: organization.masterAccountId.apply((management) => [
        ...new Set([...settings.excludedAccounts, management]),
      ]),
      organizationId: organization.id,
      partition,
      facts,
      tags,
    },
    own,
  );
  // AWS Config's remediation configurations attach to an account's own rules: the members'
  // organization rules are AWS's, so only the Lambda remediations repair an organization.
  const remediations = new OrganizationRemediations(
    "organization-remediations",
    {
      remediations: remediationsFor(member).filter(isLambdaRemediation),
      ruleNames: rulesFor(member).map((rule) => rule.name),
      settings,
      regions,
      homeRegion,
      organizationId: organization.id,
      partition,
      facts,
      tags,
    },
    own,
  );
  return {
    deliveryBucket: audit.bucketName,
    aggregator: audit.aggregatorName,
    rulesByRegion: rules.rulesByRegion,
    remediationsByRegion: remediations.remediationsByRegion,
    notificationTopic: remediations.topicArn,
  };
}
