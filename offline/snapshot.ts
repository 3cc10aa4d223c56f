/**
 * A snapshot of an account: a folder of unmodified AWS CLI outputs, so a team can export its own
 * account and see what the rules would flag before deploying anything.
 *
 *   config-items.json           aws configservice select-resource-config --expression "..."
 *   credential-report.json      aws iam get-credential-report
 *   authorization-details.json  aws iam get-account-authorization-details --filter User Group
 */
import * as fs from "fs";
import * as path from "path";

export const SNAPSHOT_FILES = {
  configItems: {
    file: "config-items.json",
    expected:
      'the output of `aws configservice select-resource-config --expression "SELECT resourceId, resourceName, resourceType, configuration, configurationItemCaptureTime, configurationItemStatus WHERE resourceType IN (...)"`: {"Results": ["<JSON text>", ...]}, one page or a list of pages',
  },
  credentialReport: {
    file: "credential-report.json",
    expected:
      'the output of `aws iam get-credential-report`: {"Content": "<base64 CSV>", "GeneratedTime": ...}',
  },
  authorizationDetails: {
    file: "authorization-details.json",
    expected:
      'the output of `aws iam get-account-authorization-details --filter User Group`: {"UserDetailList": [...], "GroupDetailList": [...]}',
  },
} as const;

export interface SnapshotItem {
  resourceId: string;
  resourceName?: string | null;
  resourceType: string;
  configuration: unknown;
  configurationItemCaptureTime?: string;
  configurationItemStatus?: string;
}

export interface AuthorizationDetails {
  UserDetailList?: Array<{
    UserName?: string;
    UserId?: string;
    Arn?: string;
    CreateDate?: string;
    GroupList?: string[];
    AttachedManagedPolicies?: Array<{ PolicyName?: string; PolicyArn?: string }>;
  }>;
  GroupDetailList?: Array<{
    GroupName?: string;
    AttachedManagedPolicies?: Array<{ PolicyArn?: string }>;
  }>;
}

export interface Snapshot {
  dir: string;
  items: SnapshotItem[];
  credentialReportCsv: string;
  /** When IAM generated the report: the snapshot's "now" for ages. */
  generatedTime: Date;
  authorizationDetails: AuthorizationDetails;
}

export interface SnapshotError extends Error {
  name: "SnapshotError";
}

function snapshotError(file: string, problem: string, expected: string): SnapshotError {
  return Object.assign(new Error(`${file}: ${problem}; expected ${expected}`), {
    name: "SnapshotError" as const,
  });
}

export function isSnapshotError(error: unknown): error is SnapshotError {
  return error instanceof Error && error.name === "SnapshotError";
}

function readJson(dir: string, spec: { file: string; expected: string }): unknown {
  const file = path.join(dir, spec.file);
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    throw snapshotError(
      file,
      `cannot read it (${(error as NodeJS.ErrnoException).code})`,
      spec.expected,
    );
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw snapshotError(file, `not valid JSON (${(error as Error).message})`, spec.expected);
  }
}

export function readSnapshot(dir: string): Snapshot {
  return {
    dir,
    items: readConfigItems(dir),
    ...readCredentialReport(dir),
    authorizationDetails: readAuthorizationDetails(dir),
  };
}

/** One page, or a list of pages (several `--no-paginate` calls saved together). */
function readConfigItems(dir: string): SnapshotItem[] {
  const spec = SNAPSHOT_FILES.configItems;
  const file = path.join(dir, spec.file);
  const document = readJson(dir, spec);
  const pages = Array.isArray(document) ? document : [document];
  return pages.flatMap((page, pageIndex) => {
    const results = (page as { Results?: unknown })?.Results;
    if (!Array.isArray(results)) {
      throw snapshotError(file, `page ${pageIndex + 1} has no "Results" list`, spec.expected);
    }
    return results.map((result, index) => {
      let item: SnapshotItem;
      try {
        item = (typeof result === "string" ? JSON.parse(result) : result) as SnapshotItem;
      } catch {
        throw snapshotError(file, `Results[${index}] is not JSON text`, spec.expected);
      }
      if (!item?.resourceType || !item.resourceId) {
        throw snapshotError(
          file,
          `Results[${index}] lacks resourceType or resourceId (select them)`,
          spec.expected,
        );
      }
      return item;
    });
  });
}

function readCredentialReport(dir: string): { credentialReportCsv: string; generatedTime: Date } {
  const spec = SNAPSHOT_FILES.credentialReport;
  const file = path.join(dir, spec.file);
  const document = readJson(dir, spec) as { Content?: unknown; GeneratedTime?: unknown };
  if (typeof document?.Content !== "string")
    throw snapshotError(file, 'no "Content"', spec.expected);
  const generatedTime = new Date(String(document.GeneratedTime));
  if (Number.isNaN(generatedTime.getTime())) {
    throw snapshotError(file, '"GeneratedTime" is not a date', spec.expected);
  }
  return {
    credentialReportCsv: Buffer.from(document.Content, "base64").toString("utf8"),
    generatedTime,
  };
}

function readAuthorizationDetails(dir: string): AuthorizationDetails {
  const spec = SNAPSHOT_FILES.authorizationDetails;
  const document = readJson(dir, spec) as AuthorizationDetails;
  if (!Array.isArray(document?.UserDetailList)) {
    throw snapshotError(path.join(dir, spec.file), 'no "UserDetailList"', spec.expected);
  }
  return document;
}
