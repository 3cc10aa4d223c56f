/**
 * The codecs of the two boundaries where settings become text: a Config rule's InputParameters
 * (a JSON map of strings, at most 1024 characters, read back by the Lambda as `ruleParameters`)
 * and a Lambda's environment (strings, at most 4 KB per function). Encoding and decoding sit side
 * by side and both are strict: the program encodes only checked values, and the Lambda decodes
 * with the very same checks, so what the stack config says is what the Lambda acts on.
 *
 * Lists of names travel as JSON text: IAM names may hold commas, so a comma-joined list would
 * turn the user `ops,team` into the users `ops` and `team`.
 *
 * Plain functions and objects, no classes: this module is serialized into Lambdas.
 */
import { PortRange, formatPortRange } from "../rules/ports";
import {
  Check,
  USER_NAME_FORM,
  describeInvalid,
  iamUserNames,
  invalidValue,
  isInvalidValue,
  listOf,
  portRange,
  wholeNumber,
} from "./checks";

/** AWS Config's limit on a rule's InputParameters (PutConfigRule). */
export const MAX_INPUT_PARAMETERS_LENGTH = 1024;
/** Lambda's limit on a function's environment variables, keys and values together. */
export const MAX_ENVIRONMENT_BYTES = 4096;

/** How one value is written as text and read back. */
export interface FieldCodec<T> {
  encode(value: T): string;
  /** Throws an InvalidValue naming the accepted text form. */
  decode(text: string): T;
}

/** Text as it is, checked both ways. */
export function textField<T extends string>(check: Check<T>): FieldCodec<T> {
  return { encode: (value) => check(value), decode: (text) => check(text) };
}

/** A whole number in decimal digits ("90"). */
export function integerField(check: Check<number>): FieldCodec<number> {
  return {
    encode: (value) => String(check(value)),
    decode: (text) => {
      // A sign is read, so that "-1" is reported as out of range rather than as not a number.
      return check(/^-?\d{1,10}$/.test(text) ? Number(text) : Number.NaN);
    },
  };
}

/** `true` or `false`, in lower case: AWS's managed rules read anything else as false. */
export const booleanField: FieldCodec<boolean> = {
  encode: (value) => (value ? "true" : "false"),
  decode: (text) => {
    if (text !== "true" && text !== "false") throw invalidValue('"true" or "false"');
    return text === "true";
  },
};

/** A JSON array of strings (`["ops,team","ci"]`): every character of every item survives. */
export function jsonListField<T>(check: Check<T[]>, form: string): FieldCodec<T[]> {
  return {
    encode: (value) => JSON.stringify(check(value)),
    decode: (text) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw invalidValue(`a JSON list, each item ${form}`, "not JSON");
      }
      if (!Array.isArray(parsed))
        throw invalidValue(`a JSON list, each item ${form}`, "not a list");
      return check(parsed);
    },
  };
}

const PORT_LIST_FORM = 'ports or ranges separated by commas, e.g. "22,3389,8000-8100"';
const portRanges = listOf(portRange, PORT_LIST_FORM, { nonEmpty: "empty" });

/** Port ranges as AWS's own rules write them: "22,3389,8000-8100" (no port holds a comma). */
export const portRangesField: FieldCodec<PortRange[]> = {
  encode: (value) => portRanges(value.map(formatPortRange)).map(formatPortRange).join(","),
  decode: (text) => {
    const items = text.split(",");
    if (items.some((item) => item.trim() !== item || item === "")) {
      throw invalidValue(PORT_LIST_FORM, "spaces or an empty item");
    }
    return portRanges(items);
  },
};

/** Where the text lives, for messages: `ruleParameters.exemptUsers`, `environment.MODE`. */
export type BoundarySource = "ruleParameters" | "environment";

export interface BoundaryError extends Error {
  name: "BoundaryError";
  problems: string[];
}

export function boundaryError(source: BoundarySource, problems: string[]): BoundaryError {
  return Object.assign(new Error(problems.join(" ")), {
    name: "BoundaryError" as const,
    problems,
  });
}

export function isBoundaryError(error: unknown): error is BoundaryError {
  return error instanceof Error && error.name === "BoundaryError";
}

