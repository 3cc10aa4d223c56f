/**
 * Reading untrusted JSON (a configuration item, a snapshot entry) into the evaluators' input
 * types, refusing what is not there or not of its type: a verdict judged from a field that was
 * misread (a port given as text, a list given as an object) would be wrong at the edge, and a
 * wrong verdict is worse than none. The error names where the value was and what was expected.
 *
 * Plain functions and objects, no classes: this module is serialized into Lambdas.
 */

export interface UnreadableInput extends Error {
  name: "UnreadableInput";
  /** Where the value was, e.g. `configuration.ipPermissions[0].fromPort`. */
  path: string;
}

export function unreadable(path: string, problem: string): UnreadableInput {
  return Object.assign(new Error(`${path}: ${problem}`), {
    name: "UnreadableInput" as const,
    path,
  });
}

export function isUnreadable(error: unknown): error is UnreadableInput {
  return error instanceof Error && error.name === "UnreadableInput";
}

function shown(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** What `readObject` accepts: an object, not null and not a list. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function readObject(value: unknown, path: string): Record<string, unknown> {
  if (!isObject(value)) {
    throw unreadable(path, `${shown(value)} is not an object`);
  }
  return value;
}

/** A list; absent or null means empty, as AWS writes an empty list in items. */
export function readList(value: unknown, path: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw unreadable(path, `${shown(value)} is not a list`);
  return value;
}

export function readText(value: unknown, path: string): string {
  if (typeof value !== "string" || value === "") {
    throw unreadable(path, `${shown(value)} is not text`);
  }
  return value;
}

export function readOptionalText(value: unknown, path: string): string | undefined {
  return value === undefined || value === null ? undefined : readText(value, path);
}

/** A port as EC2 writes it: a whole number from -1 (all) to 65535, or absent. */
export function readPort(value: unknown, path: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < -1 || value > 65535) {
    throw unreadable(path, `${shown(value)} is not a port (a whole number from -1 to 65535)`);
  }
  return value;
}

/** A date as AWS writes it (ISO 8601). */
export function readDate(value: unknown, path: string): Date {
  const text = readText(value, path);
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) throw unreadable(path, `${shown(value)} is not a date`);
  return date;
}

export function readOptionalBoolean(value: unknown, path: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "boolean") throw unreadable(path, `${shown(value)} is not true or false`);
  return value;
}

export function readOptionalWholeNumber(value: unknown, path: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    throw unreadable(path, `${shown(value)} is not a whole number`);
  }
  return value;
}
