/**
 * The IAM credential report (GetCredentialReport's CSV), parsed into typed rows. One report
 * holds every user's credential use, so a rule reads it once instead of calling IAM per user.
 */
import { exemptionsOf } from "./iam-names";
import { unreadable } from "./unreadable";
import { RESOURCE_TYPES, Verdict, verdictFor } from "./verdict";

export interface CredentialReportRow {
  user: string;
  arn: string;
  userCreationTime: Date;
  passwordEnabled: boolean;
  /** An MFA device is assigned (the report's mfa_active). */
  mfaActive: boolean;
  /** undefined: no password, or never used ("N/A", "no_information"). */
  passwordLastUsed?: Date;
  accessKey1Active: boolean;
  accessKey1LastUsed?: Date;
  /** When the key was created or last rotated (the report's access_key_N_last_rotated). */
  accessKey1LastRotated?: Date;
  accessKey2Active: boolean;
  accessKey2LastUsed?: Date;
  accessKey2LastRotated?: Date;
}

/** The report's pseudo-user for the account root; it is not an IAM user resource. */
export const ROOT_ACCOUNT = "<root_account>";

const REQUIRED_COLUMNS = [
  "user",
  "arn",
  "user_creation_time",
  "password_enabled",
  "mfa_active",
  "password_last_used",
  "access_key_1_active",
  "access_key_1_last_used_date",
  "access_key_1_last_rotated",
  "access_key_2_active",
  "access_key_2_last_used_date",
  "access_key_2_last_rotated",
] as const;

/**
 * Parses the report. Rows for the root account are left out. Quoted fields follow RFC 4180 (a
 * quoted field may hold commas, and `""` is a quote); IAM itself writes names unquoted, commas
 * and all, so a row with 2k fields too many has k commas in both the user name and the ARN
 * (which ends with the name): they are joined back. Throws an UnreadableInput naming the row.
 */
export function parseCredentialReport(csv: string): CredentialReportRow[] {
  return parseCredentialReportWithRoot(csv).rows;
}

/** The account root's line of the report: what the root-user rules judge. */
export interface RootCredentials {
  arn: string;
  mfaActive: boolean;
  accessKey1Active: boolean;
  accessKey2Active: boolean;
}

/** The users' rows and, when the report has it, the root's. */
export function parseCredentialReportWithRoot(csv: string): {
  rows: CredentialReportRow[];
  root?: RootCredentials;
} {
  const lines = csv.split(/\r?\n/).filter((line) => line.trim() !== "");
  const header = lines[0] === undefined ? undefined : splitCsvLine(lines[0]);
  if (!header) throw unreadable("credential report", "empty");
  const columns = header.map((column) => column.trim());
  const missing = REQUIRED_COLUMNS.filter((column) => !columns.includes(column));
  if (missing.length > 0) {
    throw unreadable("credential report", `no columns ${missing.join(", ")}`);
  }
  const at = Object.fromEntries(
    REQUIRED_COLUMNS.map((column) => [column, columns.indexOf(column)]),
  ) as Record<(typeof REQUIRED_COLUMNS)[number], number>;
  const rows: CredentialReportRow[] = [];
  let root: RootCredentials | undefined;
  // Indexed loops and fields read by position: a report of 100,000 users is read once, by code
  // not yet optimised.
  for (let index = 1; index < lines.length; index++) {
    const line = lines[index] ?? "";
    const where = () => `credential report row ${index + 1}`;
    const split = splitCsvLine(line);
    const fields = split && rejoinNames(split, columns.length);
    if (!fields) {
      throw unreadable(where(), `${columns.length} fields expected: ${line.slice(0, 120)}`);
    }
    const user = fields[at.user] ?? "";
    const arn = fields[at.arn] ?? "";
    const isTrue = (column: number) => fields[column] === "true";
    if (user === ROOT_ACCOUNT) {
      root = {
        arn,
        mfaActive: isTrue(at.mfa_active),
        accessKey1Active: isTrue(at.access_key_1_active),
        accessKey2Active: isTrue(at.access_key_2_active),
      };
      continue;
    }
    if (!arn.endsWith(`/${user}`)) {
      throw unreadable(where(), `the ARN ${arn} is not the user ${user}'s`);
    }
    const created = reportDate(fields[at.user_creation_time] ?? "");
    if (!created) throw unreadable(where(), `no creation time for ${user}`);
    const date = (column: number) => reportDate(fields[column] ?? "");
    rows.push({
      user,
      arn,
      userCreationTime: created,
      passwordEnabled: isTrue(at.password_enabled),
      mfaActive: isTrue(at.mfa_active),
      passwordLastUsed: date(at.password_last_used),
      accessKey1Active: isTrue(at.access_key_1_active),
      accessKey1LastUsed: date(at.access_key_1_last_used_date),
      accessKey2Active: isTrue(at.access_key_2_active),
      accessKey2LastUsed: date(at.access_key_2_last_used_date),
      accessKey1LastRotated: date(at.access_key_1_last_rotated),
      accessKey2LastRotated: date(at.access_key_2_last_rotated),
    });
  }
  return root ? { rows, root } : { rows };
}

