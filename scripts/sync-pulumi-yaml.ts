/**
 * Writes `Pulumi.yaml` and the README's configuration table from the settings schema in
 * `config.ts`, so the CLI's declared types and defaults and the documentation can never drift
 * from what the code applies. `npm run sync-config`; a test fails when either is out of date.
 */
import * as fs from "fs";
import * as path from "path";
import { stringify } from "yaml";
import { CONFIG_SCHEMA, ConfigKeySpec } from "../config";
import { RULES } from "../functions/catalog";
import type { ExecutionFrequency, RuleDefinition } from "../functions/shared/definitions";

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

/** The README with its configuration and rule-set tables regenerated between their markers. */
export function readmeText(readme: string): string {
  const rows = (Object.entries(CONFIG_SCHEMA) as Array<[string, ConfigKeySpec]>).map(
    ([key, spec]) =>
      `| \`${key}\` | ${spec.type} | ${spec.default === undefined ? "unset" : `\`${JSON.stringify(spec.default)}\``} | ${spec.description.replace(/\|/g, "\\|")} |`,
  );
  const table = ["| key | type | default | meaning |", "|---|---|---|---|", ...rows];
  return between(
    between(readme, TABLE_START, TABLE_END, table),
    RULES_START,
    RULES_END,
    ruleSetTable(),
  );
}

const RULES_START = "<!-- rule-sets:start -->";
const RULES_END = "<!-- rule-sets:end -->";

/** Every rule of the catalogue: its sets, how AWS Config runs it, the CIS controls it checks. */
function ruleSetTable(): string[] {
  const trigger = (rule: RuleDefinition) =>
    [
      rule.onChange ? "on change" : undefined,
      rule.periodic ? `every ${PERIODS[rule.periodic]}` : undefined,
    ]
      .filter((part) => part !== undefined)
      .join(", ");
  return [
    "| rule | AWS Config source | rule sets | trigger | CIS AWS Foundations v3.0.0 |",
    "|---|---|---|---|---|",
    ...RULES.map(
      (rule) =>
        `| \`${rule.name}\` | ${rule.owner === "AWS" ? `AWS managed, \`${rule.identifier}\`` : "custom Lambda"} | ${rule.ruleSets.join(", ")} | ${trigger(rule)} | ${rule.cis?.join(", ") ?? "-"} |`,
    ),
  ];
}

const PERIODS: Record<ExecutionFrequency, string> = {
  One_Hour: "hour",
  Three_Hours: "3 hours",
  Six_Hours: "6 hours",
  Twelve_Hours: "12 hours",
  TwentyFour_Hours: "day",
};

function between(text: string, start: string, end: string, lines: readonly string[]): string {
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`README.md lacks ${start} ... ${end}`);
  return `${text.slice(0, from + start.length)}\n${lines.join("\n")}\n${text.slice(to)}`;
}

if (require.main === module) {
  fs.writeFileSync(PULUMI_YAML, pulumiYamlText());
  fs.writeFileSync(README, readmeText(fs.readFileSync(README, "utf8")));
  console.log(`wrote ${PULUMI_YAML} and the configuration table of ${README}`);
}
