// Reads a TMP102 on I2C bus 0 (address 0x48) every 5 seconds, traces the temperature and reports
// it as telemetry (mote/v1/<device>/telemetry/thermometer/temperature, docs/topics.md).
import Timer from "mote/timer";
import mqtt from "mote/mqtt";
import { openTmp102, type TemperatureSensor } from "./tmp102";

const ADDRESS = 0x48;
const PERIOD_MS = 5000;
let sensor: TemperatureSensor | undefined;

function report(): void {
  if (!sensor) return;
  const { temperature } = sensor.sample();
  trace(`temperature ${temperature.toFixed(2)} C\n`);
  try {
    mqtt.publish("telemetry/temperature", { celsius: Math.round(temperature * 100) / 100 });
  } catch (error) {
    // A board with no broker provisioned yet (or no radio) refuses every publish: keep reading.
    trace(`not reported: ${(error as Error).message}\n`);
  }
}

export default {
  onStart(): void {
    sensor = openTmp102(ADDRESS);
    report();
    Timer.repeat(report, PERIOD_MS);
  },
  onStop(): void {
    sensor?.close();
    sensor = undefined;
  },
};
