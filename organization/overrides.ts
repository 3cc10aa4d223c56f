/**
 * The stack's `accountOverrides` as an organization's shared functions carry them: per target,
 * what its settings change in a rule's parameters or a remediation's environment, encoded by
 * their own codecs (see functions/shared/account-overrides.ts for how they apply).
 */
import { Settings, settingsIn } from "../config";
import {
  EncodedOverrides,
  OVERRIDES_VARIABLE,
  encodedDifference,
  namesUnits,
} from "../functions/shared/account-overrides";
import { fittingEnvironment } from "../functions/shared/boundary";
import type {
  CustomRuleDefinition,
  LambdaRemediationDefinition,
  StackFacts,
} from "../functions/shared/definitions";

/** What each target changes in a custom rule's InputParameters (exempt users, today). */
export function ruleOverrides(
  rule: CustomRuleDefinition<unknown>,
  settings: Settings,
  facts: StackFacts,
): EncodedOverrides {
  const encode = (applied: Settings) => rule.parameters.encode(rule.fromSettings(applied, facts));
  const base = encode(settings);
  return collect(settings, (target) => ({
    values: encodedDifference(base, encode(settingsIn(settings, [target]))),
  }));
}

/** What each target changes in a remediation's environment, and whether it acts there. */
export function remediationOverrides(
  remediation: LambdaRemediationDefinition<{ mode: string }>,
  settings: Settings,
  facts: StackFacts,
): EncodedOverrides {
  const encode = (applied: Settings) =>
    remediation.environment.encode(remediation.fromSettings(applied, facts));
  const base = encode(settings);
  return collect(settings, (target) => {
    const applied = settingsIn(settings, [target]);
    if (remediation.mode(applied) === "off") return { values: {}, off: true };
    // A target that names this remediation's mode decides it, even where it names the stack's
    // own (an account set back to report under an OU that revokes; one turned back on under an
    // OU that turned it off).
    const own = settings.accountOverrides[target] as Partial<Settings>;
    const namesMode = remediation.mode({ ...own } as Settings) !== undefined;
    const encoded = encode(applied);
    const modeVariable = remediation.environment.fields.mode.name;
    return {
      values: {
        ...encodedDifference(base, encoded),
        ...(namesMode ? { [modeVariable]: encoded[modeVariable] ?? "" } : {}),
      },
      ...(namesMode ? { off: false } : {}),
    };
  });
}

/**
 * A function's environment with these overrides (none when there are none), refused beyond
 * Lambda's 4 KB: each target's values count, and exempt users add up.
 */
export function withOverrides(
  name: string,
  variables: Readonly<Record<string, string>>,
  overrides: EncodedOverrides,
): Record<string, string> {
  return fittingEnvironment(
    `${name} with accountOverrides`,
    Object.keys(overrides).length === 0
      ? { ...variables }
      : { ...variables, [OVERRIDES_VARIABLE]: JSON.stringify(overrides) },
    " Fewer or shorter overrides fit.",
  );
}

/** The calls an organization's function makes itself for the overrides: reading OUs. */
export function overridePermissions(settings: Settings): string[] {
  return namesUnits(settings.accountOverrides) ? ["organizations:ListParents"] : [];
}

function collect(
  settings: Settings,
  overrideOf: (target: string) => EncodedOverrides[string],
): EncodedOverrides {
  const collected: Record<string, EncodedOverrides[string]> = {};
  for (const target of Object.keys(settings.accountOverrides)) {
    const override = overrideOf(target);
    if (Object.keys(override.values).length > 0 || override.off !== undefined) {
      collected[target] = override;
    }
  }
  return collected;
}
