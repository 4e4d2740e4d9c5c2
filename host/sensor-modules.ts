// The sensor drivers (drivers/) this host offers mods, under their ECMA-419 module names. A mod
// imports one (`import SHT4x from "embedded:sensor/Humidity-Temperature/SHT4x"`) and opens it on
// its own permissioned bus (`new SHT4x({ sensor: { ...device.I2C.default, address: 0x44 } })`):
// the driver opens the I2C device through the mod's `device.io.I2C`, so the mod's i2c grant
// decides which addresses it reaches and stopping the mod closes them. The classes are shared
// by every mod, so they are hardened before any mod sees them.
import SHT4x from "embedded:sensor/Humidity-Temperature/SHT4x";
import BME280 from "embedded:sensor/Barometer-Humidity-Temperature/BME280";
import BH1750 from "embedded:sensor/AmbientLight/BH1750";
import SCD41 from "embedded:sensor/CarbonDioxideGasSensor-Humidity-Temperature/SCD41";
import INA219 from "embedded:sensor/Current-Power-Voltage/INA219";
import { requirement, type ModModule } from "runtime/mod-module";

const I2C_DEVICE = requirement("i2c", '"i2c": [{ "bus": 0, "address": 68 }]', (permissions) => permissions.i2c.length > 0);

export function sensorModules(): ModModule[] {
  const drivers: Record<string, Function> = {
    "embedded:sensor/Humidity-Temperature/SHT4x": SHT4x,
    "embedded:sensor/Barometer-Humidity-Temperature/BME280": BME280,
    "embedded:sensor/AmbientLight/BH1750": BH1750,
    "embedded:sensor/CarbonDioxideGasSensor-Humidity-Temperature/SCD41": SCD41,
    "embedded:sensor/Current-Power-Voltage/INA219": INA219,
  };
  return Object.entries(drivers).map(([specifier, Driver]) => {
    const namespace = harden({ default: Driver });
    return { specifier, requires: I2C_DEVICE, make: () => namespace };
  });
}
