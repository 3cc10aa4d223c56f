/** remediate-access-keys: deactivates keys past maxAccessKeyAge, deletes them after the grace. */
import type { LambdaRemediationDefinition } from "../../shared/definitions";
import { inMode } from "../../shared/definitions";
import { exemptionsOf } from "../../rules/iam-names";
import { RESOURCE_TYPES } from "../../rules/verdict";
import { ACCESS_KEY_ENVIRONMENT, AccessKeyEnvironment } from "./environment";
import { createHandler, permissions } from "./handler";
import { AccessKey, planKeyRemediation } from "./plan";

export const remediateAccessKeys: LambdaRemediationDefinition<AccessKeyEnvironment> = {
  kind: "lambda",
  name: "remediate-access-keys",
  rule: "access-keys-rotated",
  description: "Deactivates access keys past maxAccessKeyAge, deletes them after the grace period.",
  resourceTypes: [RESOURCE_TYPES.iamUser],
  mode: (settings) => settings.accessKeyRemediation,
  environment: ACCESS_KEY_ENVIRONMENT,
  fromSettings(settings) {
    const mode = settings.accessKeyRemediation;
    if (mode === "off") throw new Error("remediate-access-keys is off");
    return {
      mode,
      maxAccessKeyAge: settings.maxAccessKeyAge,
      keyDeleteGraceDays: settings.keyDeleteGraceDays,
      exemptUsers: settings.exemptUsers,
    };
  },
  permissions: ({ mode }) => permissions(mode),
  // Deactivated keys make the rule COMPLIANT: only a schedule finds them when grace runs out.
  schedule: ({ mode }) => (mode === "delete" ? "rate(1 day)" : undefined),
  createHandler,
  timeoutSeconds: 300,
  memoryMb: 256,
  describer(account, environment) {
    const exempt = exemptionsOf(environment.exemptUsers);
    return (verdict) => {
      const user = account.users.get(verdict.resourceId);
      const row = user ? account.credentialReport.byArn.get(user.arn) : undefined;
      if (!user || !row) return undefined;
      if (exempt(user.userName)) {
        return `${environment.mode} mode: nothing, ${user.userName} is exempt`;
      }
      // The credential report says when each key was created or rotated, not its id.
      const keys: AccessKey[] = [];
      if (row.accessKey1LastRotated) {
        keys.push(reportedKey("access key 1", row.accessKey1Active, row.accessKey1LastRotated));
      }
      if (row.accessKey2LastRotated) {
        keys.push(reportedKey("access key 2", row.accessKey2Active, row.accessKey2LastRotated));
      }
      const steps = planKeyRemediation(keys, {}, environment, account.now).map((step) =>
        step.action === "deactivate"
          ? `deactivate ${step.keyId} (${step.ageDays} days old)`
          : `${step.action} ${step.keyId}`,
      );
      if (steps.length === 0) return undefined;
      const later =
        environment.mode === "delete"
          ? `, delete it ${environment.keyDeleteGraceDays} days later`
          : "";
      return inMode(environment.mode, `${steps.join(", ")}${later}`);
    };
  },
};

function reportedKey(id: string, active: boolean, createDate: Date): AccessKey {
  return { id, status: active ? "Active" : "Inactive", createDate };
}
