// The fleet-scale benchmark's mod (bench/fleet.ts): one small reading every 10 seconds, the
// reporting rate the benchmark holds every simulated device to.
import Timer from "mote/timer";
import mqtt from "mote/mqtt";

let count = 0;

function report(): void {
  count++;
  mqtt.publish("telemetry/beat", { n: count });
}

export default {
  onStart(): void {
    Timer.repeat(report, 10_000);
  },
};
