/**
 * EventBridge's matching of a pattern against an event, for the forms this program uses: each
 * pattern leaf is a list of allowed values, each object a nested match.
 */
export function matchesPattern(pattern: unknown, event: unknown): boolean {
  if (Array.isArray(pattern)) return pattern.some((allowed) => allowed === event);
  if (pattern && typeof pattern === "object") {
    if (!event || typeof event !== "object") return false;
    return Object.entries(pattern).every(([key, inner]) =>
      matchesPattern(inner, (event as Record<string, unknown>)[key]),
    );
  }
  return false;
}
