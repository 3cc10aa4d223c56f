/**
 * SSM remediations: `report` attaches the remediation for an operator to run from the console,
 * `automatic` has AWS Config run it on every NON_COMPLIANT result.
 */
export const SSM_MODES = ["report", "automatic"] as const;
export type SsmMode = (typeof SSM_MODES)[number];
