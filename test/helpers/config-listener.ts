/**
 * A recording stand-in for the AWS Config API (JSON 1.1 protocol), on loopback only.
 *
 * moto accepts PutEvaluations only with TestMode, which the product never sends, so integration
 * tests point the ConfigServiceClient here instead: every request is recorded, PutEvaluations
 * accepts everything, GetResourceConfigHistory answers what the test configured, anything else
 * is a 400 with a JSON error (so an unexpected call fails loudly).
 */
import * as http from "http";
import { AddressInfo } from "net";

const HOST = "127.0.0.1";
const SERVICE = "StarlingDoveService";
const JSON_1_1 = "application/x-amz-json-1.1";

export interface RecordedRequest {
  /** The `X-Amz-Target` header, e.g. `StarlingDoveService.PutEvaluations`. */
  target: string;
  /** The operation: the target without the service prefix, e.g. `PutEvaluations`. */
  operation: string;
  /** The parsed JSON body (`undefined` when it was not JSON). */
  body: any;
  /** The body as sent. */
  rawBody: string;
  /** The access key id the request was signed with (its Authorization header's Credential). */
  accessKeyId?: string;
}

/** One Evaluation as it went over the wire (`OrderingTimestamp` in epoch seconds). */
export interface SentEvaluation {
  ComplianceResourceType: string;
  ComplianceResourceId: string;
  ComplianceType: string;
  Annotation?: string;
  OrderingTimestamp: number;
}

/** What GetResourceConfigHistory answers: a fixed body, or one computed from the request. */
export type ResourceConfigHistoryResponse = object | ((request: any) => object);

export interface ConfigListenerOptions {
  resourceConfigHistory?: ResourceConfigHistoryResponse;
}

export interface ConfigListener {
  /** `http://127.0.0.1:<port>`: give it to `ConfigServiceClient` as `endpoint`. */
  endpoint: string;
  /** Every request received, in order. */
  requests: RecordedRequest[];
  /** Every Evaluation of every PutEvaluations request, in order. */
  evaluations(): SentEvaluation[];
  /** What GetResourceConfigHistory answers from now on. */
  resourceConfigHistory: ResourceConfigHistoryResponse;
  /** Forgets the recorded requests (between tests). */
  clear(): void;
  stop(): Promise<void>;
}

function readBody(request: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.once("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.once("error", reject);
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export async function startConfigListener(
  options: ConfigListenerOptions = {},
): Promise<ConfigListener> {
  const requests: RecordedRequest[] = [];

  const server = http.createServer((request, response) => {
    const reply = (status: number, body: object) => {
      const text = JSON.stringify(body);
      response.writeHead(status, {
        "Content-Type": JSON_1_1,
        "Content-Length": Buffer.byteLength(text),
        "x-amzn-RequestId": `listener-${requests.length}`,
      });
      response.end(text);
    };
    const error = (type: string, message: string) =>
      reply(400, { __type: `com.amazonaws.starlingdove#${type}`, message });

    readBody(request)
      .then((rawBody) => {
        const target = String(request.headers["x-amz-target"] ?? "");
        const operation = target.startsWith(`${SERVICE}.`) ? target.slice(SERVICE.length + 1) : "";
        const body = parseJson(rawBody);
        const signedBy = /Credential=([^/,\s]+)\//.exec(
          String(request.headers.authorization ?? ""),
        );
        requests.push({ target, operation, body, rawBody, accessKeyId: signedBy?.[1] });
        if (request.method !== "POST" || !operation) {
          return error(
            "UnknownOperationException",
            `Expected a POST with X-Amz-Target ${SERVICE}.<Operation>, got ${request.method} ${JSON.stringify(target)}.`,
          );
        }
        if (body === undefined || typeof body !== "object" || body === null) {
          return error("SerializationException", "The body is not a JSON object.");
        }
        switch (operation) {
          case "PutEvaluations":
            return reply(200, { FailedEvaluations: [] });
          // A rule whose results Config holds none of yet: a periodic run sends everything.
          case "GetComplianceDetailsByConfigRule":
            return reply(200, { EvaluationResults: [] });
          case "GetResourceConfigHistory": {
            const configured = listener.resourceConfigHistory;
            return reply(200, typeof configured === "function" ? configured(body) : configured);
          }
          default:
            return error(
              "UnknownOperationException",
              `The test listener does not implement ${operation}.`,
            );
        }
      })
      .catch((failure: Error) => {
        // A throwing configured response (or an unreadable body): answer rather than hang.
        if (!response.headersSent) {
          reply(500, { __type: "InternalFailure", message: String(failure?.message ?? failure) });
        }
      });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, HOST, () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  const listener: ConfigListener = {
    endpoint: `http://${HOST}:${port}`,
    requests,
    resourceConfigHistory: options.resourceConfigHistory ?? { configurationItems: [] },
    evaluations: () =>
      requests
        .filter((request) => request.operation === "PutEvaluations")
        .flatMap((request) => (request.body?.Evaluations ?? []) as SentEvaluation[]),
    clear: () => {
      requests.length = 0;
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((failure) => (failure ? reject(failure) : resolve()));
      }),
  };
  return listener;
}
