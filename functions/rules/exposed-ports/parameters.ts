/** exposed-ports' InputParameters: the forbidden ports, as AWS's own rules write ports. */
import { boundaryCodec, portRangesField } from "../../shared/boundary";
import type { PortRange } from "../ports";

export interface ExposedPortsParameters {
  forbiddenPorts: PortRange[];
}

export const EXPOSED_PORTS_PARAMETERS = boundaryCodec<ExposedPortsParameters>("ruleParameters", {
  forbiddenPorts: { name: "forbiddenPorts", codec: portRangesField },
});
