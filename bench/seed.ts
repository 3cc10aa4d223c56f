/**
 * THE SEED'S ALGORITHMS, NOT THIS PROJECT'S: a line-by-line TypeScript port of
 * awslabs/aws-config-rules' python/ec2-exposed-instance.py and python/iam-inactive-user.py (the
 * baseline this benchmark calls "the seed"), kept only so that the benchmark can measure this
 * project against them in the same run, on the same data and in the same language.
 *
 * Python semantics kept on purpose: `expand_range` and `find_exposed_ports` build lists of
 * single ports with range(); `port in exposed_ports` scans a list; a permission without
 * FromPort (protocol -1) raises KeyError; only IpRanges (IPv4) is read; a user's activity is
 * PasswordLastUsed alone. One invocation evaluates one resource and makes one PutEvaluations.
 *
 * `seedStyleMfaPolicy` is labelled apart: awslabs' rules have no MFA rule. It is the MFA
 * article's: IAM read per user and one PutEvaluations per user (its hourly run does every user in
 * one invocation), with the group lookups mfa-policy-attached makes added so that the verdicts
 * compare (the article reads policies attached to the user only).
 */
import {
  PutEvaluationsCommand,
  GetResourceConfigHistoryCommand,
} from "@aws-sdk/client-config-service";
import { DescribeSecurityGroupsCommand } from "@aws-sdk/client-ec2";
import {
  GetUserCommand,
  ListAttachedGroupPoliciesCommand,
  ListAttachedUserPoliciesCommand,
  ListGroupsForUserCommand,
} from "@aws-sdk/client-iam";
import type { ApiIpPermission } from "./synthetic-account";
import type { SyntheticClients } from "./counting-clients";

/** Python's KeyError, which the seed's Lambda would die of. */
export function keyError(key: string): Error {
  return Object.assign(new Error(`KeyError: '${key}'`), { name: "KeyError" });
}

/** `permission["FromPort"]`: a missing key raises, it is not undefined. */
function item<T extends object, K extends keyof T>(object: T, key: K): NonNullable<T[K]> {
  if (!(key in object) || object[key] === undefined) throw keyError(String(key));
  return object[key] as NonNullable<T[K]>;
}

/** Python's int() on text: surrounding whitespace allowed, anything else a ValueError. */
function pyInt(text: string): number {
  if (!/^\s*[+-]?\d+\s*$/.test(text)) {
    throw Object.assign(new Error(`ValueError: invalid literal for int(): '${text}'`), {
      name: "ValueError",
    });
  }
  return Number(text);
}

/** Python 3's range(start, stop): lazy, stop excluded. */
function* range(start: number, stop: number): Generator<number> {
  for (let value = start; value < stop; value++) yield value;
}

// def expand_range(ports):
//     if "-" in ports:
//         return range(int(ports.split("-")[0]), int(ports.split("-")[1])+1)
//     else:
//         return [int(ports)]
export function expandRange(ports: string): Iterable<number> {
  if (ports.includes("-")) {
    return range(pyInt(ports.split("-")[0] ?? ""), pyInt(ports.split("-")[1] ?? "") + 1);
  }
  return [pyInt(ports)];
}

// def find_exposed_ports(ip_permissions):
//     exposed_ports = []
//     for permission in ip_permissions:
//         if next((r for r in permission["IpRanges"]
//                 if "0.0.0.0/0" in r["CidrIp"]), None):
//                     exposed_ports.extend(range(permission["FromPort"],
//                                                permission["ToPort"]+1))
//     return exposed_ports
export function findExposedPorts(ipPermissions: readonly ApiIpPermission[]): number[] {
  const exposedPorts: number[] = [];
  for (const permission of ipPermissions) {
    if (item(permission, "IpRanges").find((r) => item(r, "CidrIp").includes("0.0.0.0/0"))) {
      for (const port of range(item(permission, "FromPort"), item(permission, "ToPort") + 1)) {
        exposedPorts.push(port);
      }
    }
  }
  return exposedPorts;
}

