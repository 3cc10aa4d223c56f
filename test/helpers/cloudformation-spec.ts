/**
 * Checks a CloudFormation template against the CloudFormation resource specification that
 * @aws-cdk/cfnspec vendors (AWS's own `specification.json`): every resource type exists, every
 * property is one of its type's, required ones are present, values have the declared shape
 * (primitive, list, map, or a property type checked in turn), and every Ref, condition and
 * DependsOn names something the template or CloudFormation defines. Intrinsic functions stand
 * for any value of the declared type.
 */
import * as fs from "fs";
import * as path from "path";

interface PropertySpec {
  Required?: boolean;
  PrimitiveType?: string;
  Type?: string;
  ItemType?: string;
  PrimitiveItemType?: string;
}

interface TypeSpec {
  Properties?: Record<string, PropertySpec>;
}

interface Specification {
  ResourceSpecificationVersion: string;
  ResourceTypes: Record<string, TypeSpec>;
  PropertyTypes: Record<string, TypeSpec>;
}

let loaded: Specification | undefined;

export function cloudFormationSpecification(): Specification {
  loaded ??= JSON.parse(
    fs.readFileSync(
      path.join(
        path.dirname(require.resolve("@aws-cdk/cfnspec/package.json")),
        "spec",
        "specification.json",
      ),
      "utf8",
    ),
  ) as Specification;
  return loaded;
}

const PSEUDO_PARAMETERS = new Set([
  "AWS::AccountId",
  "AWS::NotificationARNs",
  "AWS::NoValue",
  "AWS::Partition",
  "AWS::Region",
  "AWS::StackId",
  "AWS::StackName",
  "AWS::URLSuffix",
]);

function isIntrinsic(value: unknown): boolean {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === "Ref" || (keys[0] ?? "").startsWith("Fn::"));
}

const PRIMITIVES: Record<string, (value: unknown) => boolean> = {
  String: (value) => typeof value === "string",
  Long: (value) => Number.isInteger(value) || /^-?\d+$/.test(String(value)),
  Integer: (value) => Number.isInteger(value) || /^-?\d+$/.test(String(value)),
  Double: (value) => typeof value === "number" || !Number.isNaN(Number(value)),
  Boolean: (value) => typeof value === "boolean" || value === "true" || value === "false",
  Timestamp: (value) => typeof value === "string",
  Json: (value) => typeof value === "object" || typeof value === "string",
};

/** Every problem of the template; empty when CloudFormation's specification accepts it. */
export function templateProblems(template: {
  Resources: Record<
    string,
    { Type: string; Condition?: string; DependsOn?: unknown; Properties?: Record<string, unknown> }
  >;
  Conditions?: Record<string, unknown>;
  Parameters?: Record<string, unknown>;
}): string[] {
  const spec = cloudFormationSpecification();
  const problems: string[] = [];
  const logicalIds = new Set(Object.keys(template.Resources));
  const conditions = new Set(Object.keys(template.Conditions ?? {}));
  const parameters = new Set(Object.keys(template.Parameters ?? {}));

  const checkValue = (
    where: string,
    value: unknown,
    property: PropertySpec,
    resourceType: string,
  ) => {
    if (isIntrinsic(value)) return;
    if (property.PrimitiveType) {
      const check = PRIMITIVES[property.PrimitiveType];
      if (check && !check(value)) problems.push(`${where}: not a ${property.PrimitiveType}`);
      return;
    }
    if (property.Type === "List" || property.Type === "Map") {
      const items =
        property.Type === "List"
          ? Array.isArray(value)
            ? value
            : undefined
          : typeof value === "object" && value !== null && !Array.isArray(value)
            ? Object.values(value)
            : undefined;
      if (!items) {
        problems.push(`${where}: not a ${property.Type}`);
        return;
      }
      items.forEach((item, index) =>
        checkValue(
          `${where}[${index}]`,
          item,
          property.PrimitiveItemType
            ? { PrimitiveType: property.PrimitiveItemType }
            : { Type: property.ItemType },
          resourceType,
        ),
      );
      return;
    }
    if (property.Type) {
      const typeName = `${resourceType}.${property.Type}`;
      const propertyType = spec.PropertyTypes[typeName];
      if (!propertyType) {
        problems.push(`${where}: the specification has no property type ${typeName}`);
        return;
      }
      checkObject(where, value, propertyType, resourceType);
    }
  };

  const checkObject = (where: string, value: unknown, type: TypeSpec, resourceType: string) => {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      problems.push(`${where}: not an object`);
      return;
    }
    const declared = type.Properties ?? {};
    for (const [name, item] of Object.entries(value)) {
      const property = declared[name];
      if (!property) {
        problems.push(`${where}.${name}: not a property (${Object.keys(declared).join(", ")})`);
        continue;
      }
      checkValue(`${where}.${name}`, item, property, resourceType);
    }
    for (const [name, property] of Object.entries(declared)) {
      if (property.Required && !(name in value)) problems.push(`${where}.${name}: required`);
    }
  };

  // A resource that may exist without a conditional one must not name it: where the condition
  // is false, CloudFormation refuses the stack (unresolved dependency).
  const conditionOf = new Map(
    Object.entries(template.Resources).map(([id, resource]) => [id, resource.Condition]),
  );
  let referrer: string | undefined;
  const checkConditional = (where: string, target: string) => {
    const needed = conditionOf.get(target);
    if (needed !== undefined && conditionOf.get(referrer ?? "") !== needed) {
      problems.push(`${where}: names ${target}, which exists only where ${needed} holds`);
    }
  };

  const checkReferences = (where: string, value: unknown) => {
    if (Array.isArray(value))
      value.forEach((item, index) => checkReferences(`${where}[${index}]`, item));
    else if (typeof value === "object" && value !== null) {
      for (const [key, item] of Object.entries(value)) {
        if (key === "Ref" && typeof item === "string") {
          if (!logicalIds.has(item) && !parameters.has(item) && !PSEUDO_PARAMETERS.has(item)) {
            problems.push(`${where}: Ref to ${item}, which the template does not define`);
          }
          if (logicalIds.has(item)) checkConditional(where, item);
        } else if (key === "Fn::If" && Array.isArray(item) && typeof item[0] === "string") {
          if (!conditions.has(item[0]))
            problems.push(`${where}: Fn::If on an unknown condition ${item[0]}`);
          checkReferences(`${where}.Fn::If`, item.slice(1));
        } else {
          checkReferences(`${where}.${key}`, item);
        }
      }
    }
  };

  for (const [id, resource] of Object.entries(template.Resources)) {
    const where = `Resources.${id}`;
    const type = spec.ResourceTypes[resource.Type];
    if (!type) {
      problems.push(`${where}: ${resource.Type} is not a resource type`);
      continue;
    }
    checkObject(`${where}.Properties`, resource.Properties ?? {}, type, resource.Type);
    if (resource.Condition && !conditions.has(resource.Condition)) {
      problems.push(`${where}: unknown condition ${resource.Condition}`);
    }
    const dependsOn = resource.DependsOn === undefined ? [] : [resource.DependsOn].flat();
    for (const dependency of dependsOn) {
      if (typeof dependency !== "string" || !logicalIds.has(dependency)) {
        problems.push(
          `${where}: DependsOn ${JSON.stringify(dependency)}, which the template does not define`,
        );
        continue;
      }
      referrer = id;
      checkConditional(`${where}.DependsOn`, dependency);
    }
    referrer = id;
    checkReferences(`${where}.Properties`, resource.Properties ?? {});
  }
  return problems;
}