/**
 * Each field of `T`: the name it has at the boundary and its codec. An optional field (AWS's
 * managed rules have some) is left out when undefined, and undefined when absent.
 */
export type BoundaryFields<T> = {
  [K in keyof T]-?: {
    name: string;
    codec: FieldCodec<Exclude<T[K], undefined>>;
    optional?: undefined extends T[K] ? true : never;
  };
};

export interface BoundaryCodec<T> {
  source: BoundarySource;
  fields: BoundaryFields<T>;
  /** Every field, as text. Throws an InvalidValue for a value its check refuses. */
  encode(value: T): Record<string, string>;
  /**
   * Every field from the text at the boundary; all problems at once in a BoundaryError. The
   * program always sets every field, so a missing one is a broken deployment, not a default.
   * `ruleParameters` must hold nothing else (a parameter added by hand would be ignored
   * silently); an environment holds Lambda's own variables as well.
   */
  decode(raw: Readonly<Record<string, unknown>>): T;
}

export function boundaryCodec<T>(
  source: BoundarySource,
  fields: BoundaryFields<T>,
): BoundaryCodec<T> {
  const entries = Object.entries(fields) as Array<[keyof T & string, BoundaryFields<T>[keyof T]]>;
  return {
    source,
    fields,
    encode(value) {
      return Object.fromEntries(
        entries.flatMap(([key, field]) =>
          field.optional && value[key] === undefined
            ? []
            : [[field.name, field.codec.encode(value[key] as Exclude<T[typeof key], undefined>)]],
        ),
      );
    },
    decode(raw) {
      const problems: string[] = [];
      const decoded: Record<string, unknown> = {};
      for (const [key, field] of entries) {
        const label = `${source}.${field.name}`;
        const text = raw[field.name];
        if (text === undefined && field.optional) continue;
        if (typeof text !== "string") {
          problems.push(
            text === undefined
              ? `${label}: missing; the program always sets it, so the ${source === "environment" ? "function" : "rule"} was changed outside it.`
              : `${label}: ${JSON.stringify(text)} is not text.`,
          );
          continue;
        }
        try {
          decoded[key] = field.codec.decode(text);
        } catch (error) {
          if (!isInvalidValue(error)) throw error;
          problems.push(...describeInvalid(label, text, error));
        }
      }
      if (source === "ruleParameters") {
        const known = new Set(entries.map(([, field]) => field.name));
        for (const name of Object.keys(raw)) {
          if (!known.has(name)) {
            problems.push(
              `${source}.${name}: not a parameter of this rule; it reads ${[...known].join(", ") || "none"}.`,
            );
          }
        }
      }
      if (problems.length > 0) throw boundaryError(source, problems);
      return decoded as T;
    },
  };
}

/** What every periodic custom rule reads besides its own parameters. */
export interface PeriodicParameters {
  /** Days after which a result Config holds is sent again though unchanged. */
  refreshDays: number;
}

export const REFRESH_DAYS_FIELD = {
  name: "refreshDays",
  codec: integerField(wholeNumber(1, 90)),
};

/** The exempt IAM user names, in a rule's parameters or a remediation's environment. */
export const EXEMPT_USERS_CODEC = jsonListField(iamUserNames, USER_NAME_FORM);

/** The text AWS Config stores as the rule's InputParameters. */
export function inputParametersText(parameters: Record<string, string>): string {
  return JSON.stringify(parameters);
}

/** What Lambda counts against its 4 KB: every key and value, in bytes. */
export function environmentBytes(variables: Record<string, string>): number {
  return Object.entries(variables).reduce(
    (sum, [key, value]) => sum + Buffer.byteLength(key) + Buffer.byteLength(value),
    0,
  );
}

/** The variables, refused (naming `what`, and what would help) beyond Lambda's 4 KB. */
export function fittingEnvironment(
  what: string,
  variables: Record<string, string>,
  hint = "",
): Record<string, string> {
  const bytes = environmentBytes(variables);
  if (bytes > MAX_ENVIRONMENT_BYTES) {
    throw new Error(
      `The environment of ${what} is ${bytes} bytes; Lambda accepts at most ${MAX_ENVIRONMENT_BYTES}.${hint}`,
    );
  }
  return variables;
}
