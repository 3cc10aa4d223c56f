/**
 * The IAM credential report (GetCredentialReport's CSV), parsed into typed rows. One report
 * holds every user's credential use, so a rule reads it once instead of calling IAM per user.
 */

export interface CredentialReportRow {
  user: string;
  arn: string;
  userCreationTime: Date;
  passwordEnabled: boolean;
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

export interface CredentialReportError extends Error {
  name: "CredentialReportError";
}

function credentialReportError(message: string): CredentialReportError {
  return Object.assign(new Error(message), { name: "CredentialReportError" as const });
}

const REQUIRED_COLUMNS = [
  "user",
  "arn",
  "user_creation_time",
  "password_enabled",
  "password_last_used",
  "access_key_1_active",
  "access_key_1_last_used_date",
  "access_key_1_last_rotated",
  "access_key_2_active",
  "access_key_2_last_used_date",
  "access_key_2_last_rotated",
] as const;

/**
 * Parses the report. Rows for the root account are left out. IAM names may contain commas and
 * the report does not quote them, so a row with 2k extra fields has k commas in both the user
 * name and the ARN (which ends with the name): they are joined back.
 */
export function parseCredentialReport(csv: string): CredentialReportRow[] {
  const lines = csv.split(/\r?\n/).filter((line) => line.trim() !== "");
  const header = lines[0]?.split(",").map((column) => column.trim());
  if (!header) throw credentialReportError("The credential report is empty.");
  const missing = REQUIRED_COLUMNS.filter((column) => !header.includes(column));
  if (missing.length > 0) {
    throw credentialReportError(`The credential report lacks the columns ${missing.join(", ")}.`);
  }
  const rows: CredentialReportRow[] = [];
  for (const line of lines.slice(1)) {
    const fields = rejoinNames(line.split(","), header.length);
    if (!fields) throw credentialReportError(`Unreadable credential report row: ${line}`);
    const value = (column: (typeof REQUIRED_COLUMNS)[number]) =>
      fields[header.indexOf(column)] ?? "";
    if (value("user") === ROOT_ACCOUNT) continue;
    const created = reportDate(value("user_creation_time"));
    if (!created) throw credentialReportError(`No creation time for ${value("user")}: ${line}`);
    rows.push({
      user: value("user"),
      arn: value("arn"),
      userCreationTime: created,
      passwordEnabled: value("password_enabled") === "true",
      passwordLastUsed: reportDate(value("password_last_used")),
      accessKey1Active: value("access_key_1_active") === "true",
      accessKey1LastUsed: reportDate(value("access_key_1_last_used_date")),
      accessKey2Active: value("access_key_2_active") === "true",
      accessKey2LastUsed: reportDate(value("access_key_2_last_used_date")),
      accessKey1LastRotated: reportDate(value("access_key_1_last_rotated")),
      accessKey2LastRotated: reportDate(value("access_key_2_last_rotated")),
    });
  }
  return rows;
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
}

export function indexCredentialReport(rows: readonly CredentialReportRow[]): CredentialReport {
  return { rows, byArn: new Map(rows.map((row) => [row.arn, row])) };
}
