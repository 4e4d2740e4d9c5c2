// The sensor drivers the host offers mods (drivers/README.md), as a mod built on its own
// (`mcrun`) sees them. drivers/typings-check.ts checks each driver against these declarations.

declare module "embedded:sensor/_bus" {
  /** The bus of a sensor: `{ ...device.I2C.default, io: device.io.I2C, address }`. */
  export interface SensorBus {
    io: { new (options: never): unknown };
    data?: number;
    clock?: number;
    hz?: number;
    port?: number;
    address?: number;
  }
  export interface SensorOptions {
    sensor: SensorBus;
  }
}

declare module "embedded:sensor/Humidity-Temperature/SHT4x" {
  import type { SensorOptions } from "embedded:sensor/_bus";
  export type SHT4xPrecision = "high" | "medium" | "low";
  export interface SHT4xConfiguration { precision?: SHT4xPrecision }
  export interface SHT4xOptions extends SensorOptions, SHT4xConfiguration {}
  export interface SHT4xSample { thermometer: { temperature: number }; hygrometer: { humidity: number } }
  export default class SHT4x {
    constructor(options: SHT4xOptions);
    configure(options?: SHT4xConfiguration): void;
    /** °C and %RH; throws naming the chip when the reading fails. */
    sample(): SHT4xSample;
    close(): void;
  }
}

declare module "embedded:sensor/Barometer-Humidity-Temperature/BME280" {
  import type { SensorOptions } from "embedded:sensor/_bus";
  export type BME280Oversampling = 0 | 1 | 2 | 4 | 8 | 16;
  export interface BME280Configuration {
    temperatureOversampling?: Exclude<BME280Oversampling, 0>;
    pressureOversampling?: BME280Oversampling;
    humidityOversampling?: BME280Oversampling;
    filter?: 0 | 2 | 4 | 8 | 16;
  }
  export interface BME280Options extends SensorOptions, BME280Configuration {}
  export interface BME280Sample {
    thermometer: { temperature: number };
    /** Pascals; absent when pressure is skipped. */
    barometer?: { pressure: number };
    hygrometer?: { humidity: number };
  }
  export default class BME280 {
    constructor(options: BME280Options);
    configure(options?: BME280Configuration): void;
    sample(): BME280Sample;
    close(): void;
  }
}

declare module "embedded:sensor/AmbientLight/BH1750" {
  import type { SensorOptions } from "embedded:sensor/_bus";
  export type BH1750Mode = "high" | "high2" | "low";
  export interface BH1750Configuration { mode?: BH1750Mode; sensitivity?: number }
  export interface BH1750Options extends SensorOptions, BH1750Configuration {}
  export interface BH1750Sample { illuminance: number }
  export default class BH1750 {
    constructor(options: BH1750Options);
    configure(options?: BH1750Configuration): void;
    sample(): BH1750Sample;
    close(): void;
  }
}

declare module "embedded:sensor/CarbonDioxideGasSensor-Humidity-Temperature/SCD41" {
  import type { SensorOptions } from "embedded:sensor/_bus";
  export type SCD41Mode = "periodic" | "lowPower";
  export interface SCD41Configuration { mode?: SCD41Mode; ambientPressure?: number }
  export interface SCD41Options extends SensorOptions, SCD41Configuration {}
  export interface SCD41Sample {
    carbonDioxideGasSensor: { CO2: number };
    thermometer: { temperature: number };
    hygrometer: { humidity: number };
  }
  export default class SCD41 {
    constructor(options: SCD41Options);
    configure(options?: SCD41Configuration): void;
    /** undefined when no new measurement is ready. */
    sample(): SCD41Sample | undefined;
    close(): void;
  }
}

declare module "embedded:sensor/Current-Power-Voltage/INA219" {
  import type { SensorOptions } from "embedded:sensor/_bus";
  export interface INA219Configuration { shuntOhms?: number; maxCurrent?: number; currentLsb?: number; busVoltageRange?: 16 | 32 }
  export interface INA219Options extends SensorOptions, INA219Configuration {}
  export interface INA219Sample { voltage: number; current: number; power: number; shuntVoltage: number }
  export default class INA219 {
    constructor(options: INA219Options);
    /** Returns the calibration register's value. */
    configure(options?: INA219Configuration): number;
    sample(): INA219Sample;
    close(): void;
  }
}
