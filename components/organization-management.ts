import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { CloudFormationTemplate } from "../organization/member-template";

/** What AWS Config's organization features need from AWS Organizations. */
export const CONFIG_SERVICE_PRINCIPALS = [
  "config.amazonaws.com",
  "config-multiaccountsetup.amazonaws.com",
] as const;

/** The StackSet's name, for people looking for it in the management account. */
export const MEMBER_BASELINE_STACK_SET = "aws-config-guardrails-member-baseline";

export interface OrganizationManagementArgs {
  /** The audit account: delegated administrator for AWS Config. */
  auditAccountId: string;
  /** Where the StackSet is administered from; its instances deploy here first. */
  homeRegion: string;
  /** Every region the member baseline covers. */
  regions: readonly string[];
  /** The organization root or organizational units the baseline deploys to. */
  targets: readonly string[];
  excludedAccounts: readonly string[];
  template: CloudFormationTemplate;
  /** The management account's provider; every resource names it and, where it has one, a region. */
  provider: aws.Provider;
  tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * The management account's part of an organization deployment, and nothing else (AWS advises
 * keeping workloads out of it): trusted access for AWS Config, the audit account registered as
 * delegated administrator for both of Config's service principals, and the member baseline as a
 * service-managed StackSet with automatic deployment, so that an account joining a target gets
 * the baseline and one leaving loses it.
 */
export class OrganizationManagement extends pulumi.ComponentResource {
  public readonly stackSetName: pulumi.Output<string>;

  constructor(
    name: string,
    args: OrganizationManagementArgs,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("guardrails:index:OrganizationManagement", name, {}, opts);
    const own = { parent: this, provider: args.provider };

    const delegations = CONFIG_SERVICE_PRINCIPALS.map((principal) => {
      const access = new aws.organizations.AwsServiceAccess(
        `${name}-access-${principal}`,
        { servicePrincipal: principal },
        own,
      );
      return new aws.organizations.DelegatedAdministrator(
        `${name}-delegate-${principal}`,
        { accountId: args.auditAccountId, servicePrincipal: principal },
        { ...own, dependsOn: [access] },
      );
    });

    const stackSet = new aws.cloudformation.StackSet(
      `${name}-member-baseline`,
      {
        name: MEMBER_BASELINE_STACK_SET,
        description:
          "aws-config-guardrails: AWS Config recording and the member roles, in every member account and region.",
        region: args.homeRegion,
        permissionModel: "SERVICE_MANAGED",
        autoDeployment: { enabled: true, retainStacksOnAccountRemoval: false },
        capabilities: ["CAPABILITY_NAMED_IAM"],
        managedExecution: { active: true },
        templateBody: JSON.stringify(args.template),
        tags: args.tags,
      },
      // The audit account's functions assume the member roles: delegate before deploying them.
      { ...own, dependsOn: delegations },
    );

    // The home region first: it creates the recorder's role the other regions' recorders use.
    const regionOrder = [args.homeRegion, ...args.regions.filter((r) => r !== args.homeRegion)];
    new aws.cloudformation.StackInstances(
      `${name}-member-baseline-instances`,
      {
        stackSetName: stackSet.name,
        region: args.homeRegion,
        regions: regionOrder,
        deploymentTargets: {
          organizationalUnitIds: [...args.targets],
          ...(args.excludedAccounts.length > 0
            ? { accountFilterType: "DIFFERENCE", accounts: [...args.excludedAccounts] }
            : {}),
        },
        operationPreferences: {
          regionConcurrencyType: "SEQUENTIAL",
          regionOrders: regionOrder,
          maxConcurrentPercentage: 25,
          failureTolerancePercentage: 10,
        },
      },
      own,
    );

    this.stackSetName = stackSet.name;
    this.registerOutputs({ stackSetName: this.stackSetName });
  }
}
