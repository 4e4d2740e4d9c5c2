// Mods and checks shared by the broker scenarios (Aedes and Mosquitto).
import assert from 'node:assert/strict';
import type { MqttClient } from 'mqtt';

export const REPORTER = {
  id: 'reporter',
  permissions: { timers: { max: 1, minInterval: 100 }, mqtt: { publish: ['telemetry/#'], subscribe: [] } },
  main: `
import Timer from "mote/timer";
import mqtt from "mote/mqtt";
let n = 0;
export default { onStart() { Timer.repeat(() => { n++; mqtt.publish("telemetry/count", { n }); }, 1000); } };
`,
};

/** A mod reporting once every 10 s: the one a flooding mod must not crowd out of the outbox. */
export const QUIET = {
  id: 'quiet',
  permissions: { timers: { max: 1, minInterval: 100 }, mqtt: { publish: ['telemetry/#'], subscribe: [] } },
  main: `
import Timer from "mote/timer";
import mqtt from "mote/mqtt";
let n = 0;
export default { onStart() { Timer.repeat(() => { n++; mqtt.publish("telemetry/t", { n }); }, 10000); } };
`,
};

export const ACTUATOR = {
  id: 'actuator',
  permissions: { digital: [{ pin: 2, mode: 'output' }], mqtt: { publish: [], subscribe: ['cmd/#'] } },
  main: `
import mqtt from "mote/mqtt";
let led: any;
export default {
  onStart() {
    led = new device.io.Digital({ pin: 2, mode: device.io.Digital.Output });
    mqtt.subscribe("cmd/led", (topic: string, args: { on: boolean }) => led.write(args.on ? 1 : 0));
  },
};
`,
};

export interface Reading { topic: string; seq: number; dup: boolean; data: unknown }

/**
 * Every seq from 1 to `total` arrived; first arrivals are in seq order (per mod: one mod here);
 * a seq seen twice was marked `dup` the second time.
 */
export function assertEveryReading(got: Reading[], total: number): void {
  const seen = new Set<number>();
  let last = 0;
  for (const reading of got) {
    if (seen.has(reading.seq)) {
      assert.ok(reading.dup, `seq ${reading.seq} arrived twice without being marked as a redelivery`);
      continue;
    }
    assert.ok(reading.seq > last, `seq ${reading.seq} arrived after ${last}: out of order`);
    seen.add(reading.seq);
    last = reading.seq;
  }
  const missing = [];
  for (let seq = 1; seq <= total; seq++) if (!seen.has(seq)) missing.push(seq);
  assert.deepEqual(missing, [], 'readings lost');
}

export async function sendCommand(client: MqttClient, deviceId: string, mod: string, name: string, command: { key: string; args: unknown; expiresAt?: number }): Promise<void> {
  await client.publishAsync(`mote/v1/${deviceId}/cmd/${mod}/${name}`, JSON.stringify(command), { qos: 1 });
}
