// What every I2C driver here shares (ECMA-419 Sensor Class Pattern): the `sensor` option names
// the bus the way a host provider describes it (`{ ...device.I2C.default, address }`), its `io`
// is the I2C class to open it with (for a mod, the mod's permissioned `device.io.I2C`, so the
// mod's grant still decides which addresses it may open), and errors name the chip, its address
// and what failed.

/** The I2C instance a driver holds (ECMA-419 §9.5, with Moddable's `close`). */
export interface I2CDevice {
  read(buffer: ArrayBufferView | ArrayBuffer, stop?: boolean): unknown;
  write(buffer: ArrayBufferView | ArrayBuffer, stop?: boolean): void;
  close(): void;
}

export type I2CDeviceClass = new (options: Record<string, unknown>) => I2CDevice;

/** The bus of a sensor: an I2C class and its options (`data`, `clock`, `hz`, `port`, `address`). */
export interface SensorBus {
  io: I2CDeviceClass | { new (options: never): unknown };
  data?: number;
  clock?: number;
  hz?: number;
  port?: number;
  address?: number;
}

/** The options every driver takes. */
export interface SensorOptions {
  sensor: SensorBus;
}

export function messageOf(error: unknown): string {
  return typeof error === "object" && error !== null && typeof (error as Error).message === "string" ? (error as Error).message : String(error);
}

export function hex(value: number): string {
  return `0x${value.toString(16).padStart(2, "0")}`;
}

/** Opens the sensor's I2C device; `defaults` (address, hz) yield to what `sensor` says. */
export function openSensorBus(chip: string, options: SensorOptions | undefined, defaults: { address: number; hz: number }): { io: I2CDevice; address: number } {
  const given = options?.sensor;
  // Copied once: each of the caller's properties (a getter, a Proxy trap) is read exactly once,
  // so the bus described is the bus opened (the mod's `device.io.I2C` then checks its grant).
  const sensor: SensorBus | undefined = typeof given === "object" && given !== null ? { ...given } : undefined;
  if (sensor === undefined || typeof sensor.io !== "function") {
    throw new TypeError(`${chip}: options.sensor must describe its I2C bus, e.g. new ${chip}({ sensor: { ...device.I2C.default, address: ${hex(defaults.address)} } })`);
  }
  const address = sensor.address ?? defaults.address;
  try {
    const io = new (sensor.io as I2CDeviceClass)({ ...defaults, ...sensor, address });
    return { io, address };
  } catch (error) {
    throw new Error(`${chip} at ${hex(address)}: cannot open the I2C device: ${messageOf(error)}`);
  }
}

/** An error from a chip: "SHT4x at 0x44: reading the measurement failed: <cause>". */
export function sensorError(chip: string, address: number, what: string, cause?: unknown): Error {
  return new Error(`${chip} at ${hex(address)}: ${what}${cause === undefined ? "" : `: ${messageOf(cause)}`}`);
}
