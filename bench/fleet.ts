// Fleet scale: how many simulated devices one machine keeps on schedule against one broker, each
// running the host on its own XS machine (one xsnap process per device) in real time with a mod
// that reports every 10 seconds through the full stack (mote/mqtt → outbox → session → broker).
//
// The fleet grows in steps. At each step every device must deliver its readings on schedule for
// a measurement window: at least 95 % of the expected readings arrive, and no device's readings
// drift more than 1 s behind its own 10 s cadence (arrival spacing against the device's own
// timestamps). The largest step that holds is the figure, with the broker's message rate there;
// the baseline is the rate the fleet asks for (devices / 10 s).
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { builtInBoard } from '../simulator/boards.ts';
import { SimulatedDevice } from '../simulator/device.ts';
import { buildMod } from '../simulator/mod-build.ts';
import { PROJECT_ROOT } from '../simulator/module-map.ts';
import { attachNetwork } from '../simulator/network/index.ts';
import { startBroker } from '../tools/broker.ts';
import type { Figure } from './figures.ts';
import { unpackTelemetry } from '../tools/telemetry-envelope.ts';

const PERIOD_MS = 10_000;
const WARMUP_MS = 10_000;
const WINDOW_MS = 30_000;
const MAX_DRIFT_MS = 1_000;
const STEPS = (process.env.MOTE_FLEET_STEPS ?? '25,50,100,200').split(',').map(Number);
/** Stop growing when the next step would take the benchmark past this wall time. */
const TIME_BUDGET_MS = 240_000;

interface Arrival { ts: number; at: number }
interface StepResult { devices: number; kept: boolean; received: number; expected: number; worstDriftMs: number; bootMs: number; messagesPerSecond: number }

async function runStep(count: number): Promise<StepResult> {
  const broker = await startBroker();
  const arrivals = new Map<string, Arrival[]>();
  const consumer = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
  let measuring = false;
  let brokerMessages = 0;
  consumer.on('message', (topic, payload) => {
    if (!measuring) return;
    brokerMessages++;
    const deviceId = topic.split('/')[2];
    const body = JSON.parse(payload.toString());
    const items = unpackTelemetry(body);
    const list = arrivals.get(deviceId) ?? [];
    for (const item of items) list.push({ ts: item.ts, at: Date.now() });
    arrivals.set(deviceId, list);
  });
  await consumer.subscribeAsync('mote/v1/+/telemetry/#', { qos: 1 });
  const mod = buildMod(join(PROJECT_ROOT, 'bench/xs/fleet-reporter'));
  const devices: { device: SimulatedDevice; running: Promise<number> }[] = [];
  const bootStart = Date.now();
  try {
    for (let index = 0; index < count; index++) {
      const device = new SimulatedDevice({ board: builtInBoard(index % 2 ? 'pico-w' : 'esp32'), mods: [mod] });
      attachNetwork(device, { broker: broker.url, deviceId: `fleet-${index}` });
      await device.boot();
      devices.push({ device, running: device.runFor(Number.POSITIVE_INFINITY) });
    }
    const bootMs = Date.now() - bootStart;
    await sleep(WARMUP_MS);
    measuring = true;
    await sleep(WINDOW_MS);
    measuring = false;
    const expected = count * Math.floor(WINDOW_MS / PERIOD_MS);
    let received = 0;
    let worstDriftMs = 0;
    for (const list of arrivals.values()) {
      received += list.length;
      for (const arrival of list) worstDriftMs = Math.max(worstDriftMs, (arrival.at - list[0].at) - (arrival.ts - list[0].ts));
    }
    const kept = received >= 0.95 * expected && worstDriftMs <= MAX_DRIFT_MS;
    return { devices: count, kept, received, expected, worstDriftMs, bootMs, messagesPerSecond: brokerMessages / (WINDOW_MS / 1000) };
  } finally {
    for (const { device } of devices) device.stop();
    await Promise.all(devices.map(async ({ device, running }) => {
      await running.catch(() => {});
      await device.shutdown();
    }));
    await consumer.endAsync(true);
    await broker.close();
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function benchFleet(): Promise<Figure[]> {
  let best: StepResult | undefined;
  const start = Date.now();
  for (const count of STEPS) {
    const result = await runStep(count);
    process.stderr.write(`bench: fleet ${count} devices: ${result.kept ? 'kept' : 'fell behind'} (${result.received}/${result.expected} readings, worst drift ${result.worstDriftMs} ms, boot ${result.bootMs} ms)\n`);
    if (!result.kept) break;
    best = result;
    // The next step boots twice the devices and measures as long again.
    if (Date.now() - start + 2 * result.bootMs + WARMUP_MS + WINDOW_MS > TIME_BUDGET_MS) break;
  }
  const machine = `${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB`;
  if (!best) throw new Error(`fleet: even ${STEPS[0]} devices fell behind on this machine (${machine})`);
  return [
    { name: `simulated devices kept on a 10 s schedule by one machine (${machine}) and one Aedes broker`, value: best.devices, unit: 'devices', baseline: STEPS[0], baselineName: 'smallest fleet step' },
    { name: `broker messages per second at ${best.devices} devices`, value: Number(best.messagesPerSecond.toFixed(1)), unit: 'msg/s', baseline: best.devices / (PERIOD_MS / 1000), baselineName: 'rate the fleet asks for (devices / 10 s)' },
    { name: `boot time of ${best.devices} devices, one after another`, value: best.bootMs, unit: 'ms', baseline: Math.round(best.bootMs / best.devices), baselineName: 'one device' },
  ];
}
