/**
 * What an evaluator concludes about one resource. The Lambda turns it into a Config
 * `Evaluation` (adding the ordering timestamp), the policy pack into a violation, the offline
 * report into a line.
 */
export type Compliance = "COMPLIANT" | "NON_COMPLIANT" | "NOT_APPLICABLE" | "INSUFFICIENT_DATA";

export interface Verdict {
  /** As AWS Config names it, e.g. `AWS::EC2::SecurityGroup`. */
  resourceType: string;
  /** As AWS Config identifies it: `sg-...`, `i-...`, an IAM user's id `AIDA...` (not its name). */
  resourceId: string;
  compliance: Compliance;
  annotation: string;
}

export const RESOURCE_TYPES = {
  securityGroup: "AWS::EC2::SecurityGroup",
  instance: "AWS::EC2::Instance",
  iamUser: "AWS::IAM::User",
  iamPolicy: "AWS::IAM::Policy",
  networkAcl: "AWS::EC2::NetworkAcl",
  account: "AWS::::Account",
} as const;

/** A verdict maker for one resource: `verdictFor(type, id)("COMPLIANT", "...")`. */
export function verdictFor(resourceType: string, resourceId: string) {
  return (compliance: Compliance, annotation: string): Verdict => ({
    resourceType,
    resourceId,
    compliance,
    annotation,
  });
}
