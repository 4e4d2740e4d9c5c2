// `platform/network` in the simulator: the broker and device id Node was given (`mote sim
// --broker`, `attachNetwork`), the simulator's ECMA-419 MQTT client, and the device's wall clock
// (Unix ms that follow the virtual clock, warped or not; the device's RTC when it has no network).
import type { NetConfig } from "platform/network";
import MQTTClient from 'embedded:network/mqtt/client';

let attached: boolean | undefined;
type Drain = (graceMs: number | undefined, done: (report: object) => void) => void;
let drain: Drain | undefined;

// Node's clean shutdown (`SimulatedNetwork.drain`): the host drains its outbox, then says what is left.
sim.on('net', (event: { event: string; graceMs?: number }) => {
  if (event.event !== 'drain') return;
  const report = (value: object) => sim.ask({ op: 'net.drained', report: value });
  if (drain) drain(event.graceMs, report);
  else report({ left: 0, ms: 0, session: false });
});

export default harden({
  config(): NetConfig | undefined {
    if (attached === false) return undefined;
    try {
      const config: NetConfig = sim.ask({ op: 'net.config' });
      attached = true;
      return config;
    } catch (error) {
      // A device booted without `attachNetwork` has no network (and no `net.*` requests).
      if (String((error as Error).message).indexOf('unknown request') < 0) throw error;
      attached = false;
      return undefined;
    }
  },
  mqtt(secure: boolean) {
    return secure ? { io: MQTTClient, secure: true } : { io: MQTTClient };
  },
  now(): number {
    // Without a network (no `attachNetwork`), the device's own clock, as a board's Date.now().
    if (attached === false) return sim.ask({ op: 'sleep.time' });
    try {
      return sim.ask({ op: 'net.time' }).epoch;
    } catch (error) {
      if (String((error as Error).message).indexOf('unknown request') < 0) throw error;
      attached = false;
      return sim.ask({ op: 'sleep.time' });
    }
  },
  onShutdown(callback: Drain): void {
    drain = callback;
  },
});
