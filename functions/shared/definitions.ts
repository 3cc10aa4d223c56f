/**
 * What a rule and a remediation are, once: everything the stack, the components, the offline
 * evaluation, the policy pack and the bench need to know about one of them. Each rule and each
 * remediation is one value of these types, in its own folder; `functions/catalog.ts` lists them.
 *
 * A rule's settings reach its evaluator the same way on every path: the stack settings become
 * typed parameters (`fromSettings`), the parameters become text at the boundary
 * (`parameters.encode`: the rule's InputParameters, or the function's environment), and the text
 * becomes parameters again (`parameters.decode`: in the Lambda, and in the offline evaluation,
 * which thus judges with exactly what the deployed rule receives).
 */
import type { Settings } from "../../config";
import type { AccountView } from "../rules/account";
import type { RuleName } from "../catalog";
import type { Verdict } from "../rules/verdict";
import type { ApiCallTrigger } from "./api-call";
import type { BoundaryCodec } from "./boundary";
import type { RemediationHandler } from "./remediation-handler";
import type { MemberRemediationDependencies, RuleClients } from "./member-account";
import type { RuleHandler } from "./rule-handler";

/** How often a periodic rule runs (AWS Config's MaximumExecutionFrequency). */
export type ExecutionFrequency =
  "One_Hour" | "Three_Hours" | "Six_Hours" | "Twelve_Hours" | "TwentyFour_Hours";

/** What only the deployment knows: outputs of other resources, resolved. */
export interface StackFacts {
  /** The ARN of the MFA policy this program creates; only in the region recording IAM. */
  mfaPolicyArn?: string;
  /** The account's partition (aws, aws-cn, aws-us-gov): AWS managed policies' ARNs name it. */
  partition?: string;
}

/**
 * The sets a stack chooses rules by (`ruleSets`): this program's guardrails, and the CIS AWS
 * Foundations Benchmark's controls that AWS Config can check.
 */
export const RULE_SETS = ["guardrails", "cis-foundations"] as const;
export type RuleSet = (typeof RULE_SETS)[number];

export interface RuleBase<Parameters> {
  /** The rule's name in AWS Config, also the name of `disabledRules` and of the reports. */
  name: RuleName;
  /** The sets that include it: it is deployed when the stack chooses any of them. */
  ruleSets: readonly RuleSet[];
  /** The CIS AWS Foundations Benchmark v3.0.0 controls it checks, if any. */
  cis?: readonly string[];
  description(parameters: Parameters): string;
  /** The rule's scope: the types it evaluates, and whose changes trigger it when `onChange`. */
  resourceTypes: readonly string[];
  onChange: boolean;
  periodic?: ExecutionFrequency;
  /**
   * Judges IAM, a global service: deployed only in the region that records global resources, or
   * every region would judge (and repair) the same users.
   */
  global: boolean;
  /** InputParameters, as AWS Config stores them and the evaluator reads them. */
  parameters: BoundaryCodec<Parameters>;
  fromSettings(settings: Settings, facts: StackFacts): Parameters;
  /** The rule's verdicts for an account snapshot: the offline evaluation. */
  mirror(account: AccountView, parameters: Parameters): Verdict[];
}

/**
 * The memory of a function whose periodic run holds every IAM user of the account at once (the
 * credential report or the authorization details, the users and their verdicts). `npm run
 * bench` measures the need at 100,000 users against it; Lambda also gives a function CPU in
 * proportion to its memory, so the run ends sooner, and a run lasts seconds a day or an hour.
 */
export const ALL_USERS_MEMORY_MB = 512;

/** A rule evaluated by a Lambda of ours. */
export interface CustomRuleDefinition<Parameters> extends RuleBase<Parameters> {
  owner: "CUSTOM_LAMBDA";
  /**
   * Makes the Lambda's handler, with its SDK clients, at cold start; given clients (a member
   * account's, in an organization), with those. Pulumi serializes it with what it references:
   * a module-level function, so that this definition's other members (the mirror, the stack's
   * settings) are not packaged with it.
   */
  createHandler: (clients?: RuleClients) => RuleHandler;
  /** Exactly the API actions the handler calls; the role grants these and no others. */
  permissions: readonly string[];
  timeoutSeconds: number;
  memoryMb: number;
}

