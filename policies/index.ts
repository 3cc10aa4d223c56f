/**
 * Entry point the Pulumi CLI runs (`pulumi preview --policy-pack policies`). Constructing the
 * PolicyPack starts the analyzer's gRPC server and prints its port, so nothing else lives here.
 */
import { PolicyPack } from "@pulumi/policy";
import { PACK_ARGS, PACK_NAME } from "./pack";

new PolicyPack(PACK_NAME, PACK_ARGS);
