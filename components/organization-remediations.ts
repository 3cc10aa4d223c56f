import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Settings } from "../config";
import {
  COMPLIANCE_CHANGE_DETAIL_TYPE,
  organizationChangesPattern,
  organizationNonCompliantPattern,
} from "../functions/shared/compliance-change";
import type { LambdaRemediationDefinition, StackFacts } from "../functions/shared/definitions";
import { memberAccountRemediationHandler } from "../functions/shared/member-account";
import {
  AUDIT_ROLE_PATHS,
  CENTRAL_EVENT_BUS,
  MEMBER_ROLE_NAMES,
} from "../functions/shared/member-roles";
import { organizationRegions } from "../organization/baseline";
import {
  overridePermissions,
  remediationOverrides,
  withOverrides,
} from "../organization/overrides";
import { GuardrailsFunction } from "./guardrails-function";
import { assumeMemberRole } from "./organization-rules";
import {
  COMPLIANCE_MESSAGE,
  NotificationRoute,
  Notifications,
  remediationReportsRoute,
} from "./notifications";
import { encodedEnvironment, invokedByEventRule } from "./remediation-function";
import { serviceTrustPolicy } from "./trust-policy";

export interface OrganizationRemediationsArgs {
  /** The remediation functions the settings deploy (those whose mode is not off). */
  remediations: readonly LambdaRemediationDefinition<{ mode: string }>[];
  /** The organization rules, whose compliance changes the topic receives. */
  ruleNames: readonly string[];
  settings: Settings;
  regions: readonly string[];
  /** Where the topic is, and the only region of the IAM rules' remediations. */
  homeRegion: string;
  organizationId: pulumi.Input<string>;
  partition: pulumi.Input<string>;
  /** Facts as every member reads them (account-relative ARNs with the placeholder account). */
  facts: pulumi.Input<StackFacts>;
  tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * The audit account's repair path for the organization, per region: the central event bus that
 * the members' forwarding rules send to (its policy admits only those roles of the
 * organization's accounts), and each remediation as one function per region (the IAM
 * remediations in the home region only), triggered by its rule's NON_COMPLIANT changes on that
 * bus and assuming the member remediation role in the account each change comes from. One
 * notification topic, in the home region, takes every region's compliance changes and what the
 * remediations in report mode would have done (each region's forwarded to the home region's bus).
 */
export class OrganizationRemediations extends pulumi.ComponentResource {
  public readonly topicArn: pulumi.Output<string>;
  /** The central bus's ARN, by region. */
  public readonly eventBusArns: Readonly<Record<string, pulumi.Output<string>>>;
  /** The remediation functions by region, as named in the catalogue. */
  public readonly remediationsByRegion: Readonly<Record<string, string[]>>;

  constructor(
    name: string,
    args: OrganizationRemediationsArgs,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("guardrails:index:OrganizationRemediations", name, {}, opts);
    const parent = { parent: this };
    const buses = Object.fromEntries(
      args.regions.map((region) => [
        region,
        this.centralBus(`${name}-bus-${region}`, region, args),
      ]),
    );
    const remediationsByRegion: Record<string, string[]> = Object.fromEntries(
      args.regions.map((region) => [region, []]),
    );
    // Report mode: each invocation's record goes to its region's bus, and from there to the topic.
    const reporting: pulumi.Output<string>[] = [];
    for (const definition of args.remediations) {
      const environment = pulumi
        .output(args.facts)
        .apply((facts) =>
          withOverrides(
            definition.name,
            encodedEnvironment(definition, definition.fromSettings(args.settings, facts)),
            remediationOverrides(definition, args.settings, facts),
          ),
        );
      const reports = definition.mode(args.settings) === "report";
      for (const region of organizationRegions(definition.rule, args.regions, args.homeRegion)) {
        const bus = buses[region] as aws.cloudwatch.EventBus;
        remediationsByRegion[region]?.push(definition.name);
        const resourceName = `${definition.name}-${region}`;
        // Only these three values are captured into the function's code.
        const { name: remediation, rule, createHandler } = definition;
        const lambda = new GuardrailsFunction(
          resourceName,
          {
            description: definition.description,
            callbackFactory: () =>
              memberAccountRemediationHandler({ remediation, rule, createHandler }),
            // Every repair happens in the member, with the member role's credentials (the member
            // role holds exactly those calls); only its accounts' OUs are read here.
            permissions: overridePermissions(args.settings),
            statements: [
              assumeMemberRole(MEMBER_ROLE_NAMES.remediation, args.partition, args.organizationId),
              ...(reports
                ? [
                    {
                      Sid: "ReportDestination",
                      Effect: "Allow",
                      Action: "events:PutEvents",
                      Resource: bus.arn,
                    },
                  ]
                : []),
            ],
            environment,
            rolePath: AUDIT_ROLE_PATHS.remediation,
            region,
            logRetentionDays: args.settings.logRetentionDays,
            memorySize: definition.memoryMb,
            timeout: definition.timeoutSeconds,
            tags: args.tags,
          },
          parent,
        );
        invokedByEventRule(
          `${resourceName}-on-noncompliant`,
          {
            description: `${definition.rule} turned a resource NON_COMPLIANT in a member account: ${definition.description}`,
            eventBusName: bus.name,
            eventPattern: JSON.stringify(
              organizationNonCompliantPattern(definition.rule, definition.resourceTypes),
            ),
            region,
            tags: args.tags,
          },
          lambda.function,
          parent,
        );
        if (reports) {
          new aws.lambda.FunctionEventInvokeConfig(
            `${resourceName}-report-destination`,
            {
              functionName: lambda.function.name,
              destinationConfig: { onSuccess: { destination: bus.arn } },
              region,
            },
            parent,
          );
          reporting.push(lambda.function.arn);
        }
      }
    }

    // Every region's compliance changes reach the home region's bus from the members directly
    // (EventBridge does not pass on an event another bus forwarded to it); each region's
    // reports start on its own bus, and are forwarded once.
    const changes: NotificationRoute = {
      name: "compliance-changes",
      description:
        "Compliance changes of the organization's guardrails rules in member accounts, to the notification topic.",
      eventPattern: JSON.stringify(organizationChangesPattern(args.ruleNames)),
      inputTransformer: COMPLIANCE_MESSAGE,
    };
    const account = aws.getCallerIdentityOutput({}, parent).accountId;
    const reports: NotificationRoute | undefined =
      reporting.length > 0
        ? remediationReportsRoute(
            reporting,
            account,
            "What the organization's remediations in report mode would have done, to the notification topic.",
          )
        : undefined;
    const homeBus = buses[args.homeRegion] as aws.cloudwatch.EventBus;
    if (reports) {
      const forwardingRole = this.forwardingRole(name, homeBus, account, args);
      for (const region of args.regions) {
        if (region === args.homeRegion) continue;
        const bus = buses[region] as aws.cloudwatch.EventBus;
        const forward = new aws.cloudwatch.EventRule(
          `${name}-${reports.name}-${region}`,
          {
            description: `${reports.description} (from ${region}, through the home region's bus)`,
            eventBusName: bus.name,
            eventPattern: reports.eventPattern,
            region,
            tags: args.tags,
          },
          parent,
        );
        new aws.cloudwatch.EventTarget(
          `${name}-${reports.name}-${region}-target`,
          {
            rule: forward.name,
            eventBusName: bus.name,
            arn: homeBus.arn,
            roleArn: forwardingRole.arn,
            region,
          },
          parent,
        );
      }
    }
    const homeRoutes = reports ? [changes, reports] : [changes];
    const notifications = new Notifications(
      `${name}-notifications`,
      {
        routes: homeRoutes,
        emails: args.settings.notificationEmails,
        eventBusName: homeBus.name,
        region: args.homeRegion,
        tags: args.tags,
      },
      parent,
    );

    this.topicArn = notifications.topicArn;
    this.eventBusArns = Object.fromEntries(
      Object.entries(buses).map(([region, bus]) => [region, bus.arn]),
    );
    this.remediationsByRegion = remediationsByRegion;
    this.registerOutputs({
      topicArn: this.topicArn,
      eventBusArns: this.eventBusArns,
      remediationsByRegion,
    });
  }

