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

const sht = new SHT4x({ sensor: bus(0x44) });
const bme = new BME280({ sensor: bus(0x76) });
const bh = new BH1750({ sensor: bus(0x23) });
const scd = new SCD41({ sensor: bus(0x62) });
const ina = new INA219({ sensor: bus(0x40) });
const [rawSht, rawBme, rawBh, rawScd, rawIna] = [0x44, 0x76, 0x23, 0x62, 0x40].map(raw);
const b1 = new Uint8Array(1), b2 = new Uint8Array(2), b3 = new Uint8Array(3), b6 = new Uint8Array(6), b8 = new Uint8Array(8), b9 = new Uint8Array(9);
const measureHigh = Uint8Array.of(0xfd), forced = Uint8Array.of(0xf2, 1, 0xf4, 0x25), status = Uint8Array.of(0xf3), data = Uint8Array.of(0xf7);
const dataReady = Uint8Array.of(0xe4, 0xb8), readMeasurement = Uint8Array.of(0xec, 0x05);
const pointers = [0x02, 0x01, 0x04, 0x03].map((register) => Uint8Array.of(register));

const pairs: [string, () => void, () => void][] = [
  ["sht4x", () => { rawSht.write(measureHigh); Timer.delay(9); rawSht.read(b6); }, () => sht.sample()],
  ["bme280", () => { rawBme.write(forced); Timer.delay(10); rawBme.write(status, false); rawBme.read(b1); rawBme.write(data, false); rawBme.read(b8); }, () => bme.sample()],
  ["bh1750", () => rawBh.read(b2), () => bh.sample()],
  // SCD41: a measurement every 5 s; the bench waits 5 s between its two steps (see below).
  ["scd41", () => { rawScd.write(dataReady); Timer.delay(1); rawScd.read(b3); rawScd.write(readMeasurement); Timer.delay(1); rawScd.read(b9); }, () => scd.sample()],
  ["ina219", () => { for (const pointer of pointers) { rawIna.write(pointer, false); rawIna.read(b2); } }, () => ina.sample()],
];

let at = 10;
for (const [name, byHand, sample] of pairs) {
  const repeat = (f: () => void) => () => { for (let i = 0; i < COUNT; i++) { if (name === "scd41") Timer.delay(5000); f(); } };
  Timer.set(repeat(byHand), at);
  Timer.set(repeat(sample), at + 10);
  at += 20;
}
trace(`steps ${pairs.map(([name]) => name).join(" ")}\n`);