// def find_violation(ip_permissions, forbidden_ports):
//     exposed_ports = find_exposed_ports(ip_permissions)
//     for forbidden in forbidden_ports:
//         ports = expand_range(forbidden_ports[forbidden])
//         for port in ports:
//             if port in exposed_ports:
//                 return "A forbidden port is exposed to the internet."
//     return None
export function findViolation(
  ipPermissions: readonly ApiIpPermission[],
  forbiddenPorts: Readonly<Record<string, string>>,
): string | null {
  const exposedPorts = findExposedPorts(ipPermissions);
  for (const forbidden of Object.keys(forbiddenPorts)) {
    const ports = expandRange(forbiddenPorts[forbidden] as string);
    for (const port of ports) {
      if (exposedPorts.includes(port)) return "A forbidden port is exposed to the internet.";
    }
  }
  return null;
}

interface SeedEvaluation {
  ComplianceResourceType: string;
  ComplianceResourceId: string;
  ComplianceType: string;
  Annotation: string;
  OrderingTimestamp: Date;
}

/** The configuration item fields both seed Lambdas read. */
export interface SeedConfigurationItem {
  resourceType: string;
  resourceId: string;
  configurationItemStatus: string;
  configurationItemCaptureTime: string;
  configuration: Record<string, unknown> | null;
}

async function putOne(clients: SyntheticClients, evaluation: SeedEvaluation, token: string) {
  await clients.config.send(
    new PutEvaluationsCommand({ Evaluations: [evaluation as never], ResultToken: token }),
  );
}

/**
 * ec2-exposed-instance.py: evaluate_compliance, then lambda_handler's PutEvaluations. The boto3
 * resource `ec2.SecurityGroup(id).ip_permissions` loads with DescribeSecurityGroups(GroupIds=[id]).
 */
export async function seedExposedInstance(
  clients: SyntheticClients,
  configurationItem: SeedConfigurationItem,
  ruleParameters: Readonly<Record<string, string>>,
  resultToken = "No token found.",
): Promise<{ compliance_type: string; annotation: string }> {
  const evaluateCompliance = async () => {
    if (!["AWS::EC2::Instance"].includes(configurationItem.resourceType)) {
      return {
        compliance_type: "NOT_APPLICABLE",
        annotation: `The rule doesn't apply to resources of type ${configurationItem.resourceType}.`,
      };
    }
    if (configurationItem.configurationItemStatus === "ResourceDeleted") {
      return {
        compliance_type: "NOT_APPLICABLE",
        annotation: "The configurationItem was deleted and therefore cannot be validated",
      };
    }
    const securityGroups = (configurationItem.configuration ?? {}).securityGroups as
      Array<{ groupId: string }> | undefined;
    if (securityGroups == null) {
      return {
        compliance_type: "NON_COMPLIANT",
        annotation: "The instance doesn't pertain to any security groups.",
      };
    }
    for (const securityGroup of securityGroups) {
      const described = await clients.ec2.send(
        new DescribeSecurityGroupsCommand({ GroupIds: [securityGroup.groupId] }),
      );
      const ipPermissions = (described.SecurityGroups?.[0]?.IpPermissions ??
        []) as ApiIpPermission[];
      const violation = findViolation(ipPermissions, ruleParameters);
      if (violation) return { compliance_type: "NON_COMPLIANT", annotation: violation };
    }
    return {
      compliance_type: "COMPLIANT",
      annotation: "This resource is compliant with the rule.",
    };
  };
  const evaluation = await evaluateCompliance();
  await putOne(
    clients,
    {
      ComplianceResourceType: configurationItem.resourceType,
      ComplianceResourceId: configurationItem.resourceId,
      ComplianceType: evaluation.compliance_type,
      Annotation: evaluation.annotation,
      OrderingTimestamp: new Date(configurationItem.configurationItemCaptureTime),
    },
    resultToken,
  );
  return evaluation;
}