  /**
   * A region's central bus: only the members' forwarding roles, in accounts of the
   * organization, may put events on it.
   */
  private centralBus(
    name: string,
    region: string,
    args: OrganizationRemediationsArgs,
  ): aws.cloudwatch.EventBus {
    const parent = { parent: this };
    const bus = new aws.cloudwatch.EventBus(
      name,
      { name: CENTRAL_EVENT_BUS, region, tags: args.tags },
      parent,
    );
    new aws.cloudwatch.EventBusPolicy(
      `${name}-policy`,
      {
        eventBusName: bus.name,
        policy: organizationBusPolicy(bus.arn, args.organizationId, args.partition),
        region,
      },
      parent,
    );
    return bus;
  }

  /** The role this account's regional buses send to the home region's bus with. */
  private forwardingRole(
    name: string,
    homeBus: aws.cloudwatch.EventBus,
    account: pulumi.Input<string>,
    args: OrganizationRemediationsArgs,
  ): aws.iam.Role {
    const role = new aws.iam.Role(
      `${name}-forwarding-role`,
      {
        description:
          "EventBridge: the guardrails' remediation reports of every region, to the home region's bus.",
        // This account's EventBridge only.
        assumeRolePolicy: serviceTrustPolicy("events.amazonaws.com", account),
        tags: args.tags,
      },
      { parent: this },
    );
    new aws.iam.RolePolicy(
      `${name}-forwarding-policy`,
      {
        role: role.id,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Action: "events:PutEvents", Resource: homeBus.arn }],
        }),
      },
      { parent: this },
    );
    return role;
  }
}

/**
 * Events from the organization's accounts only, put by the members' forwarding roles (the
 * member baseline's, one per region): EventBridge keeps each event's own account and source,
 * and only AWS services may send events of source aws.config.
 */
export function organizationBusPolicy(
  busArn: pulumi.Input<string>,
  organizationId: pulumi.Input<string>,
  partition: pulumi.Input<string>,
): pulumi.Output<string> {
  return pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "MemberForwardingRoles",
        Effect: "Allow",
        Principal: { AWS: "*" },
        Action: "events:PutEvents",
        Resource: busArn,
        Condition: {
          // AWS Config's compliance changes only: an account of the organization may name a
          // role of its own like the baseline's, but only AWS sends events of source aws.config.
          StringEquals: {
            "aws:PrincipalOrgID": organizationId,
            "events:source": "aws.config",
            "events:detail-type": COMPLIANCE_CHANGE_DETAIL_TYPE,
          },
          ArnLike: {
            "aws:PrincipalArn": pulumi.interpolate`arn:${partition}:iam::*:role/${MEMBER_ROLE_NAMES.forwarding}-*`,
          },
        },
      },
    ],
  });
}
