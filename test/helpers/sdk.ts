/**
 * aws-sdk-client-mock helpers: the IAM action behind every command a handler sent, so a test can
 * prove a role grants exactly the calls its handler makes.
 */
import { GenerateCredentialReportCommand, GetCredentialReportCommand } from "@aws-sdk/client-iam";
import { AwsStub, mockClient } from "aws-sdk-client-mock";

type AnyStub = AwsStub<any, any, any>;

/** `config:PutEvaluations` from a PutEvaluationsCommand sent through the `config` client. */
export function actionsCalled(stubs: Record<string, AnyStub>): string[] {
  const actions = new Set<string>();
  for (const [service, stub] of Object.entries(stubs)) {
    for (const call of stub.calls()) {
      const command = (call.args[0] as { constructor: { name: string } }).constructor.name;
      actions.add(`${service}:${command.replace(/Command$/, "")}`);
    }
  }
  return [...actions].sort();
}

/** Accumulates the actions seen across a file's tests, read by its last test. */
export class ActionLog {
  private readonly seen = new Set<string>();
  record(stubs: Record<string, AnyStub>): void {
    for (const action of actionsCalled(stubs)) this.seen.add(action);
  }
  get actions(): string[] {
    return [...this.seen].sort();
  }
}

/** A Lambda context with plenty of time left. */
export const LAMBDA_CONTEXT = { getRemainingTimeInMillis: () => 240_000 };

/** A logger that keeps the lines, so a test can assert what was logged and stay quiet. */
export function memoryLogger() {
  const lines: Array<{ level: string; message: string; fields: Record<string, unknown> }> = [];
  const log = (
    level: "INFO" | "WARN" | "ERROR",
    message: string,
    fields: Record<string, unknown> = {},
  ) => {
    lines.push({ level, message, fields });
  };
  return { log, lines };
}

/**
 * aws-sdk-client-mock stubs for a suite. `install()` (inside the `describe`) makes them before the
 * suite, resets them before each test, records each test's calls into `actions`, and restores
 * them after the suite: a stub replaces `send` for every client of its class, so it must not
 * outlive its suite.
 */
export function stubClients<Name extends string>(
  clients: Record<Name, new (...args: any[]) => any>,
): Record<Name, AnyStub> & { actions: ActionLog; install(): void } {
  const names = Object.keys(clients) as Name[];
  const stubs = {} as Record<Name, AnyStub>;
  const actions = new ActionLog();
  const install = () => {
    before(() => names.forEach((name) => (stubs[name] = mockClient(clients[name]))));
    after(() => names.forEach((name) => stubs[name].restore()));
    beforeEach(() => names.forEach((name) => stubs[name].reset()));
    afterEach(() => actions.record(Object.fromEntries(names.map((name) => [name, stubs[name]]))));
  };
  return Object.assign(stubs, { actions, install });
}

/** IAM answering that the credential report is ready, and with it (GetCredentialReport's shape). */
export function stubCredentialReport(iam: AnyStub, csv: string, generatedTime: Date): void {
  iam.on(GenerateCredentialReportCommand).resolves({ State: "COMPLETE" });
  iam.on(GetCredentialReportCommand).resolves({
    Content: new TextEncoder().encode(csv),
    ReportFormat: "text/csv",
    GeneratedTime: generatedTime,
  });
}
