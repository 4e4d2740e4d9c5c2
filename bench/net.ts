// Telemetry through the full stack: a mod's `mote/mqtt` publishes on the real XS engine → flash
// outbox → session → the simulator's MQTT client → a real TCP socket → the embedded Aedes broker,
// against a plain MQTT.js client publishing the same messages (QoS 1, same topic and payloads) to
// the same broker in the same run. Both are timed until the broker has every message.
// Also: MQTT bytes on the wire (device → broker, from the link model: fixed headers, topics,
// packet ids, payloads; TCP/IP and TLS not counted) per reading, with and without batching.
//
// Where the time goes: the XS machine is another process, and each round trip with it (an event
// Node delivers, a request the machine waits on) is a pipe exchange that on a loaded machine
// waits for a scheduler slot, while MQTT.js and Aedes share one process. Flash writes and socket
// writes are told without waiting and ride on those round trips (simulator/xs/bootstrap.js), and
// the turn's clock and the mod it enters come with the event, so a turn of readings costs the
// timer event, the PUBACK event and a collection every seventh turn or so (memory blame: the
// simulator collects after 512 KB of heap growth, so what a reading allocates sets how often).
// Measured per turn of 10 readings at load 5: the timer turn about 33,500 computrons (0.6 ms;
// 50,700 before the record CRC went table-driven, topic grants were kept and the outbox stopped
// splitting topics), about 60 KB of heap growth (100 KB before), the PUBACK turn 4,200
// computrons; XS CPU about 32 ms and Node CPU about 40 ms per 500 readings (61 and 46 before). At
// load 36 each crossing waits 2-10 ms for the other process to be scheduled.
// The figures say how many round trips a reading costs; the load average is printed with them,
// since it moves the times (not the counts).
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { builtInBoard } from '../simulator/boards.ts';
import { SimulatedDevice } from '../simulator/device.ts';
import { buildMod } from '../simulator/mod-build.ts';
import { attachNetwork, type NetworkOptions } from '../simulator/network/index.ts';
import { startBroker, type EmbeddedBroker } from '../tools/broker.ts';
import type { Figure } from './figures.ts';
import { unpackTelemetry } from '../tools/telemetry-envelope.ts';
import { crossingCounts } from '../simulator/xs-worker.ts';

// Fits the 64 KB outbox partition (about 70 bytes a record here) without dropping.
const BURST = 500;
/** Timed pairs (MQTT.js, then the XS stack) for the 10-per-turn figure; the median ratio is reported. */
const PAIRS = 3;

function modDir(main: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'mote-bench-net-'));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({
    modules: { '*': ['./main'] },
    mote: { id: 'bench', version: '1.0.0', permissions: { timers: { max: 1, minInterval: 10 }, mqtt: { publish: ['telemetry/#'], subscribe: [] } } },
  }));
  writeFileSync(join(dir, 'main.ts'), main);
  return dir;
}

/** Counts the readings the broker received from one client (batches unpacked) until `off()`. */
function tap(broker: EmbeddedBroker, clientId: string): { readings: number; messages: number; off(): void } {
  const listener = (packet: { topic: string; payload: Buffer | string }, client: { id: string } | null) => {
    if (client?.id !== clientId || !packet.topic.includes('/telemetry/')) return;
    counts.messages++;
    const body = JSON.parse(packet.payload.toString());
    counts.readings += unpackTelemetry(body).length;
  };
  const counts = { readings: 0, messages: 0, off: () => void broker.aedes.removeListener('publish', listener) };
  broker.aedes.on('publish', listener);
  return counts;
}

async function device(broker: EmbeddedBroker, main: string, network: Partial<NetworkOptions> = {}) {
  const sim = new SimulatedDevice({ board: builtInBoard('esp32'), mods: [buildMod(modDir(main))], warp: true });
  const net = attachNetwork(sim, { broker: broker.url, deviceId: 'bench', ...network });
  await sim.boot();
  await sim.runFor(500); // connected
  return { sim, net };
}

