/** Renders a recorded program run as the plan `pulumi up` would carry out. */
import { PlannedResource, isResolvedArchive } from "./mock-runtime";

const MAX_VALUE_LENGTH = 160;

/** The machine-readable plan printed by `npm start -- --json`. */
export interface PlanDocument {
  project: string;
  stack: string;
  region: string;
  resources: Array<{
    urn: string;
    type: string;
    name: string;
    /** The parent's name (`parentUrn` identifies it exactly). */
    parent?: string;
    parentUrn?: string;
    dependsOn: string[];
    inputs: Record<string, unknown>;
  }>;
  outputs: Record<string, unknown>;
}

export function planDocument(
  context: { project: string; stack: string; region: string },
  resources: readonly PlannedResource[],
  outputs: Record<string, unknown>,
): PlanDocument {
  const nameOf = new Map(resources.map((resource) => [resource.urn, resource.name]));
  return {
    ...context,
    resources: resources.map((resource) => ({
      urn: resource.urn,
      type: resource.type,
      name: resource.name,
      parent: resource.parent ? (nameOf.get(resource.parent) ?? resource.parent) : undefined,
      parentUrn: resource.parent,
      dependsOn: resource.dependencies.map((urn) => nameOf.get(urn) ?? urn),
      inputs: readable(resource.inputs) as Record<string, unknown>,
    })),
    outputs,
  };
}

/** The plan as an indented tree: each resource under its parent, with its inputs. */
export function renderPlan(plan: PlanDocument): string {
  const children = new Map<string | undefined, PlanDocument["resources"]>();
  for (const resource of plan.resources) {
    const siblings = children.get(resource.parentUrn) ?? [];
    siblings.push(resource);
    children.set(resource.parentUrn, siblings);
  }
  const lines = [
    `Offline plan for stack "${plan.stack}" of project "${plan.project}": ` +
      `${plan.resources.length} resources that \`pulumi up\` would create.`,
    `(Pulumi mock runtime, mock account in ${plan.region}: no AWS account or credentials used.)`,
    "",
  ];
  const visit = (parent: string | undefined, depth: number): void => {
    for (const resource of children.get(parent) ?? []) {
      const indent = "  ".repeat(depth);
      lines.push(`${indent}+ ${resource.name}  (${resource.type})`);
      for (const [inputName, value] of Object.entries(resource.inputs)) {
        lines.push(`${indent}    ${inputName}: ${shorten(JSON.stringify(value) ?? "undefined")}`);
      }
      const explicit = resource.dependsOn.filter((name) => name !== resource.parent);
      if (explicit.length > 0) lines.push(`${indent}    (after: ${explicit.join(", ")})`);
      visit(resource.urn, depth + 1);
    }
  };
  visit(undefined, 0);
  lines.push("", "Outputs:");
  for (const [name, value] of Object.entries(plan.outputs)) {
    lines.push(`  ${name}: ${JSON.stringify(value)}`);
  }
  return lines.join("\n");
}

function shorten(text: string): string {
  return text.length <= MAX_VALUE_LENGTH ? text : `${text.slice(0, MAX_VALUE_LENGTH - 3)}...`;
}

/** Policies arrive as JSON text: show them as structures; code archives by their files' sizes. */
function readable(value: unknown): unknown {
  if (isResolvedArchive(value)) {
    const files = Object.entries(value.__archive).map(
      ([file, content]) =>
        `${file} (${content.text !== undefined ? `${content.text.length} bytes` : content.path})`,
    );
    return `archive: ${files.join(", ")}`;
  }
  if (typeof value === "string" && /^\s*[{[]/.test(value)) {
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  }
  if (Array.isArray(value)) return value.map(readable);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([entryKey, entry]) => [entryKey, readable(entry)]),
    );
  }
  return value;
}
