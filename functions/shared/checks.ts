/**
 * The validation kit: one check per kind of value (a whole number in a range, a choice, an IAM
 * name, a port range, a list of them), one error shape naming where the value was, what it was
 * and the accepted form. The stack settings, the policy pack's settings and the Lambdas' reading
 * of their parameters all use these checks, so a name IAM accepts is accepted everywhere and a
 * problem reads the same wherever it is found.
 *
 * Plain functions and objects, no classes: this module is serialized into Lambdas.
 */
import { userNameKey } from "../rules/iam-names";
import { PORT_RANGE_FORM, PortRange, isPortRangeError, parsePortRange } from "../rules/ports";

/** One reason a value fails its check; `path` points below the checked value, e.g. `[1]`. */
export interface Flaw {
  path: string;
  value: unknown;
  reason?: string;
}

export interface InvalidValue extends Error {
  name: "InvalidValue";
  /** The accepted form, e.g. "a whole number from 1 to 3650". */
  form: string;
  flaws: Flaw[];
}

/** A value failed its check. Without `flaws`, the value itself is the one flaw. */
export function invalidValue(
  form: string,
  reason?: string,
  flaws?: Flaw[],
  value?: unknown,
): InvalidValue {
  const what = flaws
    ? flaws.map((flaw) => `${flaw.path}: ${JSON.stringify(flaw.value)} is invalid`).join("; ")
    : reason;
  return Object.assign(new Error(what ? `${what}; expected ${form}` : `expected ${form}`), {
    name: "InvalidValue" as const,
    form,
    flaws: flaws ?? [{ path: "", value, reason }],
  });
}

export function isInvalidValue(error: unknown): error is InvalidValue {
  return error instanceof Error && error.name === "InvalidValue";
}

/** Returns the value in its checked type, or throws an InvalidValue. */
export type Check<T> = (value: unknown) => T;

/**
 * One line per flaw: `<label><path>: <value> is invalid (<reason>); expected <form>.` The label
 * says where the value was (`guardrails:exemptUsers`, `ruleParameters.exemptUsers`,
 * `environment.MODE`).
 */
export function describeInvalid(label: string, value: unknown, error: InvalidValue): string[] {
  return error.flaws.map((flaw) => {
    const shown = flaw.path ? flaw.value : value;
    const what = shown === undefined ? "missing" : `${JSON.stringify(shown)} is invalid`;
    const reason = flaw.reason ? ` (${flaw.reason})` : "";
    return `${label}${flaw.path}: ${what}${reason}; expected ${error.form}.`;
  });
}

export function wholeNumber(min: number, max: number): Check<number> {
  const form = `a whole number from ${min} to ${max}`;
  return (value) => {
    if (typeof value !== "number" || !Number.isInteger(value)) throw invalidValue(form);
    if (value < min || value > max) throw invalidValue(form, "out of range");
    return value;
  };
}

export function oneOf<T extends string>(choices: readonly T[]): Check<T> {
  const form = `one of ${choices.join(", ")}`;
  return (value) => {
    if (typeof value === "string" && (choices as readonly string[]).includes(value)) {
      return value as T;
    }
    throw invalidValue(form);
  };
}

export const trueOrFalse: Check<boolean> = (value) => {
  if (typeof value !== "boolean") throw invalidValue("true or false");
  return value;
};

export function text(pattern: RegExp, maxLength: number, form: string): Check<string> {
  return (value) => {
    if (typeof value !== "string" || value.length === 0) throw invalidValue(form);
    if (value.length > maxLength) throw invalidValue(form, `${value.length} characters`);
    if (!pattern.test(value)) throw invalidValue(form);
    return value;
  };
}

export interface ListOptions<T> {
  /** At least one item. */
  nonEmpty?: string;
  /** Items with the same key are duplicates, reported as such. */
  key?: (item: T) => string;
}

/** Checks every item, so that all bad items are reported at once. */
export function listOf<T>(
  item: Check<T>,
  itemForm: string,
  options: ListOptions<T> = {},
): Check<T[]> {
  const form = `a list, each item ${itemForm}`;
  return (value) => {
    if (!Array.isArray(value)) throw invalidValue(form);
    if (options.nonEmpty && value.length === 0) {
      throw invalidValue(`a non-empty list, each item ${itemForm}`, options.nonEmpty);
    }
    const flaws: Flaw[] = [];
    const seen = new Map<string, number>();
    const items = value.map((element: unknown, index) => {
      try {
        const checked = item(element);
        const key = options.key?.(checked);
        if (key !== undefined) {
          const first = seen.get(key);
          if (first === undefined) seen.set(key, index);
          else flaws.push({ path: `[${index}]`, value: element, reason: `the same as [${first}]` });
        }
        return checked;
      } catch (error) {
        if (!isInvalidValue(error)) throw error;
        flaws.push({ path: `[${index}]`, value: element, reason: error.flaws[0]?.reason });
        return undefined as T;
      }
    });
    if (flaws.length > 0) throw invalidValue(itemForm, undefined, flaws);
    return items;
  };
}

/** Days of an age or a threshold: at least one, at most ten years. */
export const days: Check<number> = wholeNumber(1, 3650);

export const portRange: Check<PortRange> = (value) => {
  try {
    return parsePortRange(value);
  } catch (error) {
    if (isPortRangeError(error)) throw invalidValue(PORT_RANGE_FORM, error.reason);
    throw error;
  }
};

/** IAM's name characters: letters, digits and `+=,.@_-` (a comma included). */
const IAM_NAME = /^[\w+=,.@-]+$/;

export const USER_NAME_FORM = "an IAM user name: 1-64 letters, digits or +=,.@_-";

export const iamUserName: Check<string> = text(IAM_NAME, 64, USER_NAME_FORM);
export const iamGroupName: Check<string> = text(
  IAM_NAME,
  128,
  "an IAM group name: 1-128 letters, digits or +=,.@_-",
);
export const iamPolicyName: Check<string> = text(
  IAM_NAME,
  128,
  "an IAM policy name: 1-128 letters, digits or +=,.@_-",
);
export const managedPolicyArn: Check<string> = text(
  /^arn:aws[\w-]*:iam::\d{12}:policy\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]+$/,
  2048,
  "a customer managed policy ARN, arn:<partition>:iam::<account>:policy/<name>",
);

export const iamUserNames: Check<string[]> = listOf(iamUserName, USER_NAME_FORM, {
  key: userNameKey,
});

export const AWS_REGION_FORM = "an AWS region code such as eu-west-1 or us-gov-west-1";
export const awsRegion: Check<string> = text(/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/, 32, AWS_REGION_FORM);

export const ACCOUNT_ID_FORM = 'a 12-digit AWS account id, quoted ("012345678901")';
/**
 * An account id as text: YAML reads an unquoted 012345678901 as a number, which loses the
 * leading zero, so a number is refused rather than guessed at.
 */
export const awsAccountId: Check<string> = (value) => {
  if (typeof value === "number") throw invalidValue(ACCOUNT_ID_FORM, "a number, not text");
  return text(/^\d{12}$/, 12, ACCOUNT_ID_FORM)(value);
};

export const ORGANIZATION_TARGET_FORM =
  "the organization's root (r-...) or an organizational unit (ou-...-...)";
export const organizationTarget: Check<string> = text(
  /^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[0-9a-z]{8,32})$/,
  68,
  ORGANIZATION_TARGET_FORM,
);
