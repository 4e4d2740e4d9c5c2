// Reading what a broker retains (the fleet's states, configurations, offers, alerts) as a
// snapshot: subscribe, then know when the retained messages are all in. MQTT 3.1.1 marks no end
// of them (§3.3.1.3: they come after the SUBACK, as the broker finds them), and the commands used to
// wait for a fixed 300-500 ms of silence after the SUBACK: on a loaded machine a broker starved of
// CPU for that long right after its SUBACK (Aedes streams them after it) made a command see part of
// the fleet, and a configuration flag then went to too few devices or reused a version.
// Here the silence is also counted in broker round trips: a QoS 1 probe to a topic of this client's
// own goes through the broker after the SUBSCRIBE; the wait ends when a probe came back with no
// retained message arriving meanwhile and `quietMs` passed since the last. A starved broker delays
// the probe as much as the retained messages, so the wait stretches with the load.
import type { MqttClient } from 'mqtt';

export interface RetainedWait {
  /** Wall ms without a retained message that, with a quiet probe round trip, ends the wait (default 300). */
  quietMs?: number;
  /** Bound on the whole wait, ms (default 30 s): a broker that never answers the probe. */
  maxMs?: number;
}

/** A probe that does not come back within this long is given up (a broker that drops it): the quiet then counts in ms only. */
const PROBE_BOUND_MS = 5_000;

let probes = 0;

/**
 * Subscribes `client` to `filters` (QoS 1) and resolves once the broker has sent their retained
 * messages, counted as above; the caller's own 'message' listener, added before, receives them.
 */
export async function subscribeRetained(client: MqttClient, filters: string | string[], options: RetainedWait = {}): Promise<void> {
  const { quietMs = 300, maxMs = 30_000 } = options;
  const probeTopic = `mote/v1/_probe/${client.options.clientId ?? 'operator'}-${process.pid}-${++probes}`;
  let retained = 0;
  let lastRetained = Date.now();
  let echoed: (() => void) | undefined;
  const onMessage = (topic: string, _payload: Buffer, packet: { retain?: boolean }) => {
    if (topic === probeTopic) return echoed?.();
    if (packet.retain) {
      retained++;
      lastRetained = Date.now();
    }
  };
  client.on('message', onMessage);
  try {
    await client.subscribeAsync([...(Array.isArray(filters) ? filters : [filters]), probeTopic], { qos: 1 });
    lastRetained = Date.now();
    const start = Date.now();
    for (;;) {
      const before = retained;
      const back = new Promise<boolean>((resolve) => {
        const bound = setTimeout(() => resolve(false), PROBE_BOUND_MS);
        echoed = () => {
          clearTimeout(bound);
          resolve(true);
        };
      });
      await client.publishAsync(probeTopic, '', { qos: 1 });
      const cameBack = await back;
      const quietFor = Date.now() - lastRetained;
      if (retained === before && quietFor >= quietMs) return;
      if (Date.now() - start > maxMs) return;
      // Not yet quiet for long enough (on an idle machine a probe takes about a millisecond).
      if (cameBack && retained === before) await new Promise((resolve) => setTimeout(resolve, Math.min(50, quietMs - quietFor)));
    }
  } finally {
    echoed = undefined;
    client.off('message', onMessage);
    await client.unsubscribeAsync(probeTopic).catch(() => {});
  }
}
