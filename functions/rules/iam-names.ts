/**
 * How IAM compares user names: they are unique regardless of case, so `Ops` and `ops` cannot both
 * exist, and an exemption of `Readonly.Auditor` means the user `readonly.auditor`. Every rule,
 * remediation, the offline evaluation and the policy pack match exemptions through this.
 */

export function userNameKey(name: string): string {
  return name.toLowerCase();
}

/** A test of whether a user name is one of `names`, as IAM compares them. */
export function exemptionsOf(names: readonly string[]): (userName: string) => boolean {
  const keys = new Set(names.map(userNameKey));
  // No exemptions, as by default: no name to fold for every user.
  if (keys.size === 0) return () => false;
  return (userName) => keys.has(userNameKey(userName));
}
