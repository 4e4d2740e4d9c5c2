// Reads a Sensirion SHT4x on I2C bus 0 (address 0x44) every 30 seconds with the host's ECMA-419
// driver and traces temperature and humidity. A failed reading is traced and the mod goes on.
import Timer from "mote/timer";
import SHT4x from "embedded:sensor/Humidity-Temperature/SHT4x";

const ADDRESS = 0x44;
const PERIOD_MS = 30000;
let sensor: SHT4x | undefined;

function report(): void {
  if (!sensor) return;
  try {
    const { thermometer, hygrometer } = sensor.sample();
    trace(`temperature ${thermometer.temperature.toFixed(2)} C humidity ${hygrometer.humidity.toFixed(2)} %\n`);
  } catch (error) {
    trace(`no reading: ${(error as Error).message}\n`);
  }
}

export default {
  onStart(): void {
    sensor = new SHT4x({ sensor: { ...device.I2C.default, io: device.io.I2C, address: ADDRESS } });
    report();
    Timer.repeat(report, PERIOD_MS);
  },
  onStop(): void {
    sensor?.close();
    sensor = undefined;
  },
};
