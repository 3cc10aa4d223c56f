/**
 * AWS Config policies: the recorder that the IAM rules depend on, and automatic remediations that
 * cannot retry without bound. No Config rule mirrors these (Config does not judge itself), so
 * they are named after what they check.
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { TYPES } from "./resource-types";
import { known, validateType } from "./resources";

interface RecorderProps {
  recordingGroup?: {
    /** AWS's default when the group is omitted: true. */
    allSupported?: boolean;
    includeGlobalResourceTypes?: boolean;
  };
}

/**
 * Advisory: only one region per account should record global resources (recordGlobalResources),
 * or every region records, and the IAM rules judge and repair, the same users. A recorder that
 * records none is right in every region but that one.
 */
export const configRecorderGlobalResources: ResourceValidationPolicy = {
  name: "config-recorder-global-resources",
  description:
    "The configuration recorder should record all supported resource types, global ones (IAM) included, in the one region per account that runs the IAM rules.",
  enforcementLevel: "advisory",
  validateResource: validateType<RecorderProps>(TYPES.recorder, (props, _args, reportViolation) => {
    const group = props.recordingGroup;
    const reasons = [
      ...(group?.allSupported === false ? ["recordingGroup.allSupported is false"] : []),
      ...(group?.includeGlobalResourceTypes !== true
        ? ["recordingGroup.includeGlobalResourceTypes is not true"]
        : []),
    ];
    if (reasons.length > 0) {
      reportViolation(
        `The configuration recorder must record global resource types (IAM) in one region per account: ${reasons.join(" and ")}. Ignore this in the other regions.`,
      );
    }
  }),
};

interface RemediationConfigurationProps {
  automatic?: boolean;
  maximumAutomaticAttempts?: number;
  retryAttemptSeconds?: number;
}

const RETRY_SETTINGS = ["maximumAutomaticAttempts", "retryAttemptSeconds"] as const;

export const configRemediationRetries: ResourceValidationPolicy = {
  name: "config-remediation-retries",
  description:
    "Automatic remediations must set maximumAutomaticAttempts and retryAttemptSeconds, so that a remediation that keeps failing stops and says so.",
  enforcementLevel: "mandatory",
  validateResource: validateType<RemediationConfigurationProps>(
    TYPES.remediationConfiguration,
    (props, _args, reportViolation) => {
      if (props.automatic !== true) return;
      // A value unknown at preview (taken from another output) is set, just not known yet.
      const missing = RETRY_SETTINGS.filter((setting) => known(() => props[setting]) == null);
      if (missing.length > 0) {
        reportViolation(
          `Automatic remediations must set maximumAutomaticAttempts and retryAttemptSeconds; missing: ${missing.join(", ")}.`,
        );
      }
    },
  ),
};

export const AWS_CONFIG_POLICIES = [configRecorderGlobalResources, configRemediationRetries];
