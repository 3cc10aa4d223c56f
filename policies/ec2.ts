/**
 * EC2 and VPC policies: what the exposed-ports and vpc-default-security-group-closed Config rules
 * would find after the update, refused at preview instead.
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import {
  IngressPermission,
  SecurityGroupIngress,
  evaluateSecurityGroup,
} from "../functions/rules/exposed-ports/evaluate";
import { PortRange } from "../functions/rules/ports";
import { exposedPorts as exposedPortsRule } from "../functions/rules/exposed-ports";
import { vpcDefaultSecurityGroupClosed as defaultGroupRule } from "../functions/rules/managed";
import { ResourceType, TYPES } from "./resource-types";
import { validateType } from "./resources";
import { configSchema, readSettings } from "./settings";

// Adapters: the evaluator's input from each resource's Pulumi props (their input names).

interface InlineRuleProps {
  protocol?: string;
  fromPort?: number;
  toPort?: number;
  cidrBlocks?: string[];
  ipv6CidrBlocks?: string[];
}

export interface SecurityGroupProps {
  ingress?: InlineRuleProps[];
  egress?: InlineRuleProps[];
}

export interface SecurityGroupRuleProps extends InlineRuleProps {
  /** `ingress` or `egress`. */
  type?: string;
}

export interface SecurityGroupIngressRuleProps {
  /** `tcp`, `udp`, `icmp`, `-1` (all) or a protocol number. */
  ipProtocol?: string;
  fromPort?: number;
  toPort?: number;
  cidrIpv4?: string;
  cidrIpv6?: string;
}

function inlinePermission(rule: InlineRuleProps): IngressPermission {
  return {
    // The provider requires a protocol; the Config item's default for a missing one is -1.
    protocol: String(rule.protocol ?? "-1"),
    fromPort: rule.fromPort,
    toPort: rule.toPort,
    ipv4Cidrs: [...(rule.cidrBlocks ?? [])],
    ipv6Cidrs: [...(rule.ipv6CidrBlocks ?? [])],
  };
}

/** `aws.ec2.SecurityGroup`: its inline `ingress` blocks. */
export function securityGroupFromProps(
  name: string,
  props: SecurityGroupProps,
): SecurityGroupIngress {
  return { groupId: name, ingress: [...(props.ingress ?? [])].map(inlinePermission) };
}

/** `aws.ec2.SecurityGroupRule`: one permission if it is an ingress rule, none for egress. */
export function securityGroupRuleFromProps(
  name: string,
  props: SecurityGroupRuleProps,
): SecurityGroupIngress {
  return { groupId: name, ingress: props.type === "ingress" ? [inlinePermission(props)] : [] };
}

/** `aws.vpc.SecurityGroupIngressRule`: one permission, one CIDR (or a prefix list or group). */
export function ingressRuleFromProps(
  name: string,
  props: SecurityGroupIngressRuleProps,
): SecurityGroupIngress {
  return {
    groupId: name,
    ingress: [
      {
        protocol: String(props.ipProtocol ?? "-1"),
        fromPort: props.fromPort,
        toPort: props.toPort,
        ipv4Cidrs: props.cidrIpv4 ? [props.cidrIpv4] : [],
        ipv6Cidrs: props.cidrIpv6 ? [props.cidrIpv6] : [],
      },
    ],
  };
}

/** Named as the Config rule it brings forward to preview. */
const EXPOSED_PORTS = exposedPortsRule.name;
const EXPOSED_PORTS_SETTINGS = ["forbiddenPorts"] as const;

/** The message for a group the evaluator judges NON_COMPLIANT, nothing otherwise. */
function exposure(
  group: SecurityGroupIngress,
  forbidden: readonly PortRange[],
): string | undefined {
  const verdict = evaluateSecurityGroup(group, forbidden);
  return verdict.compliance === "NON_COMPLIANT"
    ? `Security group ingress must not open forbidden ports to the internet: ${verdict.annotation}.`
    : undefined;
}

function exposedPortsValidation<P>(
  type: ResourceType,
  adapt: (name: string, props: P) => SecurityGroupIngress,
) {
  return validateType<P>(type, (props, args, reportViolation) => {
    const { forbiddenPorts } = readSettings(EXPOSED_PORTS, EXPOSED_PORTS_SETTINGS, args);
    const message = exposure(adapt(args.name, props), forbiddenPorts);
    if (message) reportViolation(message);
  });
}

export const exposedPorts: ResourceValidationPolicy = {
  name: EXPOSED_PORTS,
  description:
    "Security groups must not open forbidden ports (forbiddenPorts) to 0.0.0.0/0 or ::/0: the exposed-ports Config rule, at preview.",
  enforcementLevel: "mandatory",
  configSchema: configSchema(EXPOSED_PORTS_SETTINGS),
  validateResource: [
    exposedPortsValidation(TYPES.securityGroup, securityGroupFromProps),
    exposedPortsValidation(TYPES.securityGroupRule, securityGroupRuleFromProps),
    exposedPortsValidation(TYPES.securityGroupIngressRule, ingressRuleFromProps),
  ],
};

function count(items: readonly unknown[] | undefined, what: string): string | undefined {
  const n = items?.length ?? 0;
  return n === 0 ? undefined : `${n} ${what} rule${n === 1 ? "" : "s"}`;
}

export const vpcDefaultSecurityGroupClosed: ResourceValidationPolicy = {
  name: defaultGroupRule.name,
  description:
    "Default security groups must have no ingress or egress rules: the vpc-default-security-group-closed Config rule, at preview.",
  enforcementLevel: "mandatory",
  validateResource: validateType<SecurityGroupProps>(
    TYPES.defaultSecurityGroup,
    (props, _args, reportViolation) => {
      const rules = [count(props.ingress, "ingress"), count(props.egress, "egress")].filter(
        (rule) => rule !== undefined,
      );
      if (rules.length > 0) {
        reportViolation(
          `Default security groups must have no ingress or egress rules; this one has ${rules.join(" and ")}.`,
        );
      }
    },
  ),
};

export const EC2_POLICIES = [exposedPorts, vpcDefaultSecurityGroupClosed];
