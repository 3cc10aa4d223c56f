export * from "./config-recorder";
