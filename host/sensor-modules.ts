// The sensor drivers (drivers/) this host offers mods, under their ECMA-419 module names. A mod
// imports one (`import SHT4x from "embedded:sensor/Humidity-Temperature/SHT4x"`) and opens it on
// its own permissioned bus (`new SHT4x({ sensor: { ...device.I2C.default, address: 0x44 } })`):
// the driver opens the I2C device through the mod's `device.io.I2C`, so the mod's i2c grant
// decides which addresses it reaches and stopping the mod closes them. The classes are shared
// by every mod, so they are hardened before any mod sees them.
import SHT4x from "embedded:sensor/Humidity-Temperature/SHT4x";
import type { ModModule } from "runtime/runtime";

export function sensorModules(): ModModule[] {
  const drivers: Record<string, Function> = {
    "embedded:sensor/Humidity-Temperature/SHT4x": SHT4x,
  };
  return Object.entries(drivers).map(([specifier, Driver]) => {
    const namespace = harden({ default: Driver });
    return { specifier, make: () => namespace };
  });
}
