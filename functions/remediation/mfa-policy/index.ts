/** remediate-mfa-policy: puts users without the MFA policy under it (group or attachment). */
import type { LambdaRemediationDefinition } from "../../shared/definitions";
import { inMode, requiredFact } from "../../shared/definitions";
import { RESOURCE_TYPES } from "../../rules/verdict";
import { MFA_ENVIRONMENT, MfaEnvironment } from "./environment";
import { createHandler, permissions } from "./handler";
import { planMfaRemediation } from "./plan";

export const remediateMfaPolicy: LambdaRemediationDefinition<MfaEnvironment> = {
  kind: "lambda",
  name: "remediate-mfa-policy",
  rule: "mfa-policy-attached",
  description: "Puts users without the MFA policy under it (group or direct attachment).",
  resourceTypes: [RESOURCE_TYPES.iamUser],
  mode: (settings) => settings.mfaRemediation,
  environment: MFA_ENVIRONMENT,
  fromSettings(settings, facts) {
    const mode = settings.mfaRemediation;
    if (mode === "off") throw new Error("remediate-mfa-policy is off");
    return {
      mode,
      enforcement: settings.mfaEnforcement,
      policyArn: requiredFact(facts.mfaPolicyArn, "the MFA policy's ARN"),
      groupName: settings.mfaGroupName,
      exemptUsers: settings.exemptUsers,
    };
  },
  permissions: ({ mode, enforcement }) => permissions(mode, enforcement),
  createHandler,
  // A user made, or taken out of the enforcement group or policy (IAM names regardless of case).
  apiCalls: ({ groupName, policyArn }) => [
    { service: "iam", eventNames: ["CreateUser"] },
    {
      service: "iam",
      eventNames: ["RemoveUserFromGroup"],
      detail: { requestParameters: { groupName: [{ "equals-ignore-case": groupName }] } },
    },
    {
      service: "iam",
      eventNames: ["DetachUserPolicy"],
      detail: { requestParameters: { policyArn: [{ "equals-ignore-case": policyArn }] } },
    },
  ],
  timeoutSeconds: 60,
  memoryMb: 256,
  describer: (account, environment) => (verdict) => {
    const user = account.users.get(verdict.resourceId);
    if (!user) return undefined;
    const step = planMfaRemediation(user, account.groupPolicies, environment);
    switch (step.action) {
      case "none":
        return undefined;
      case "add-to-group":
        return inMode(environment.mode, `add ${step.userName} to group ${step.groupName}`);
      case "attach-policy":
        return inMode(
          environment.mode,
          `attach ${step.policyArn.split("/").pop() ?? step.policyArn} to ${step.userName}`,
        );
    }
  },
};
