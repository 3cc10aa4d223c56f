import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Settings } from "../config";
import type { RuleDefinition, StackFacts } from "../functions/shared/definitions";
import { memberAccountRuleHandler } from "../functions/shared/member-account";
import { MEMBER_ROLE_NAMES } from "../functions/shared/member-roles";
import { AUDIT_ROLE_PATHS } from "../functions/shared/member-roles";
import { organizationRegions } from "../organization/baseline";
import { overridePermissions, ruleOverrides, withOverrides } from "../organization/overrides";
import { plannedRule } from "./custom-config-rule";
import { GuardrailsFunction } from "./guardrails-function";

export interface OrganizationRulesArgs {
  rules: readonly RuleDefinition[];
  settings: Settings;
  /** Every region the organization is covered in; the IAM rules go to `homeRegion` only. */
  regions: readonly string[];
  homeRegion: string;
  /** Accounts no rule is deployed to: the stack's, and the management account. */
  excludedAccounts: pulumi.Input<string[]>;
  /** The organization: the rule functions may assume member roles only in its accounts. */
  organizationId: pulumi.Input<string>;
  partition: pulumi.Input<string>;
  /** Facts as every member reads them (account-relative ARNs with the placeholder account). */
  facts: pulumi.Input<StackFacts>;
  tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

const TRIGGERS = {
  change: ["ConfigurationItemChangeNotification", "OversizedConfigurationItemChangeNotification"],
  periodic: ["ScheduledNotification"],
} as const;

/**
 * The audit account's organization rules, once per region (the IAM rules only in the home
 * region): AWS's managed rules as organization managed rules, and each custom rule as an
 * organization custom rule on a function of this account per region, which assumes the member
 * evaluation role in the account each event comes from.
 */
export class OrganizationRules extends pulumi.ComponentResource {
  /** The rules by region, as AWS Config names them there. */
  public readonly rulesByRegion: Readonly<Record<string, string[]>>;

  constructor(name: string, args: OrganizationRulesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("guardrails:index:OrganizationRules", name, {}, opts);
    const parent = { parent: this };
    const rulesByRegion: Record<string, string[]> = Object.fromEntries(
      args.regions.map((region) => [region, []]),
    );
    const overridden = Object.keys(args.settings.accountOverrides).length > 0;
    for (const definition of args.rules) {
      const { description, inputParameters } = plannedRule(definition, args.settings, args.facts);
      for (const region of organizationRegions(definition.name, args.regions, args.homeRegion)) {
        rulesByRegion[region]?.push(definition.name);
        const resourceName = `${definition.name}-${region}`;
        const common = {
          name: definition.name,
          description,
          inputParameters,
          maximumExecutionFrequency: definition.periodic,
          resourceTypesScopes: definition.onChange ? [...definition.resourceTypes] : undefined,
          excludedAccounts: args.excludedAccounts,
          region,
        };
        if (definition.owner === "AWS") {
          const scopeTag = definition.scopeTag?.(args.settings);
          new aws.cfg.OrganizationManagedRule(
            resourceName,
            {
              ...common,
              ruleIdentifier: definition.identifier,
              ...(scopeTag ? { tagKeyScope: scopeTag.key, tagValueScope: scopeTag.value } : {}),
            },
            parent,
          );
          continue;
        }
        // Only these two values are captured into the function's code.
        const { name: ruleName, createHandler } = definition;
        const lambda = new GuardrailsFunction(
          resourceName,
          {
            description,
            callbackFactory: () => memberAccountRuleHandler({ rule: ruleName, createHandler }),
            // Every call of the rule happens in the member, with the member role's credentials;
            // only its accounts' OUs, for the overrides, are read here.
            permissions: overridePermissions(args.settings),
            environment: overridden
              ? pulumi
                  .output(args.facts)
                  .apply((facts) =>
                    withOverrides(
                      resourceName,
                      {},
                      ruleOverrides(definition, args.settings, facts as StackFacts),
                    ),
                  )
              : undefined,
            statements: [
              assumeMemberRole(MEMBER_ROLE_NAMES.evaluation, args.partition, args.organizationId),
            ],
            rolePath: AUDIT_ROLE_PATHS.evaluation,
            region,
            logRetentionDays: args.settings.logRetentionDays,
            memorySize: definition.memoryMb,
            timeout: definition.timeoutSeconds,
            tags: args.tags,
          },
          parent,
        );
        // AWS Config of every member invokes it. Lambda accepts no organization condition for a
        // service principal, and one permission per member account would outgrow the policy's
        // 20 KB; an event from outside the organization finds no role it may assume.
        const permission = new aws.lambda.Permission(
          `${resourceName}-invoke`,
          {
            action: "lambda:InvokeFunction",
            function: lambda.function.name,
            principal: "config.amazonaws.com",
            region,
          },
          parent,
        );
        new aws.cfg.OrganizationCustomRule(
          resourceName,
          {
            ...common,
            lambdaFunctionArn: lambda.function.arn,
            triggerTypes: [
              ...(definition.onChange ? TRIGGERS.change : []),
              ...(definition.periodic ? TRIGGERS.periodic : []),
            ],
          },
          { parent: this, dependsOn: [permission] },
        );
      }
    }
    this.rulesByRegion = rulesByRegion;
    this.registerOutputs({ rulesByRegion });
  }
}

/**
 * What an audit account's function may do itself: assume one member role, in the accounts of
 * the organization only (`aws:ResourceOrgID`).
 */
export function assumeMemberRole(
  roleName: string,
  partition: pulumi.Input<string>,
  organizationId: pulumi.Input<string>,
) {
  return {
    Sid: "MemberAccountsOfTheOrganization",
    Effect: "Allow",
    Action: "sts:AssumeRole",
    Resource: pulumi.interpolate`arn:${partition}:iam::*:role/${roleName}`,
    Condition: { StringEquals: { "aws:ResourceOrgID": organizationId } },
  };
}
