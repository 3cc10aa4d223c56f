/**
 * Composition root of the Pulumi program: read and validate the stack config once, then build.
 * Invalid config stops here, before any resource is registered.
 */
import { loadSettings } from "./config";
import { createGuardrails } from "./stack";

const outputs = createGuardrails(loadSettings());

export const recorderName = outputs.recorderName;
export const deliveryBucket = outputs.deliveryBucket;
export const recordsGlobalResources = outputs.recordsGlobalResources;
export const rules = outputs.rules;
export const notificationTopic = outputs.notificationTopic;
