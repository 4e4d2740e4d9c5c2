// Type-level only (never built into firmware: no manifest lists it): each driver class must be
// usable wherever typings/sensors.d.ts says a mod gets it, so the declarations mods compile
// against cannot drift from the drivers.
import type SHT4xDeclared from "embedded:sensor/Humidity-Temperature/SHT4x";
import type BME280Declared from "embedded:sensor/Barometer-Humidity-Temperature/BME280";
import type BH1750Declared from "embedded:sensor/AmbientLight/BH1750";
import type SCD41Declared from "embedded:sensor/CarbonDioxideGasSensor-Humidity-Temperature/SCD41";
import type INA219Declared from "embedded:sensor/Current-Power-Voltage/INA219";
import type SHT4x from "./sht4x/sht4x";
import type BME280 from "./bme280/bme280";
import type BH1750 from "./bh1750/bh1750";
import type SCD41 from "./scd41/scd41";
import type INA219 from "./ina219/ina219";

type Same<Declared, Actual extends Declared> = Actual;
type Constructor = abstract new (...args: never) => unknown;
/** The declared options name no option the driver does not take (and are assignable to its). */
type ParametersMatch<Declared extends Constructor, Actual extends Constructor> =
  ConstructorParameters<Declared> extends ConstructorParameters<Actual>
    ? [Exclude<keyof ConstructorParameters<Declared>[0], keyof ConstructorParameters<Actual>[0]>] extends [never] ? true : "declares an option the driver does not take"
    : "declared options are not the driver's";

type True<T extends true> = T;

export type Checks = [
  Same<typeof SHT4xDeclared, typeof SHT4x>, Same<SHT4xDeclared, SHT4x>, True<ParametersMatch<typeof SHT4xDeclared, typeof SHT4x>>,
  Same<typeof BME280Declared, typeof BME280>, Same<BME280Declared, BME280>, True<ParametersMatch<typeof BME280Declared, typeof BME280>>,
  Same<typeof BH1750Declared, typeof BH1750>, Same<BH1750Declared, BH1750>, True<ParametersMatch<typeof BH1750Declared, typeof BH1750>>,
  Same<typeof SCD41Declared, typeof SCD41>, Same<SCD41Declared, SCD41>, True<ParametersMatch<typeof SCD41Declared, typeof SCD41>>,
  Same<typeof INA219Declared, typeof INA219>, Same<INA219Declared, INA219>, True<ParametersMatch<typeof INA219Declared, typeof INA219>>,
];
