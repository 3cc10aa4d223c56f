/**
 * EventBridge's matching of a pattern against an event, for the forms this program uses: each
 * pattern leaf is a list of allowed values (a value, or `{ prefix }` for a string starting with
 * it), each object a nested match.
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
    const { prefix, ...rest } = allowed as { prefix?: unknown };
    if (typeof prefix !== "string" || Object.keys(rest).length > 0) {
      throw new Error(`unsupported pattern leaf ${JSON.stringify(allowed)}`);
    }
    return typeof value === "string" && value.startsWith(prefix);
  }
  return allowed === value;
}
