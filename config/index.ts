/**
 * The stack settings: every `pulumi config` key this program reads, its default and its accepted
 * form (schema.ts), their checking (settings.ts) and their reading from the running program
 * (pulumi.ts). The code applies the defaults as well as `Pulumi.yaml`, because the CLI applies
 * them only under `pulumi up`/`preview`, not under mocks or the offline `npm start`.
 */
export * from "./schema";
export * from "./settings";
export * from "./pulumi";
