/**
 * Port ranges as closed intervals. Shared by the exposed-ports evaluator, the stack settings and
 * the policy pack, so that "22", "1-1024" and 3389 mean the same thing everywhere.
 *
 * Interval arithmetic instead of expanded port lists: a rule opening 0-65535 against a forbidden
 * range 1-1024 is one comparison, not 65,536 list entries.
 */

/** A closed interval of ports, `from <= to`. */
export interface PortRange {
  readonly from: number;
  readonly to: number;
}

export const MIN_PORT = 0;
export const MAX_PORT = 65535;

/** The accepted form, quoted by every error about a port. */
export const PORT_RANGE_FORM = `a port ${MIN_PORT}-${MAX_PORT} or a range "from-to" with from <= to`;

export interface PortRangeError extends Error {
  name: "PortRangeError";
  value: unknown;
  /** What is wrong, without the accepted form (which the message adds). */
  reason: string;
}

// A factory, not a class: this code is serialized into Lambdas by Pulumi, which loses class
// fields and cannot call Error's constructor through `super`.
function portRangeError(value: unknown, reason: string): PortRangeError {
  const message = `${JSON.stringify(value)} is not a port range (${reason}); expected ${PORT_RANGE_FORM}`;
  return Object.assign(new Error(message), { name: "PortRangeError" as const, value, reason });
}

export function isPortRangeError(error: unknown): error is PortRangeError {
  return error instanceof Error && error.name === "PortRangeError";
}

const PORT_TEXT = /^\d{1,5}$/;

function parsePort(text: string, original: unknown): number {
  if (text === "") throw portRangeError(original, "empty");
  if (/^-\d+$/.test(text)) {
    throw portRangeError(original, `${text} is outside ${MIN_PORT}-${MAX_PORT}`);
  }
  if (!PORT_TEXT.test(text)) {
    throw portRangeError(original, "not a whole number");
  }
  const port = Number(text);
  if (port < MIN_PORT || port > MAX_PORT) {
    throw portRangeError(original, `${port} is outside ${MIN_PORT}-${MAX_PORT}`);
  }
  return port;
}

/** Parses `22`, `"22"` or `"1-1024"` (whitespace around the parts is ignored). */
export function parsePortRange(value: unknown): PortRange {
  if (typeof value === "number") {
    if (!Number.isInteger(value)) throw portRangeError(value, "not a whole number");
    const port = parsePort(String(value), value);
    return { from: port, to: port };
  }
  if (typeof value !== "string") throw portRangeError(value, "neither a number nor text");
  // A leading minus is a sign, not a range: "-1" is a port below 0, not "from nothing to 1".
  const parts = /^\s*-/.test(value) ? [value.trim()] : value.split("-").map((part) => part.trim());
  if (parts.length === 1) {
    const port = parsePort(parts[0] ?? "", value);
    return { from: port, to: port };
  }
  if (parts.length !== 2) throw portRangeError(value, "more than one dash");
  const from = parsePort(parts[0] ?? "", value);
  const to = parsePort(parts[1] ?? "", value);
  if (from > to) throw portRangeError(value, `${from} is greater than ${to}`);
  return { from, to };
}

/** Parses a comma-separated list such as the managed rules' `"443,1020-1025"`. */
export function parsePortList(value: string): PortRange[] {
  return value.split(",").map((item) => parsePortRange(item.trim()));
}

/** `22` or `1-1024`: the form AWS uses in rule parameters and that users write in config. */
export function formatPortRange(range: PortRange): string {
  return range.from === range.to ? String(range.from) : `${range.from}-${range.to}`;
}

/** The common part of two ranges, or undefined when they are disjoint. */
export function intersectPortRanges(a: PortRange, b: PortRange): PortRange | undefined {
  const from = Math.max(a.from, b.from);
  const to = Math.min(a.to, b.to);
  return from <= to ? { from, to } : undefined;
}

/** Whether each range starts past the end of the one before, with a port between them. */
function inOrderAndApart(ranges: readonly PortRange[]): boolean {
  for (let index = 1; index < ranges.length; index++) {
    if ((ranges[index] as PortRange).from <= (ranges[index - 1] as PortRange).to + 1) return false;
  }
  return true;
}

/** Sorts and merges overlapping or adjacent ranges, so each port is listed once. */
export function mergePortRanges(ranges: readonly PortRange[]): PortRange[] {
  // One range, as most permissions hit, or ranges already in order and apart, as the forbidden
  // ports are (the settings merge them): nothing to sort or merge.
  if (inOrderAndApart(ranges)) return [...ranges];
  const sorted = [...ranges].sort((a, b) => a.from - b.from || a.to - b.to);
  const merged: PortRange[] = [];
  for (const range of sorted) {
    const last = merged[merged.length - 1];
    if (last && range.from <= last.to + 1) {
      merged[merged.length - 1] = { from: last.from, to: Math.max(last.to, range.to) };
    } else {
      merged.push(range);
    }
  }
  return merged;
}
