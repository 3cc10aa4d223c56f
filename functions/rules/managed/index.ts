/**
 * The AWS managed rules (owner AWS): AWS evaluates them in the account; the program names them
 * as AWS does, passes their parameters under AWS's own names, and mirrors their semantics for the
 * offline evaluation (see ./evaluate.ts).
 */
import type { Settings } from "../../../config";
import { boundaryCodec, integerField, portRangesField } from "../../shared/boundary";
import { days } from "../../shared/checks";
import type { ManagedRuleDefinition } from "../../shared/definitions";
import type { PortRange } from "../ports";
import { RESOURCE_TYPES, Verdict } from "../verdict";
import {
  evaluateAccessKeysRotated,
  evaluateAuthorizedPorts,
  evaluateDefaultGroupClosed,
  evaluateRestrictedSsh,
} from "./evaluate";

type NoParameters = Record<string, never>;
const NO_PARAMETERS = boundaryCodec<NoParameters>("ruleParameters", {});

export const vpcDefaultSecurityGroupClosed: ManagedRuleDefinition<NoParameters> = {
  owner: "AWS",
  name: "vpc-default-security-group-closed",
  ruleSets: ["guardrails", "cis-foundations"],
  cis: ["5.4"],
  identifier: "VPC_DEFAULT_SECURITY_GROUP_CLOSED",
  description: () =>
    "The default security group of every VPC allows no inbound and no outbound traffic.",
  resourceTypes: [RESOURCE_TYPES.securityGroup],
  onChange: true,
  global: false,
  parameters: NO_PARAMETERS,
  fromSettings: () => ({}),
  mirror: (account) =>
    [...account.securityGroups.values()].map((group) =>
      evaluateDefaultGroupClosed({
        groupId: group.ingress.groupId,
        ingress: group.ingress.ingress,
        groupName: group.groupName,
        egressRuleCount: group.egressRuleCount,
      }),
    ),
};

interface AuthorizedPortsParameters {
  authorizedTcpPorts: PortRange[];
  /** Unset: no UDP port may be open. */
  authorizedUdpPorts?: PortRange[];
}

export const vpcSgOpenOnlyToAuthorizedPorts: ManagedRuleDefinition<AuthorizedPortsParameters> = {
  owner: "AWS",
  name: "vpc-sg-open-only-to-authorized-ports",
  ruleSets: ["guardrails"],
  identifier: "VPC_SG_OPEN_ONLY_TO_AUTHORIZED_PORTS",
  description: () =>
    "Security groups open to 0.0.0.0/0 or ::/0 open only the authorized TCP and UDP ports.",
  resourceTypes: [RESOURCE_TYPES.securityGroup],
  onChange: true,
  global: false,
  parameters: boundaryCodec<AuthorizedPortsParameters>("ruleParameters", {
    authorizedTcpPorts: { name: "authorizedTcpPorts", codec: portRangesField },
    authorizedUdpPorts: { name: "authorizedUdpPorts", codec: portRangesField, optional: true },
  }),
  fromSettings: (settings) => ({
    authorizedTcpPorts: settings.authorizedTcpPorts,
    authorizedUdpPorts: settings.authorizedUdpPorts,
  }),
  mirror: (account, parameters) =>
    [...account.securityGroups.values()].map((group) =>
      evaluateAuthorizedPorts(group.ingress, {
        tcp: parameters.authorizedTcpPorts,
        udp: parameters.authorizedUdpPorts,
      }),
    ),
};

interface AccessKeysRotatedParameters {
  maxAccessKeyAge: number;
}

export const accessKeysRotated: ManagedRuleDefinition<AccessKeysRotatedParameters> = {
  owner: "AWS",
  name: "access-keys-rotated",
  ruleSets: ["guardrails", "cis-foundations"],
  cis: ["1.14"],
  identifier: "ACCESS_KEYS_ROTATED",
  description: ({ maxAccessKeyAge }) =>
    `Active access keys are rotated within ${maxAccessKeyAge} days of their creation.`,
  resourceTypes: [RESOURCE_TYPES.iamUser],
  // A periodic managed rule: AWS lists the users itself, no scope.
  onChange: false,
  periodic: "TwentyFour_Hours",
  global: true,
  parameters: boundaryCodec<AccessKeysRotatedParameters>("ruleParameters", {
    maxAccessKeyAge: { name: "maxAccessKeyAge", codec: integerField(days) },
  }),
  fromSettings: (settings) => ({ maxAccessKeyAge: settings.maxAccessKeyAge }),
  mirror(account, { maxAccessKeyAge }) {
    const verdicts: Verdict[] = [];
    for (const user of account.users.values()) {
      const row = account.credentialReport.byArn.get(user.arn);
      const verdict = evaluateAccessKeysRotated(user, row, maxAccessKeyAge, account.now);
      if (verdict) verdicts.push(verdict);
    }
    return verdicts;
  },
};

export const restrictedSsh: ManagedRuleDefinition<NoParameters> = {
  owner: "AWS",
  name: "restricted-ssh",
  ruleSets: ["guardrails", "cis-foundations"],
  cis: ["5.2", "5.3"],
  identifier: "INCOMING_SSH_DISABLED",
  description: () => "No security group allows SSH (22/tcp) from 0.0.0.0/0 or ::/0.",
  resourceTypes: [RESOURCE_TYPES.securityGroup],
  onChange: true,
  global: false,
  parameters: NO_PARAMETERS,
  fromSettings: () => ({}),
  scopeTag: (settings: Settings) =>
    settings.restrictedSshTagKey === undefined
      ? undefined
      : { key: settings.restrictedSshTagKey, value: settings.restrictedSshTagValue },
  mirror: (account) =>
    [...account.securityGroups.values()].map((group) => evaluateRestrictedSsh(group.ingress)),
};
