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
} from "./components";
import { PROGRAM_TAG, Settings } from "./config";
import { MANAGED_RULE_NAMES, RuleName } from "./functions/rules/catalog";

export interface GuardrailsOutputs {
  recorderName: pulumi.Output<string>;
  deliveryBucket: pulumi.Output<string | undefined>;
  recordsGlobalResources: boolean;
  /** The Config rules this stack deploys, by name. */
  rules: pulumi.Output<string>[];
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
  if (settings.recorder.includeGlobalResources) {
    // IAM names are account-wide: only the region that records global resources creates them.
    const mfa = new MfaEnforcement("mfa", {
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

  return {
    recorderName: recorder.recorderName,
    deliveryBucket: recorder.bucketName,
    recordsGlobalResources: recorder.recordsGlobalResources,
    rules: [
      ...rules.map((rule) => rule.ruleName),
      ...Object.values(managed.rules).map((rule) => rule.name),
    ],
  };
}
