// `platform/network` in the simulator: the broker and device id Node was given (`mote sim
// --broker`, `attachNetwork`), the simulator's ECMA-419 MQTT client, and the device's wall clock
// (Unix ms that follow the virtual clock, warped or not).
import type { NetConfig } from "platform/network";
import MQTTClient from 'embedded:network/mqtt/client';

let attached: boolean | undefined;

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
    return sim.ask({ op: 'net.time' }).epoch;
  },
});
