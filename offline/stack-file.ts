/** Reads a project's `Pulumi.yaml` and a stack's `Pulumi.<stack>.yaml` as the CLI would. */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

export class StackFileError extends Error {
  override name = "StackFileError";
}

export interface StackFile {
  project: string;
  stack: string;
  /** Namespaced keys ("guardrails:tags", "aws:region") with their YAML-typed values. */
  config: Record<string, unknown>;
}

/** This program's own project file: its name is the namespace of the stack's config keys. */
export const PROJECT_FILE = path.join(__dirname, "..", "Pulumi.yaml");

/** Loads a stack file (`Pulumi.<stack>.yaml`) of this project, wherever it is kept. */
export function readStackFile(stackFile: string, projectFile = PROJECT_FILE): StackFile {
  const match = /^Pulumi\.(.+)\.ya?ml$/.exec(path.basename(stackFile));
  if (!match?.[1]) {
    throw new StackFileError(`${stackFile}: a stack file is named Pulumi.<stack>.yaml`);
  }
  const document = readYaml(stackFile, "a Pulumi stack file with a config: map") ?? {};
  const project = readYaml(projectFile, "a Pulumi project file with a name")?.name;
  if (typeof project !== "string") {
    throw new StackFileError(`${projectFile}: expected a Pulumi project file with a "name"`);
  }
  const config = document.config ?? {};
  if (typeof config !== "object" || Array.isArray(config)) {
    throw new StackFileError(`${stackFile}: "config" must be a map of "namespace:key" to values`);
  }
  return { project, stack: match[1], config: qualify(config as Record<string, unknown>, project) };
}

/** The CLI lets a stack file omit the project's own namespace: "tags" means "<project>:tags". */
function qualify(config: Record<string, unknown>, project: string): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(config).map(([key, value]) => [
      key.includes(":") ? key : `${project}:${key}`,
      value,
    ]),
  );
}

function readYaml(file: string, expected: string): Record<string, unknown> | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new StackFileError(
      `${file}: cannot read it (${(error as NodeJS.ErrnoException).code}); expected ${expected}`,
    );
  }
  try {
    return parse(text) as Record<string, unknown> | undefined;
  } catch (error) {
    throw new StackFileError(
      `${file}: not valid YAML (${(error as Error).message.split("\n")[0]})`,
    );
  }
}