/**
 * One line's fields, RFC 4180 quoting honoured; undefined for a quote left open or text after a
 * closing quote. (IAM's fields hold no line breaks, so a record is a line.)
 */
function splitCsvLine(line: string): string[] | undefined {
  // Without quotes a line is its commas; IAM writes every line so.
  if (!line.includes('"')) return line.split(",");
  const fields: string[] = [];
  let field = "";
  let quoted = false;
  let wasQuoted = false;
  for (let index = 0; index < line.length; index++) {
    const character = line[index];
    if (quoted) {
      if (character === '"' && line[index + 1] === '"') {
        field += '"';
        index++;
      } else if (character === '"') {
        quoted = false;
      } else {
        field += character;
      }
    } else if (character === ",") {
      fields.push(field);
      field = "";
      wasQuoted = false;
    } else if (character === '"' && field === "" && !wasQuoted) {
      quoted = true;
      wasQuoted = true;
    } else if (wasQuoted) {
      return undefined;
    } else {
      field += character;
    }
  }
  if (quoted) return undefined;
  fields.push(field);
  return fields;
}

function rejoinNames(fields: string[], columns: number): string[] | undefined {
  const extra = fields.length - columns;
  if (extra === 0) return fields;
  if (extra < 0 || extra % 2 !== 0) return undefined;
  const commas = extra / 2;
  return [
    fields.slice(0, commas + 1).join(","),
    fields.slice(commas + 1, 2 * commas + 2).join(","),
    ...fields.slice(2 * commas + 2),
  ];
}

/** ISO 8601 dates; "N/A", "no_information", "not_supported" and blanks mean none. */
function reportDate(text: string): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text)) return undefined;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** The report's rows, indexed by ARN: users are matched by ARN, since names can be reused. */
export interface CredentialReport {
  rows: readonly CredentialReportRow[];
  byArn: ReadonlyMap<string, CredentialReportRow>;
  /** When IAM generated it (GetCredentialReport's GeneratedTime): users created later are new. */
  generatedTime?: Date;
  /** The root's line, where it was read (the offline evaluation's root-user rules). */
  root?: RootCredentials;
}

export function indexCredentialReport(
  rows: readonly CredentialReportRow[],
  generatedTime?: Date,
  root?: RootCredentials,
): CredentialReport {
  return {
    rows,
    byArn: new Map(rows.map((row) => [row.arn, row])),
    generatedTime,
    ...(root ? { root } : {}),
  };
}

/** An IAM user as AWS Config and ListUsers know it: Config names it by id, people by name. */
export interface ReportUser {
  userId: string;
  userName: string;
  arn: string;
  /** When IAM created the user; what tells a new user from one the report left out. */
  createDate?: Date;
}

/** The verdicts of a rule judging users from the report, and the users it could not judge. */
export interface ReportVerdicts {
  verdicts: Verdict[];
  /** Users the report should hold and does not: no verdict, never COMPLIANT by default. */
  unjudged: ReportUser[];
}

/** How a rule judges one (not exempt) user from its row; undefined: the row cannot say. */
export type ReportUserJudge = (
  user: ReportUser,
  row: CredentialReportRow | undefined,
) => Verdict | undefined;

/**
 * Every user judged from its report row, matched by ARN (names can be reused). An exempt user
 * is COMPLIANT whatever its row says, even without one; exemptions match names as IAM does.
 */
export function judgeReportUsers(
  users: Iterable<ReportUser>,
  report: CredentialReport,
  exemptUsers: readonly string[],
  judge: ReportUserJudge,
): ReportVerdicts {
  const isExempt = exemptionsOf(exemptUsers);
  const verdicts: Verdict[] = [];
  const unjudged: ReportUser[] = [];
  for (const user of users) {
    const verdict = isExempt(user.userName)
      ? verdictFor(RESOURCE_TYPES.iamUser, user.userId)(
          "COMPLIANT",
          `${user.userName} is exempt (exemptUsers).`,
        )
      : judge(user, report.byArn.get(user.arn));
    if (verdict) verdicts.push(verdict);
    else unjudged.push(user);
  }
  return { verdicts, unjudged };
}

/** A date as the annotations give it: the day, so that the text stays the same from run to run. */
export function reportDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}
