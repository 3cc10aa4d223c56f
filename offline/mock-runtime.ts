/**
 * Runs the Pulumi program in-process against Pulumi's mock runtime and records what `pulumi up`
 * would register: every resource with its type, name, parent, dependencies and inputs. Used by
 * the offline `npm start` and by the program's tests, so both see the same thing.
 */
import * as pulumi from "@pulumi/pulumi";

/** The organization the mock account belongs to. */
export const MOCK_ORGANIZATION_ID = "o-exampleorgid";

export const MOCK_ACCOUNT_ID = "123456789012";

/** One resource as the engine would receive it. */
export interface PlannedResource {
  urn: string;
  type: string;
  name: string;
  /** URN of the parent resource, if any. */
  parent?: string;
  /** URNs this resource waits for: explicit `dependsOn` and inputs taken from other resources. */
  dependencies: string[];
  inputs: Record<string, unknown>;
  custom: boolean;
  /** The URNs or alias specs it was once known by (`aliases`), as the engine receives them. */
  aliases: unknown[];
  /** The provider reference (`<urn>::<id>`) of a custom resource given an explicit provider. */
  provider?: string;
}

interface RegistrationFacts {
  urn: string;
  parent?: string;
  dependencies: string[];
  custom: boolean;
  aliases: unknown[];
}

/** The subset of the engine's RegisterResourceRequest (protobuf) read here. */
interface RegisterResourceRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getDependenciesList(): string[];
  getAliasurnsList?(): string[];
  getAliasesList?(): Array<{ toObject(): unknown }>;
}

type Callback = (error: unknown, response: { getUrn(): string } | undefined) => void;

interface MockMonitorLike {
  registerResource(request: RegisterResourceRequest, callback: Callback): Promise<void>;
}

/**
 * Mocks that answer like AWS would for one account and region, and remember what was asked.
 * Resource state echoes the inputs, plus the attributes AWS computes (ARN, generated name).
 */
export class RecordingMocks implements pulumi.runtime.Mocks {
  private readonly inputs = new Map<string, Record<string, unknown>>();
  private readonly providers = new Map<string, string>();
  private readonly facts = new Map<string, RegistrationFacts>();
  readonly calls: pulumi.runtime.MockCallArgs[] = [];

  constructor(readonly region = "us-east-1") {}

  newResource(args: pulumi.runtime.MockResourceArgs): pulumi.runtime.MockResourceResult {
    const inputs = (args.inputs ?? {}) as Record<string, unknown>;
    this.inputs.set(key(args.type, args.name), inputs);
    if (args.provider) this.providers.set(key(args.type, args.name), args.provider);
    return {
      id: args.id || physicalName(args.name),
      state: { ...computedState(args, this.region), ...inputs },
    };
  }

