export * from "./config-recorder";
export * from "./custom-config-rule";
export * from "./guardrails-function";
export * from "./managed-rules";
export * from "./mfa-policy";
export * from "./notifications";
export * from "./remediation-function";
export * from "./ssm-remediation";