async function drive(sim: SimulatedDevice, done: () => boolean): Promise<void> {
  const start = sim.clock.now;
  while (!done()) {
    if (sim.clock.now - start > 600_000) throw new Error('bench net: the device did not deliver its readings in 10 virtual minutes');
    await sim.runFor(50);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/**
 * Counts the Node↔XS round trips while `run` runs (simulator/xs-worker.ts `crossingCounts`): events
 * Node delivers (timer, PUBACK…) and requests the machine waits on (clock, watchdog…); and the
 * requests it told without waiting (flash writes, socket writes), which ride on those.
 */
async function countingCrossings<T>(run: () => Promise<T>): Promise<{ result: T; crossings: number; told: number }> {
  const before = { ...crossingCounts };
  const result = await run();
  return { result, crossings: crossingCounts.cranks - before.cranks + crossingCounts.queries - before.queries, told: crossingCounts.told - before.told };
}

/**
 * Readings per wall second through the whole stack on XS, and Node↔XS round trips per reading.
 * The mod publishes at its message rate limit (10 per virtual second, modules/permissions/
 * rate-limit.ts): `perTurn` readings every 100 × `perTurn` virtual ms (1: one a turn, every
 * 100 ms; 10: a turn that reports ten channels once a second). Time is warped, so the spacing
 * costs no wall time and the figure is the stack's own cost per reading.
 */
export async function throughputOnXs(broker: EmbeddedBroker, perTurn: number): Promise<{ rate: number; crossings: number; told: number }> {
  const counts = tap(broker, 'bench');
  const { sim } = await device(broker, `
import Timer from "mote/timer";
import mqtt from "mote/mqtt";
let n = 0;
export default { onStart() { Timer.repeat((timer) => { for (let i = 0; i < ${perTurn}; i++) { n++; mqtt.publish("telemetry/t", { celsius: 20 + n / 1000 }); } if (n >= ${BURST}) Timer.clear(timer); }, ${100 * perTurn}); } };
`);
  try {
    const { result: rate, crossings, told } = await countingCrossings(async () => {
      const start = performance.now();
      await drive(sim, () => counts.readings >= BURST);
      return BURST / ((performance.now() - start) / 1000);
    });
    return { rate, crossings: Number((crossings / BURST).toFixed(2)), told: Number((told / BURST).toFixed(2)) };
  } finally {
    counts.off();
    await sim.shutdown();
  }
}

/** The same messages from a plain MQTT.js client. */
export async function throughputMqttJs(broker: EmbeddedBroker, clientId: string): Promise<number> {
  const counts = tap(broker, clientId);
  const client = await mqtt.connectAsync(broker.url, { clientId, reconnectPeriod: 0 });
  try {
    const start = performance.now();
    const sends: Promise<unknown>[] = [];
    for (let n = 1; n <= BURST; n++) sends.push(client.publishAsync('mote/v1/baseline/telemetry/bench/t', JSON.stringify({ seq: n, ts: Date.now(), data: { celsius: 20 + n / 1000 } }), { qos: 1 }));
    await Promise.all(sends);
    while (counts.readings < BURST) await new Promise((resolve) => setImmediate(resolve));
    return BURST / ((performance.now() - start) / 1000);
  } finally {
    counts.off();
    await client.endAsync();
  }
}

/** MQTT bytes device → broker per reading, a mod reporting every second for 10 virtual minutes. */
async function bytesPerReading(broker: EmbeddedBroker, batch: NetworkOptions['batch']): Promise<number> {
  const { sim, net } = await device(broker, `
import Timer from "mote/timer";
import mqtt from "mote/mqtt";
let n = 0;
export default { onStart() { Timer.repeat(() => { n++; mqtt.publish("telemetry/temperature", { celsius: 20 + (n % 50) / 10 }); }, 1000); } };
`, { batch });
  try {
    const before = net.link.stats.bytesUp;
    await sim.runFor(600_000);
    await sim.runFor(10_000);
    return Number(((net.link.stats.bytesUp - before) / 610).toFixed(1));
  } finally {
    await sim.shutdown();
  }
}

export async function benchNet(): Promise<Figure[]> {
  const broker = await startBroker();
  try {
    // Each XS run right after its own MQTT.js run: the load of a shared machine drifts within
    // seconds, and a ratio means something only between runs under the same load.
    const load = loadavg()[0].toFixed(1);
    // Untimed: the first run of each side also pays for JIT warm-up (the simulator's Node side
    // too: its MQTT connection, link model and request handlers are compiled on first use).
    await throughputMqttJs(broker, 'warm-up');
    await throughputOnXs(broker, 10);
    // Three pairs, the median ratio kept: on a shared 2-core machine one pair's ratio moves by
    // 2-3x between runs (each Node<->XS crossing waits for the scheduler).
    const pairs: { baseline: number; xs: Awaited<ReturnType<typeof throughputOnXs>> }[] = [];
    for (let pair = 0; pair < PAIRS; pair++) pairs.push({ baseline: await throughputMqttJs(broker, `baseline-10-${pair}`), xs: await throughputOnXs(broker, 10) });
    pairs.sort((a, b) => a.xs.rate / a.baseline - b.xs.rate / b.baseline);
    const { baseline: tenBaseline, xs: ten } = pairs[Math.floor(PAIRS / 2)];
    const oneBaseline = await throughputMqttJs(broker, 'baseline-1');
    const one = await throughputOnXs(broker, 1);
    // "Per wake": a device that wakes every 10 s and sends what it measured meanwhile.
    const unbatched = await bytesPerReading(broker, { maxItems: 1, maxBytes: 1024, lingerMs: 0 });
    const batched = await bytesPerReading(broker, { maxItems: 32, maxBytes: 1024, lingerMs: 10_000 });
    const mqttJs = (rate: number) => ({ baseline: Math.round(rate), baselineName: `plain MQTT.js client publishing the same messages to the same broker just before (load average ${load} at the start)` });
    return [
      { name: `telemetry throughput, ${BURST} QoS 1 readings, 10 per mod turn once a virtual second: mod → XS stack (flash outbox, session, TCP) → Aedes, median of ${PAIRS} pairs (goal ≥ 0.5×)`, value: Math.round(ten.rate), unit: 'readings/s', ...mqttJs(tenBaseline) },
      { name: `telemetry throughput, ${BURST} QoS 1 readings, 1 per mod turn every 100 virtual ms: mod → XS stack → Aedes`, value: Math.round(one.rate), unit: 'readings/s', ...mqttJs(oneBaseline) },
      { name: `Node↔XS round trips per reading, 10 per turn (events delivered + requests waited on; ${ten.told} told requests per reading, flash and socket writes, ride on them)`, value: ten.crossings, unit: 'round trips', baseline: one.crossings, baselineName: '1 reading per turn' },
      { name: 'MQTT bytes on the wire per reading, batched per 10 s wake', value: batched, unit: 'bytes', baseline: unbatched, baselineName: 'one message per reading (batching off)' },
    ];
  } finally {
    await broker.close();
  }
}
