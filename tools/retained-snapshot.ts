// Reading what a broker retains (the fleet's states, configurations, offers, alerts) as a
// snapshot: subscribe, then know when the retained messages are all in. MQTT 3.1.1 marks no end
// of them (§3.3.1.3: they come after the SUBACK, as the broker finds them), and the commands used to
// wait for a fixed 300-500 ms of silence after the SUBACK: on a loaded machine a broker starved of
// CPU for that long right after its SUBACK (Aedes streams them after it) made a command see part of
// the fleet, and a configuration flag then went to too few devices or reused a version.
// Here the silence is also counted in broker round trips: a QoS 1 probe, published to a topic of
// this call's own (mote/probe/…, outside mote/v1/, empty) that the client subscribed with the
// filters, comes back through the broker's delivery queue for this client behind the retained
// messages queued before it (an UNSUBACK does not: Aedes answers it while they still wait). The
// probe is taken off the client before its 'message' listeners see it. The wait ends when a probe
// came back with no retained message arriving meanwhile and `quietMs` passed since the last. A
// starved broker delays the probe as much as the retained messages: the wait stretches with load.
import type { MqttClient } from 'mqtt';

export interface RetainedWait {
  /** Wall ms without a retained message that, with a quiet probe round trip, ends the wait (default 300). */
  quietMs?: number;
  /** Bound on the whole wait, ms (default 30 s): a broker that never answers the probe. */
  maxMs?: number;
}

/** A probe not back within this long is given up: the quiet then counts in ms only. */
const PROBE_BOUND_MS = 5_000;

let probes = 0;

/** Per client: probe topic → what to do when it comes back (installed once, then kept). */
const probeHandlers = new WeakMap<MqttClient, Map<string, () => void>>();

/** The client's probe table; its first call makes the client hand probes to it instead of emitting them. */
function probesOf(client: MqttClient): Map<string, () => void> {
  let handlers = probeHandlers.get(client);
  if (handlers) return handlers;
  const table = (handlers = new Map<string, () => void>());
  const emit = client.emit.bind(client) as (event: string | symbol, ...args: unknown[]) => boolean;
  client.emit = ((event: string | symbol, ...args: unknown[]) => {
    const onProbe = event === 'message' ? table.get(args[0] as string) : undefined;
    if (!onProbe) return emit(event, ...args);
    table.delete(args[0] as string);
    onProbe();
    return true;
  }) as MqttClient['emit'];
  probeHandlers.set(client, handlers);
  return handlers;
}

/**
 * Subscribes `client` to `filters` (QoS 1) and resolves once the broker has sent their retained
 * messages, counted as above; the caller's own 'message' listener, added before, receives them.
 */
export async function subscribeRetained(client: MqttClient, filters: string | string[], options: RetainedWait = {}): Promise<void> {
  const { quietMs = 300, maxMs = 30_000 } = options;
  const probe = `mote/probe/${client.options.clientId ?? 'operator'}-${process.pid}-${++probes}`;
  const handlers = probesOf(client);
  let retained = 0;
  let lastRetained = Date.now();
  const onMessage = (_topic: string, _payload: Buffer, packet: { retain?: boolean }) => {
    if (!packet.retain) return;
    retained++;
    lastRetained = Date.now();
  };
  client.on('message', onMessage);
  try {
    await client.subscribeAsync([...(Array.isArray(filters) ? filters : [filters]), probe], { qos: 1 });
    lastRetained = Date.now();
    const start = Date.now();
    for (;;) {
      const before = retained;
      let bound: ReturnType<typeof setTimeout> | undefined;
      const back = new Promise<boolean>((resolve) => {
        bound = setTimeout(() => resolve(false), PROBE_BOUND_MS);
        handlers.set(probe, () => resolve(true));
      });
      await client.publishAsync(probe, '', { qos: 1 });
      const cameBack = await back;
      clearTimeout(bound);
      const quietFor = Date.now() - lastRetained;
      if (retained === before && quietFor >= quietMs) return;
      if (Date.now() - start > maxMs) return;
      // Not yet quiet for long enough (on an idle machine a probe takes about a millisecond).
      if (cameBack && retained === before) await new Promise((resolve) => setTimeout(resolve, Math.min(50, quietMs - quietFor)));
    }
  } finally {
    // A probe still on its way is swallowed when it comes (its entry stays until then).
    if (handlers.has(probe)) handlers.set(probe, () => {});
    client.off('message', onMessage);
    await client.unsubscribeAsync(probe).catch(() => {});
  }
}

/**
 * One read of what the broker retains on `filters`: `onMessage` sees every message while
 * subscribeRetained waits for them all, then the filters are unsubscribed and the listener removed.
 */
export async function snapshotRetained(client: MqttClient, filters: string | string[], onMessage: (topic: string, payload: Buffer, packet: { retain?: boolean }) => void, options: RetainedWait = {}): Promise<void> {
  client.on('message', onMessage);
  try {
    await subscribeRetained(client, filters, options);
    await client.unsubscribeAsync(filters);
  } finally {
    client.off('message', onMessage);
  }
}
