/**
 * Builds the whole program from validated settings. A pure function of its input, so tests can
 * build the stack for several configurations without fighting the module cache.
 */
import * as pulumi from "@pulumi/pulumi";
import { ConfigRecorder } from "./components";
import { PROGRAM_TAG, Settings } from "./config";

export interface GuardrailsOutputs {
  recorderName: pulumi.Output<string>;
  deliveryBucket: pulumi.Output<string | undefined>;
  recordsGlobalResources: boolean;
}

export function createGuardrails(settings: Settings): GuardrailsOutputs {
  // The program's own tag last, so a stack's tags cannot hide what manages a resource.
  const tags = { ...settings.tags, ...PROGRAM_TAG };

  const recorder = new ConfigRecorder("config", {
    create: settings.recorder.create,
    recorderName: settings.recorder.name,
    includeGlobalResources: settings.recorder.includeGlobalResources,
    tags,
  });

  return {
    recorderName: recorder.recorderName,
    deliveryBucket: recorder.bucketName,
    recordsGlobalResources: recorder.recordsGlobalResources,
  };
}
