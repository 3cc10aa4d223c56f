/** The environment of remediate-exposed-ports: its mode and the rule's forbidden ports. */
import type { PortRange } from "../../rules/ports";
import { boundaryCodec, portRangesField, textField } from "../../shared/boundary";
import { oneOf } from "../../shared/checks";
import { EXPOSED_PORTS_MODES, ExposedPortsMode } from "./plan";

export interface ExposedPortsEnvironment {
  mode: ExposedPortsMode;
  forbiddenPorts: PortRange[];
}

export const EXPOSED_PORTS_ENVIRONMENT = boundaryCodec<ExposedPortsEnvironment>("environment", {
  mode: { name: "MODE", codec: textField(oneOf(EXPOSED_PORTS_MODES)) },
  forbiddenPorts: { name: "FORBIDDEN_PORTS", codec: portRangesField },
});