/**
 * iam-inactive-user.py: the user's name from its latest configuration item, its
 * PasswordLastUsed from GetUser, one PutEvaluations. `now` stands for datetime.utcnow().
 */
export async function seedInactiveUser(
  clients: SyntheticClients,
  configurationItem: SeedConfigurationItem,
  ruleParameters: Readonly<Record<string, string>>,
  now: Date,
  resultToken = "No token found.",
): Promise<string> {
  // def calculate_age(date): (utcnow().date() - date.date()).days
  const calculateAge = (date: Date) =>
    Math.round(
      (Date.parse(now.toISOString().slice(0, 10)) - Date.parse(date.toISOString().slice(0, 10))) /
        86_400_000,
    );

  const evaluateCompliance = async () => {
    if (!["AWS::IAM::User"].includes(configurationItem.resourceType)) return "NOT_APPLICABLE";
    const resourceInformation = await clients.config.send(
      new GetResourceConfigHistoryCommand({
        resourceType: configurationItem.resourceType as never,
        resourceId: configurationItem.resourceId,
      }),
    );
    const userName = item(item(resourceInformation, "configurationItems")[0] ?? {}, "resourceName");
    const user = await clients.iam.send(new GetUserCommand({ UserName: userName }));
    const lastUsed = user.User?.PasswordLastUsed;
    const maxInactiveDays = pyInt(item(ruleParameters, "maxInactiveDays"));
    if (lastUsed != null && calculateAge(lastUsed) > maxInactiveDays) return "NON_COMPLIANT";
    return "COMPLIANT";
  };
  const compliance = await evaluateCompliance();
  await putOne(
    clients,
    {
      ComplianceResourceType: configurationItem.resourceType,
      ComplianceResourceId: configurationItem.resourceId,
      ComplianceType: compliance,
      Annotation: "The user has never logged in.",
      OrderingTimestamp: new Date(configurationItem.configurationItemCaptureTime),
    },
    resultToken,
  );
  return compliance;
}

/**
 * SEED-STYLE, NOT IN THE SEED: mfa-policy-attached written the way the MFA article writes its
 * rule, IAM read for one user (policies attached to it, then its groups and each group's policies
 * until one carries the policy) and one PutEvaluations for it.
 */
export async function seedStyleMfaPolicy(
  clients: SyntheticClients,
  configurationItem: SeedConfigurationItem,
  policyArn: string,
  resultToken = "No token found.",
): Promise<string> {
  const userName = String((configurationItem.configuration ?? {}).userName);
  const evaluateCompliance = async () => {
    const attached = await clients.iam.send(
      new ListAttachedUserPoliciesCommand({ UserName: userName }),
    );
    if (attached.AttachedPolicies?.some((policy) => policy.PolicyArn === policyArn)) {
      return "COMPLIANT";
    }
    const groups = await clients.iam.send(new ListGroupsForUserCommand({ UserName: userName }));
    for (const group of groups.Groups ?? []) {
      const policies = await clients.iam.send(
        new ListAttachedGroupPoliciesCommand({ GroupName: group.GroupName }),
      );
      if (policies.AttachedPolicies?.some((policy) => policy.PolicyArn === policyArn)) {
        return "COMPLIANT";
      }
    }
    return "NON_COMPLIANT";
  };
  const compliance = await evaluateCompliance();
  await putOne(
    clients,
    {
      ComplianceResourceType: configurationItem.resourceType,
      ComplianceResourceId: configurationItem.resourceId,
      ComplianceType: compliance,
      Annotation: `MFA policy ${compliance === "COMPLIANT" ? "found" : "missing"}.`,
      OrderingTimestamp: new Date(configurationItem.configurationItemCaptureTime),
    },
    resultToken,
  );
  return compliance;
}
