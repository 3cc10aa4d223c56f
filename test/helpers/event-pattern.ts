/**
 * EventBridge's matching of a pattern against an event, for the forms this program uses: each
 * pattern leaf is a list of allowed values (a value; `{ prefix }`, a string starting with it;
 * `{ "equals-ignore-case" }`, that string in any case; `{ exists }`, whether the field is
 * there), each object a nested match.
 */
export function matchesPattern(pattern: unknown, event: unknown): boolean {
  if (Array.isArray(pattern)) {
    // A list in the event matches when any of its values does.
    const values = Array.isArray(event) ? (event as unknown[]) : [event];
    return values.some((value) => pattern.some((allowed) => matchesValue(allowed, value)));
  }
  if (pattern && typeof pattern === "object") {
    if (!event || typeof event !== "object") return false;
    return Object.entries(pattern).every(([key, inner]) =>
      matchesPattern(inner, (event as Record<string, unknown>)[key]),
    );
  }
  return false;
}

function matchesValue(allowed: unknown, value: unknown): boolean {
  if (allowed && typeof allowed === "object") {
    const entries = Object.entries(allowed);
    const [operator, operand] = entries[0] ?? [];
    if (entries.length !== 1)
      throw new Error(`unsupported pattern leaf ${JSON.stringify(allowed)}`);
    if (operator === "prefix" && typeof operand === "string") {
      return typeof value === "string" && value.startsWith(operand);
    }
    if (operator === "equals-ignore-case" && typeof operand === "string") {
      return typeof value === "string" && value.toLowerCase() === operand.toLowerCase();
    }
    if (operator === "exists" && typeof operand === "boolean") {
      return (value !== undefined) === operand;
    }
    throw new Error(`unsupported pattern leaf ${JSON.stringify(allowed)}`);
  }
  return allowed === value;
}
