/**
 * Reading resource properties as the policy SDK hands them over. At preview a value computed from
 * another resource's output (an ARN, an id) is unknown, and reading it throws UnknownValueError;
 * the SDK then skips the whole policy with "can't run policy ... during preview". That is right
 * for a resource policy that cannot judge a rule with an unknown CIDR, but a stack policy must
 * still judge every other resource, so the stack policies read such values through `known`.
 */
import {
  PolicyResource,
  ReportViolation,
  ResourceValidation,
  ResourceValidationArgs,
  UnknownValueError,
} from "@pulumi/policy";
import { ResourceType } from "./resource-types";

export const UNKNOWN: unique symbol = Symbol("unknown at preview");
export type Unknown = typeof UNKNOWN;

/** The value `read` returns, or UNKNOWN when it touches a value unknown at preview. */
export function known<T>(read: () => T): T | Unknown {
  try {
    return read();
  } catch (error) {
    if (isUnknownValueError(error)) return UNKNOWN;
    throw error;
  }
}

/**
 * Pulumi's unknown-value error, from whichever copy of @pulumi/policy made the props proxy:
 * `npm install` in policies/ (as Pulumi's docs have users do) adds a second copy beside the
 * project's, whose class `instanceof` does not recognise.
 */
export function isUnknownValueError(error: unknown): boolean {
  if (error instanceof UnknownValueError) return true;
  return (
    error instanceof Error &&
    error.constructor.name === "UnknownValueError" &&
    "unknownTypeSentinel" in error &&
    "props" in error
  );
}

/** A validation of one resource type, its props read through the structural shape `P`. */
export function validateType<P>(
  type: ResourceType,
  validate: (props: P, args: ResourceValidationArgs, reportViolation: ReportViolation) => void,
): ResourceValidation {
  return (args, reportViolation) => {
    if (args.type === type) validate(args.props as P, args, reportViolation);
  };
}

export function resourcesOfType(
  resources: readonly PolicyResource[],
  type: ResourceType,
): PolicyResource[] {
  return resources.filter((resource) => resource.type === type);
}

/** A string property, or UNKNOWN when it is unknown at preview or not text. */
export function knownText(resource: PolicyResource, property: string): string | Unknown {
  const value = known<unknown>(() => resource.props[property]);
  return typeof value === "string" ? value : UNKNOWN;
}

/** What a property holding a name, or a list of names, of other resources points to. */
export interface Reference {
  /** The names known at preview. */
  names: string[];
  /**
   * The resources the property's value came from, when some of it is unknown: the engine records
   * them for every input (`user: user.id` depends on `user`), so a reference still resolves
   * when the id of a resource created in the same update is not known yet.
   */
  dependencies: PolicyResource[];
}

export function reference(resource: PolicyResource, property: string): Reference {
  const value = known<unknown>(() => resource.props[property]);
  const items: unknown[] = Array.isArray(value)
    ? Array.from({ length: value.length }, (_, index) => known<unknown>(() => value[index]))
    : [value];
  const names = items.filter((item): item is string => typeof item === "string");
  const unresolved = items.some((item) => item !== undefined && typeof item !== "string");
  return {
    names,
    dependencies: unresolved ? (resource.propertyDependencies[property] ?? []) : [],
  };
}

/** Whether `reference` points to `target`, whose name is `targetName`. */
export function pointsTo(
  reference: Reference,
  target: PolicyResource,
  targetName: string | Unknown,
): boolean {
  return (
    (targetName !== UNKNOWN && reference.names.includes(targetName)) ||
    reference.dependencies.some((dependency) => dependency.urn === target.urn)
  );
}
