/**
 * Per-account exceptions of an organization, as its shared functions carry them: for each
 * member account or organizational unit that the stack's `accountOverrides` names, the encoded
 * values (rule parameters, or environment variables) that differ there, and whether a
 * remediation acts there at all. Encoded at deployment with each rule's and remediation's own codec
 * from the settings that apply there, so the handler decodes them as it decodes the rest.
 */

/** What one target changes: encoded values, and whether it turns the function off or back on. */
export interface EncodedOverride {
  values: Readonly<Record<string, string>>;
  /** true: off there; false: on there (a nearer target's own mode); absent: as its parents. */
  off?: boolean;
}

/** Target (account id or `ou-...`) to what differs there. */
export type EncodedOverrides = Readonly<Record<string, EncodedOverride>>;

/** The environment variable an organization's function reads its overrides from. */
export const OVERRIDES_VARIABLE = "GUARDRAILS_ACCOUNT_OVERRIDES";

/** What differs between the stack's encoding and one target's. */
export function encodedDifference(
  base: Readonly<Record<string, string>>,
  target: Readonly<Record<string, string>>,
): Record<string, string> {
  return Object.fromEntries(Object.entries(target).filter(([name, value]) => base[name] !== value));
}

export function readOverrides(
  env: Readonly<Record<string, string | undefined>>,
): EncodedOverrides | undefined {
  const text = env[OVERRIDES_VARIABLE];
  if (text === undefined || text === "") return undefined;
  // Written by the deployment from checked settings: anything else is a broken deployment.
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new Error(`${OVERRIDES_VARIABLE} is not a map of accounts to values`);
  }
  return parsed as EncodedOverrides;
}

/** Whether applying the overrides needs the account's organizational units. */
export function namesUnits(overrides: Readonly<Record<string, unknown>>): boolean {
  return Object.keys(overrides).some((target) => target.startsWith("ou-"));
}

/**
 * The values in an account whose targets (its OUs farthest first, then the account) are given:
 * each target's values replace the stack's, except lists (exempt users), which add, once each
 * regardless of case as IAM names are; the nearest target that says whether the function acts
 * decides it.
 */
export function applyOverrides(
  base: Readonly<Record<string, string | undefined>>,
  overrides: EncodedOverrides,
  targets: readonly string[],
): Record<string, string | undefined> | "off" {
  const applied: Record<string, string | undefined> = { ...base };
  let off = false;
  for (const target of targets) {
    const override = overrides[target];
    if (override === undefined) continue;
    off = override.off ?? off;
    for (const [name, value] of Object.entries(override.values)) {
      applied[name] = merged(applied[name], value);
    }
  }
  return off ? "off" : applied;
}

function merged(current: string | undefined, value: string): string {
  const before = stringList(current);
  const added = stringList(value);
  if (!before || !added) return value;
  const seen = new Set(before.map((item) => item.toLowerCase()));
  return JSON.stringify([...before, ...added.filter((item) => !seen.has(item.toLowerCase()))]);
}

function stringList(text: string | undefined): string[] | undefined {
  if (text === undefined || !text.startsWith("[")) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) && parsed.every((item) => typeof item === "string")
      ? parsed
      : undefined;
  } catch {
    return undefined;
  }
}
