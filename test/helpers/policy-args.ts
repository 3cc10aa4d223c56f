/**
 * Fakes of the arguments @pulumi/policy's analyzer server builds for a policy (see its
 * server.js): props wrapped in the same unknown-checking proxy, so that a value set to
 * UNKNOWN_AT_PREVIEW throws UnknownValueError when read, as at preview; stack resources linked to
 * each other through `dependencies` and `propertyDependencies`; getConfig returning the policy's
 * config as given, without the schema defaults (only the CLI applies those).
 */
import {
  PolicyResource,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
  unknownCheckingProxy,
} from "@pulumi/policy";
import * as pulumi from "@pulumi/pulumi";

/** The value the engine sends for an input that is unknown at preview. */
export const UNKNOWN_AT_PREVIEW: string = pulumi.runtime.unknownValue;

export interface Violation {
  message: string;
  urn?: string;
}

export function urnOf(type: string, name: string): string {
  return `urn:pulumi:test::guardrails::${type}::${name}`;
}

const OPTIONS = {
  protect: false,
  ignoreChanges: [],
  aliases: [],
  customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
  additionalSecretOutputs: [],
};

function typeChecks(type: string, props: Record<string, any>) {
  const isType = (resourceClass: any) =>
    resourceClass?.isInstance?.({ __pulumiType: type }) === true;
  return {
    isType,
    asType: (resourceClass: any): any => (isType(resourceClass) ? props : undefined),
  };
}

function notApplicable(reason?: string): never {
  throw new Error(`not applicable: ${reason ?? ""}`);
}

export function resourceArgs(
  type: string,
  props: Record<string, unknown>,
  options: { config?: Record<string, unknown>; name?: string } = {},
): ResourceValidationArgs {
  const name = options.name ?? "test";
  const proxied = unknownCheckingProxy(structuredClone(props)) as Record<string, any>;
  return {
    type,
    props: proxied,
    urn: urnOf(type, name),
    name,
    opts: OPTIONS,
    stackTags: new Map(),
    ...typeChecks(type, proxied),
    getConfig: <T extends object>() => ({ ...(options.config ?? {}) }) as T,
    notApplicable,
  };
}

export interface FakeResource {
  type: string;
  /** The logical (Pulumi) name; also the handle other resources' `dependsOn` use. */
  name: string;
  props: Record<string, unknown>;
  /** For each property, the names of the fake resources its value came from. */
  dependsOn?: Record<string, string[]>;
}

export function stackArgs(
  fakes: readonly FakeResource[],
  config: Record<string, unknown> = {},
): StackValidationArgs {
  const resources = new Map<string, PolicyResource>();
  for (const fake of fakes) {
    if (resources.has(fake.name)) throw new Error(`two fake resources named ${fake.name}`);
    const props = unknownCheckingProxy(structuredClone(fake.props)) as Record<string, any>;
    resources.set(fake.name, {
      type: fake.type,
      props,
      urn: urnOf(fake.type, fake.name),
      name: fake.name,
      opts: OPTIONS,
      dependencies: [],
      propertyDependencies: {},
      ...typeChecks(fake.type, props),
    });
  }
  const lookup = (name: string) => {
    const found = resources.get(name);
    if (!found) throw new Error(`dependsOn names ${name}, which is not among the fake resources`);
    return found;
  };
  for (const fake of fakes) {
    const resource = lookup(fake.name);
    for (const [property, names] of Object.entries(fake.dependsOn ?? {})) {
      resource.propertyDependencies[property] = names.map(lookup);
      resource.dependencies.push(...names.map(lookup));
    }
  }
  return {
    resources: [...resources.values()],
    stackTags: new Map(),
    getConfig: <T extends object>() => ({ ...config }) as T,
    notApplicable,
  };
}

export async function validateResource(
  policy: ResourceValidationPolicy,
  args: ResourceValidationArgs,
): Promise<Violation[]> {
  const violations: Violation[] = [];
  const validations = Array.isArray(policy.validateResource)
    ? policy.validateResource
    : policy.validateResource
      ? [policy.validateResource]
      : [];
  for (const validation of validations) {
    await validation(args, (message, urn) => violations.push({ message, urn }));
  }
  return violations;
}

export async function validateStack(
  policy: StackValidationPolicy,
  args: StackValidationArgs,
): Promise<Violation[]> {
  const violations: Violation[] = [];
  await policy.validateStack(args, (message, urn) => violations.push({ message, urn }));
  return violations;
}

/** The messages only, for policies whose violations carry no URN (resource policies). */
export async function messages(
  policy: ResourceValidationPolicy,
  args: ResourceValidationArgs,
): Promise<string[]> {
  return (await validateResource(policy, args)).map((violation) => violation.message);
}
