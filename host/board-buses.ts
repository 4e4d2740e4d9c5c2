// The I2C buses of the board, read from the host provider: `device.I2C.default` is bus 0 unless
// it names a port; further named buses (Moddable providers add some, e.g. `internal`) follow.
import type { I2CBus } from "permissions/i2c-facet";

export function boardBuses(provider: { I2C?: Record<string, unknown> }): I2CBus[] {
  const buses: I2CBus[] = [];
  for (const descriptor of Object.values(provider.I2C ?? {})) {
    const { port, data, clock, hz } = (descriptor ?? {}) as { port?: number; data?: number; clock?: number; hz?: number };
    if (typeof data !== "number" || typeof clock !== "number") continue;
    buses.push(Object.freeze({ port: typeof port === "number" ? port : buses.length, data, clock, hz: typeof hz === "number" ? hz : 100000 }));
  }
  return buses;
}
