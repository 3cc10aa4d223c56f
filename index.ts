/**
 * Composition root of the Pulumi program: read and validate the stack config once, then build
 * what the stack's deployment is, one account and region or an organization's management
 * account; the stack's outputs are that deployment's. Invalid config stops here, before any
 * resource is registered.
 */
import { loadSettings } from "./config";
import { createGuardrails, createManagement } from "./stack";

const settings = loadSettings();

export = settings.deployment === "management"
  ? createManagement(settings)
  : createGuardrails(settings);
