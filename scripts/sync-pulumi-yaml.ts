/**
 * Writes `Pulumi.yaml` from the settings schema in `config.ts`, so the CLI's declared types and
 * defaults can never drift from the ones the code applies. `npm run sync-config`; a test fails
 * when the committed file is out of date.
 */
import * as fs from "fs";
import * as path from "path";
import { stringify } from "yaml";
import { CONFIG_SCHEMA, ConfigKeySpec } from "../config";

export const PULUMI_YAML = path.join(__dirname, "..", "Pulumi.yaml");

/** Pulumi.yaml can declare string, integer, boolean and array keys, but no objects. */
export function pulumiYamlText(): string {
  const config: Record<string, unknown> = {};
  const undeclared: string[] = [];
  for (const [key, spec] of Object.entries(CONFIG_SCHEMA) as Array<[string, ConfigKeySpec]>) {
    if (spec.type === "object") {
      undeclared.push(key);
      continue;
    }
    config[key] = {
      type: spec.type,
      ...(spec.type === "array" ? { items: { type: "string" } } : {}),
      description: spec.description,
      ...(spec.default === undefined ? {} : { default: spec.default }),
    };
  }
  const project = {
    name: "guardrails",
    description: "AWS Config continuous compliance with automatic repair",
    runtime: { name: "nodejs", options: { typescript: true } },
    config,
  };
  return (
    "# Generated from config.ts by `npm run sync-config`: edit the schema there, not here.\n" +
    `# Object keys (${undeclared.join(", ")}) cannot be declared here; config.ts reads and checks them.\n` +
    stringify(project, { lineWidth: 0 })
  );
}

if (require.main === module) {
  fs.writeFileSync(PULUMI_YAML, pulumiYamlText());
  console.log(`wrote ${PULUMI_YAML}`);
}
