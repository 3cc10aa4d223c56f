/** Builds the stack under Pulumi mocks for tests, from raw config values as YAML would give them. */
import * as aws from "@pulumi/aws";
import { parseSettings } from "../../config";
import { PlannedResource, ProgramRun, runProgram } from "../../offline/mock-runtime";
import { createGuardrails } from "../../stack";

export async function buildStack(config: Record<string, unknown> = {}): Promise<ProgramRun> {
  return runProgram(() => createGuardrails(parseSettings(config)), {
    project: "guardrails",
    stack: "test",
    config: {},
  });
}

export function resourcesOfType(run: ProgramRun, type: string): PlannedResource[] {
  return run.resources.filter((resource) => resource.type === type);
}

/** The one resource of a type; fails the test when there are none or several. */
export function only(run: ProgramRun, type: string): PlannedResource {
  const found = resourcesOfType(run, type);
  if (found.length !== 1) {
    throw new Error(
      `expected one ${type}, found ${found.length}: ${found.map((r) => r.name).join(", ")}`,
    );
  }
  return found[0] as PlannedResource;
}

/** An input holding a JSON document (policies), parsed. */
export function jsonInput(resource: PlannedResource, input: string): any {
  const value = resource.inputs[input];
  if (typeof value !== "string") throw new Error(`${resource.name}.${input} is not JSON text`);
  return JSON.parse(value);
}

/**
 * Whether an AWS resource type accepts tags, read from the provider SDK itself (its class
 * registers a `tags` input), so a new resource type cannot slip through untagged unnoticed.
 */
export function isTaggable(type: string): boolean {
  const moduleName = type.split(":")[1]?.split("/")[0] ?? "";
  const module = (moduleName === "index" ? aws : (aws as Record<string, unknown>)[moduleName]) as
    Record<string, unknown> | undefined;
  for (const exported of Object.values(module ?? {})) {
    if (
      typeof exported === "function" &&
      (exported as { __pulumiType?: string }).__pulumiType === type
    ) {
      return exported.toString().includes('resourceInputs["tags"]');
    }
  }
  throw new Error(`no @pulumi/aws class registers ${type}`);
}

/** The run narrowed to the descendants of the one component of a type (e.g. one rule). */
export function within(run: ProgramRun, componentType: string, componentName?: string): ProgramRun {
  const component = run.resources.find(
    (r) => r.type === componentType && (componentName === undefined || r.name === componentName),
  );
  if (!component) throw new Error(`no ${componentType} ${componentName ?? ""} in the run`);
  const inside = new Set([component.urn]);
  const resources = run.resources.filter((r) => {
    if (r.parent && inside.has(r.parent)) {
      inside.add(r.urn);
      return true;
    }
    return false;
  });
  return { ...run, resources };
}
