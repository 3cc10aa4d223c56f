export * from "./config-recorder";
export * from "./custom-config-rule";
export * from "./guardrails-function";
export * from "./exposed-ports-rule";
export * from "./inactive-users-rule";
export * from "./mfa-policy-rule";
export * from "./managed-rules";
export * from "./mfa-policy";
