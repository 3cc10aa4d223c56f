/**
 * aws-sdk-client-mock helpers: the IAM action behind every command a handler sent, so a test can
 * prove a role grants exactly the calls its handler makes.
 */
import { AwsStub } from "aws-sdk-client-mock";

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
