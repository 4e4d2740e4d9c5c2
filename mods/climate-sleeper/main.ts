// A battery sensor: reads a Sensirion SHT4x (I2C bus 0, 0x44) every 5 minutes through
// `mote/sampling`, reports the temperature only when it moved by more than 0.1 °C
// (send-on-delta), and publishes each wake's reports as one message. Between samples the
// device deep-sleeps; the power manager brings the radio up only when the outbox is due.
import SHT4x from "embedded:sensor/Humidity-Temperature/SHT4x";
import sampling from "mote/sampling";
import mqtt from "mote/mqtt";

const ADDRESS = 0x44;
const PERIOD_MS = 5 * 60 * 1000;
let sensor: SHT4x | undefined;

export default {
  onStart(): void {
    sensor = new SHT4x({ sensor: { ...device.I2C.default, io: device.io.I2C, address: ADDRESS } });
    sampling.declare({
      name: "temperature",
      read: () => sensor!.sample().thermometer.temperature,
      interval: PERIOD_MS,
      report: { sendOnDelta: 0.1 },
      slack: 30_000,
    });
    // Reports arrive once per wake, after all of its samples; [time (Unix ms), °C] pairs.
    sampling.onReports((reports) => {
      mqtt.publish("telemetry/temperature", reports.map((report) => [report.time, Math.round(report.value * 100) / 100]));
    });
  },
  onStop(): void {
    sensor?.close();
    sensor = undefined;
  },
};
