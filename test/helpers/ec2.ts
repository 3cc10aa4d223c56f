/** Security groups on moto as the tests need them. */
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  DescribeSecurityGroupRulesCommand,
  EC2Client,
} from "@aws-sdk/client-ec2";

/** A new group with SSH open to the internet and to a private range, in one permission. */
export async function createExposedGroup(ec2: EC2Client, name: string): Promise<string> {
  const { GroupId } = await ec2.send(
    new CreateSecurityGroupCommand({ GroupName: name, Description: name }),
  );
  await ec2.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId,
      IpPermissions: [
        {
          IpProtocol: "tcp",
          FromPort: 22,
          ToPort: 22,
          IpRanges: [{ CidrIp: "0.0.0.0/0" }, { CidrIp: "10.0.0.0/8" }],
        },
      ],
    }),
  );
  return GroupId ?? "";
}

/** The IPv4 ranges of the group's ingress rules, sorted. */
export async function ingressCidrs(
  ec2: EC2Client,
  groupId: string,
): Promise<Array<string | undefined>> {
  const { SecurityGroupRules } = await ec2.send(
    new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: "group-id", Values: [groupId] }] }),
  );
  return (SecurityGroupRules ?? [])
    .filter((rule) => !rule.IsEgress)
    .map((rule) => rule.CidrIpv4)
    .sort();
}
