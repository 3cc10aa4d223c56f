/**
 * Writes `Pulumi.yaml` and the README's configuration table from the settings schema in
 * `config.ts`, so the CLI's declared types and defaults and the documentation can never drift
 * from what the code applies. `npm run sync-config`; a test fails when either is out of date.
 */
import * as fs from "fs";
import * as path from "path";
import { stringify } from "yaml";
import { CONFIG_SCHEMA, ConfigKeySpec } from "../config";

export const PULUMI_YAML = path.join(__dirname, "..", "Pulumi.yaml");
export const README = path.join(__dirname, "..", "README.md");

const TABLE_START = "<!-- config-table:start -->";
const TABLE_END = "<!-- config-table:end -->";

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

/** The README with its configuration table regenerated between the markers. */
export function readmeText(readme: string): string {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new Error(`README.md lacks ${TABLE_START} ... ${TABLE_END}`);
  const rows = (Object.entries(CONFIG_SCHEMA) as Array<[string, ConfigKeySpec]>).map(
    ([key, spec]) =>
      `| \`${key}\` | ${spec.type} | ${spec.default === undefined ? "unset" : `\`${JSON.stringify(spec.default)}\``} | ${spec.description.replace(/\|/g, "\\|")} |`,
  );
  const table = ["| key | type | default | meaning |", "|---|---|---|---|", ...rows].join("\n");
  return `${readme.slice(0, start + TABLE_START.length)}\n${table}\n${readme.slice(end)}`;
}

if (require.main === module) {
  fs.writeFileSync(PULUMI_YAML, pulumiYamlText());
  fs.writeFileSync(README, readmeText(fs.readFileSync(README, "utf8")));
  console.log(`wrote ${PULUMI_YAML} and the configuration table of ${README}`);
}