/** A rule AWS evaluates itself (owner AWS), with AWS's identifier and parameter names. */
export interface ManagedRuleDefinition<Parameters> extends RuleBase<Parameters> {
  owner: "AWS";
  identifier: string;
  /** An optional tag scope from the stack settings. */
  scopeTag?(settings: Settings): TagScope | undefined;
}

/** A rule's Scope by tag: AWS Config evaluates only resources with the key (and the value, if given). */
export interface TagScope {
  key: string;
  value?: string;
}

export type RuleDefinition = CustomRuleDefinition<unknown> | ManagedRuleDefinition<unknown>;

/** The rule's description as AWS Config shows it, with the CIS controls it checks. */
export function ruleDescription<Parameters>(
  rule: RuleBase<Parameters>,
  parameters: Parameters,
): string {
  const text = rule.description(parameters);
  return rule.cis ? `${text} (CIS ${rule.cis.join(", ")})` : text;
}

/** A remediation's mode as the stack settings give it: `off` deploys nothing. */
export type ConfiguredMode<Mode extends string> = "off" | Mode;

interface RemediationBase {
  name: string;
  /** The rule whose NON_COMPLIANT results it repairs. */
  rule: RuleName;
  description: string;
  /** Resource types of that rule it repairs. */
  resourceTypes: readonly string[];
  mode(settings: Settings): string;
}

/** A remediation Lambda, triggered by the rule's compliance changes through EventBridge. */
export interface LambdaRemediationDefinition<
  Environment extends { mode: string },
> extends RemediationBase {
  kind: "lambda";
  /** The function's environment variables, as Lambda stores them and the handler reads them. */
  environment: BoundaryCodec<Environment>;
  /** Called only when the mode is not `off`. */
  fromSettings(settings: Settings, facts: StackFacts): Environment;
  /** Exactly the API actions the handler may call in this configuration. */
  permissions(environment: Environment): string[];
  /**
   * Makes the Lambda's handler at cold start, with its own clients and `process.env`; given a
   * member account's clients and environment (in an organization), with those. A module-level
   * function, for the reason the rules' is.
   */
  createHandler: (member?: MemberRemediationDependencies) => RemediationHandler;
  /** An EventBridge schedule, for work no compliance change announces. */
  schedule?(environment: Environment): string | undefined;
  /** Real-time repair: the API calls that can break the rule, for this environment. */
  apiCalls?(environment: Environment): ApiCallTrigger[];
  timeoutSeconds: number;
  memoryMb: number;
  /**
   * Offline: for one snapshot, what it would do about each violation (undefined if nothing). Made
   * once per snapshot, so that what violations share (an instance's groups) is planned once.
   */
  describer(
    account: AccountView,
    environment: Environment,
  ): (verdict: Verdict) => string | undefined;
}

/** An SSM Automation document attached to the rule as its remediation configuration. */
export interface SsmRemediationDefinition extends RemediationBase {
  kind: "ssm";
  document: { awsDocumentName: string } | { content: SsmDocumentContent };
  /** The document parameter that receives the non-compliant resource's id. */
  resourceIdParameter: string;
  /** Exactly the API actions the document's steps call. */
  permissions: readonly string[];
  mode(settings: Settings): ConfiguredMode<"report" | "automatic">;
  /** What an operator (report) or AWS Config (automatic) would run. */
  action: string;
}

export interface SsmDocumentContent {
  schemaVersion: string;
  mainSteps: Array<{
    name: string;
    action: string;
    inputs: { Service?: string; Api?: string; [input: string]: unknown };
    [field: string]: unknown;
  }>;
  [field: string]: unknown;
}

export type RemediationDefinition =
  LambdaRemediationDefinition<{ mode: string }> | SsmRemediationDefinition;

/** "report mode, would revoke ...", "revoke mode, will revoke ...": what a mode does. */
export function inMode(mode: string, what: string): string {
  return mode === "report" ? `report mode, would ${what}` : `${mode} mode, will ${what}`;
}

/** A fact only some regions have, asked for where it must exist. */
export function requiredFact(value: string | undefined, what: string): string {
  if (value === undefined) {
    throw new Error(`${what} is known only in the region that records global resources`);
  }
  return value;
}
