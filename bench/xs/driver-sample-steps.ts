// Runs inside the simulator's XS machine (`mote sim run` style), on the board of
// bench/drivers.ts. Each step runs in its own timer crank so Node reads the engine's meter for
// exactly that step. For each driver: first COUNT rounds of the same I2C transfers done by hand
// (bytes only: no CRC check, no conversion, no validation), then COUNT `sample()` calls.
import Timer from "timer";
import SHT4x from "embedded:sensor/Humidity-Temperature/SHT4x";
import BME280 from "embedded:sensor/Barometer-Humidity-Temperature/BME280";
import BH1750 from "embedded:sensor/AmbientLight/BH1750";
import SCD41 from "embedded:sensor/CarbonDioxideGasSensor-Humidity-Temperature/SCD41";
import INA219 from "embedded:sensor/Current-Power-Voltage/INA219";

export const COUNT = 20;
type Raw = { write(bytes: Uint8Array, stop?: boolean): void; read(into: Uint8Array): void };
const bus = (address: number) => ({ ...device.I2C.default, io: device.io.I2C, address });
const raw = (address: number) => new device.io.I2C({ ...device.I2C.default, address } as never) as unknown as Raw;

// The SDK allows one open I2C instance per device address (as on the boards), so the hand-made
// transfers and each driver take turns on the address: each is opened and closed in a turn of its
// own (not measured), between the two measured turns.
type Sensor = { sample(): unknown; close(): void };
const sensors: Record<string, () => Sensor> = {
  sht4x: () => new SHT4x({ sensor: bus(0x44) }),
  bme280: () => new BME280({ sensor: bus(0x76) }),
  bh1750: () => new BH1750({ sensor: bus(0x23) }),
  scd41: () => new SCD41({ sensor: bus(0x62) }),
  ina219: () => new INA219({ sensor: bus(0x40) }),
};
const addresses: Record<string, number> = { sht4x: 0x44, bme280: 0x76, bh1750: 0x23, scd41: 0x62, ina219: 0x40 };
const open: { raw?: Raw & { close(): void }; sensor?: Sensor } = {};
const b1 = new Uint8Array(1), b2 = new Uint8Array(2), b3 = new Uint8Array(3), b6 = new Uint8Array(6), b8 = new Uint8Array(8), b9 = new Uint8Array(9);
const measureHigh = Uint8Array.of(0xfd), forced = Uint8Array.of(0xf2, 1, 0xf4, 0x25), status = Uint8Array.of(0xf3), data = Uint8Array.of(0xf7);
const dataReady = Uint8Array.of(0xe4, 0xb8), readMeasurement = Uint8Array.of(0xec, 0x05), startPeriodic = Uint8Array.of(0x21, 0xb1);
const pointers = [0x02, 0x01, 0x04, 0x03].map((register) => Uint8Array.of(register));
const r = () => open.raw!;

const pairs: [string, () => void][] = [
  ["sht4x", () => { r().write(measureHigh); Timer.delay(9); r().read(b6); }],
  ["bme280", () => { r().write(forced); Timer.delay(10); r().write(status, false); r().read(b1); r().write(data, false); r().read(b8); }],
  ["bh1750", () => r().read(b2)],
  // SCD41: a measurement every 5 s; the bench waits 5 s before each transfer or sample (see below).
  ["scd41", () => { r().write(dataReady); Timer.delay(1); r().read(b3); r().write(readMeasurement); Timer.delay(1); r().read(b9); }],
  ["ina219", () => { for (const pointer of pointers) { r().write(pointer, false); r().read(b2); } }],
];

// Per driver five turns, 2 ms apart: open the raw instance; COUNT transfers by hand (measured);
// close it and construct the driver; COUNT samples (measured); close the driver.
let at = 10;
for (const [name, byHand] of pairs) {
  const repeat = (f: () => void) => () => { for (let i = 0; i < COUNT; i++) { if (name === "scd41") Timer.delay(5000); f(); } };
  Timer.set(() => {
    open.raw = raw(addresses[name]) as Raw & { close(): void };
    // The SCD41 measures only once started (datasheet §3.5.1 start_periodic_measurement, 0x21b1),
    // as its driver does when constructed.
    if (name === "scd41") open.raw.write(startPeriodic);
  }, at);
  Timer.set(repeat(byHand), at + 2);
  Timer.set(() => { open.raw!.close(); open.sensor = sensors[name](); }, at + 4);
  Timer.set(repeat(() => open.sensor!.sample()), at + 6);
  Timer.set(() => open.sensor!.close(), at + 8);
  at += 10;
}
trace(`steps ${pairs.map(([name]) => name).join(" ")}\n`);
