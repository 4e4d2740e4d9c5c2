// Reads a TI TMP102 temperature sensor (datasheet SBOS397F, §7.5): write the pointer byte
// 0x00 to select the temperature register, then read two bytes, a 12-bit two's complement
// value left-justified, 0.0625 °C per count.
const TEMPERATURE_REGISTER = Uint8Array.of(0x00);
const CELSIUS_PER_COUNT = 0.0625;

export interface TemperatureSensor {
  sample(): { temperature: number };
  close(): void;
}

export function openTmp102(address: number): TemperatureSensor {
  const bus = device.I2C.default as { data: number; clock: number; hz: number; port?: number };
  const i2c = new device.io.I2C({ data: bus.data, clock: bus.clock, hz: bus.hz, port: bus.port, address }) as InstanceType<typeof device.io.I2C> & {
    close(): void;
  };
  const reading = new Uint8Array(2); // allocated once, reused by every sample
  return {
    sample() {
      i2c.write(TEMPERATURE_REGISTER, false);
      i2c.read(reading);
      const counts = ((reading[0] << 8) | reading[1]) >> 4;
      const signed = counts & 0x800 ? counts - 0x1000 : counts;
      return { temperature: signed * CELSIUS_PER_COUNT };
    },
    close() {
      i2c.close();
    },
  };
}