  call(args: pulumi.runtime.MockCallArgs): pulumi.runtime.MockCallResult {
    this.calls.push(args);
    switch (args.token) {
      case "aws:index/getCallerIdentity:getCallerIdentity":
        return {
          accountId: MOCK_ACCOUNT_ID,
          arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:user/offline`,
          userId: "AIDAOFFLINEEXAMPLE",
        };
      case "aws:index/getPartition:getPartition":
        return { partition: "aws", dnsSuffix: "amazonaws.com" };
      case "aws:organizations/getOrganization:getOrganization":
        return {
          id: MOCK_ORGANIZATION_ID,
          arn: `arn:aws:organizations::${MOCK_ACCOUNT_ID}:organization/${MOCK_ORGANIZATION_ID}`,
          masterAccountId: MOCK_ACCOUNT_ID,
        };
      case "aws:index/getRegion:getRegion":
        return { name: this.region, region: this.region };
      default:
        return {};
    }
  }

  /** Hooks into the mock monitor for what MockResourceArgs lacks: parent and dependencies. */
  observe(monitor: MockMonitorLike): void {
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (request, callback) =>
      register(request, (error, response) => {
        if (response) {
          this.facts.set(key(request.getType(), request.getName()), {
            urn: response.getUrn(),
            parent: request.getParent() || undefined,
            dependencies: request.getDependenciesList(),
            custom: request.getCustom(),
            aliases: [
              ...(request.getAliasurnsList?.() ?? []),
              ...(request.getAliasesList?.() ?? []).map((alias) => alias.toObject()),
            ],
          });
        }
        callback(error, response);
      });
  }

  /** Every registered resource, in registration order. */
  get resources(): PlannedResource[] {
    return [...this.facts.entries()].map(([resourceKey, facts]) => {
      const [type = "", name = ""] = resourceKey.split("\0");
      const provider = this.providers.get(resourceKey);
      return {
        type,
        name,
        ...facts,
        inputs: this.inputs.get(resourceKey) ?? {},
        ...(provider ? { provider } : {}),
      };
    });
  }
}

/** Like Pulumi's auto-naming: the logical name plus a random-looking suffix. */
function physicalName(logicalName: string): string {
  return `${logicalName}-0a1b2c3`;
}

function key(type: string, name: string): string {
  return `${type}\0${name}`;
}

/** What AWS would fill in: enough for outputs such as ARNs and auto-names to resolve. */
function computedState(
  args: pulumi.runtime.MockResourceArgs,
  providerRegion: string,
): Record<string, unknown> {
  const [provider, module = ""] = args.type.split(":");
  if (provider !== "aws") return {};
  const service = module.split("/")[0] ?? "";
  const name = physicalName(args.name);
  const inputs = (args.inputs ?? {}) as Record<string, unknown>;
  // A resource that names its region lives there, whatever its provider's.
  const region = typeof inputs.region === "string" ? inputs.region : providerRegion;
  const arn =
    args.type === "aws:cloudwatch/eventBus:EventBus"
      ? `arn:aws:events:${region}:${MOCK_ACCOUNT_ID}:event-bus/${typeof inputs.name === "string" ? inputs.name : name}`
      : service === "iam"
        ? // IAM ARNs end with the resource's name: the given one, else the generated one.
          `arn:aws:iam::${MOCK_ACCOUNT_ID}:${args.type.split(":")[2]?.toLowerCase()}/${iamName(args.inputs as Record<string, unknown> | undefined, name)}`
        : service === "s3"
          ? `arn:aws:s3:::${name}`
          : `arn:aws:${service}:${region}:${MOCK_ACCOUNT_ID}:${name}`;
  return { arn, name, bucket: name };
}

export interface ProgramRun {
  resources: PlannedResource[];
  outputs: Record<string, unknown>;
  mocks: RecordingMocks;
}

export interface ProgramRunOptions {
  project: string;
  stack: string;
  /** Stack config with namespaced keys ("guardrails:maxInactiveDays") and JSON-typed values. */
  config: Record<string, unknown>;
  region?: string;
}

/**
 * Runs `program` as the Pulumi engine would (inside a root Stack resource, with the stack's
 * config set) under mocks, and waits for every resource to be registered.
 */
export async function runProgram(
  program: () => unknown,
  options: ProgramRunOptions,
): Promise<ProgramRun> {
  const mocks = new RecordingMocks(options.region ?? regionOf(options.config));
  await pulumi.runtime.setMocks(mocks, options.project, options.stack, false);
  mocks.observe(pulumi.runtime.getMonitor() as unknown as MockMonitorLike);
  pulumi.runtime.setAllConfig(toPulumiConfig(options.config));

  const outputs = await pulumi.runtime.runInPulumiStack(() => Promise.resolve(program()));
  const resolved = (await resolve(outputs ?? {})) as Record<string, unknown>;
  await pulumi.runtime.disconnect();
  const resources = await Promise.all(
    mocks.resources.map(async (resource) => ({
      ...resource,
      inputs: (await resolveAssets(resource.inputs)) as Record<string, unknown>,
    })),
  );
  return { resources, outputs: resolved, mocks };
}

/** Pulumi keeps config values as strings: structured values as their JSON text. */
export function toPulumiConfig(config: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(config).map(([configKey, value]) => [
      configKey,
      typeof value === "string" ? value : JSON.stringify(value),
    ]),
  );
}

function regionOf(config: Record<string, unknown>): string {
  const region = config["aws:region"];
  return typeof region === "string" ? region : "us-east-1";
}

/** An archive input (a Lambda's code) with its files' text, as it would be uploaded. */
export interface ResolvedArchive {
  __archive: Record<string, { text?: string; path?: string }>;
}

export function isResolvedArchive(value: unknown): value is ResolvedArchive {
  return typeof value === "object" && value !== null && "__archive" in value;
}

/** Archives reach the mocks with their files still pending: wait for their contents. */
async function resolveAssets(value: unknown): Promise<unknown> {
  // isInstance narrows to `never` for plain values; test it on its own.
  const isArchive: boolean = pulumi.asset.AssetArchive.isInstance(value);
  if (isArchive) {
    const assets = (await (value as pulumi.asset.AssetArchive).assets) as Record<string, unknown>;
    const files: ResolvedArchive["__archive"] = {};
    for (const [file, asset] of Object.entries(assets)) {
      const { text, path } = asset as { text?: Promise<string>; path?: Promise<string> };
      files[file] = { text: await text, path: await path };
    }
    return { __archive: files };
  }
  if (Array.isArray(value)) return Promise.all(value.map(resolveAssets));
  if (value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    const entries = await Promise.all(
      Object.entries(value).map(async ([entryKey, entry]) => [
        entryKey,
        await resolveAssets(entry),
      ]),
    );
    return Object.fromEntries(entries);
  }
  return value;
}

async function resolve(value: unknown): Promise<unknown> {
  if (pulumi.Output.isInstance(value)) {
    return new Promise((done) => value.apply((inner) => done(inner)));
  }
  if (Array.isArray(value)) return Promise.all(value.map(resolve));
  if (value && typeof value === "object") {
    const entries = await Promise.all(
      Object.entries(value).map(async ([entryKey, entry]) => [entryKey, await resolve(entry)]),
    );
    return Object.fromEntries(entries);
  }
  return value;
}

/** The name an IAM resource was given, else its generated one. */
function iamName(inputs: Record<string, unknown> | undefined, generated: string): string {
  const given = inputs?.name;
  return typeof given === "string" ? given : generated;
}
