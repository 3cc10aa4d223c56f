/**
 * Composition root of the Pulumi program: read and validate the stack config once, then build
 * what the stack's deployment is, one account and region, or an organization's management or
 * audit account; the stack's outputs are that deployment's. Invalid config stops here, before
 * any resource is registered.
 */
import { Settings, loadSettings } from "./config";
import { createAudit, createGuardrails, createManagement } from "./stack";

const DEPLOY = {
  account: createGuardrails,
  management: createManagement,
  audit: createAudit,
} satisfies Record<Settings["deployment"], (settings: Settings) => object>;

const settings = loadSettings();

export = DEPLOY[settings.deployment](settings);
