// Fleet scale: how many simulated devices one machine keeps on schedule against one broker. Each
// device runs the host on its own XS machine (one engine process), all of them driven by this one
// Node process, in real time, with a mod that reports every 10 s through the whole stack
// (mote/mqtt → outbox → session → the embedded Aedes broker → a subscriber).
//
// The fleet grows in steps, keeping the devices already running: at each step the new devices
// boot, the fleet warms up, then a window is measured. A step holds when every device delivered
// readings in the window, at least 95 % of the expected readings arrived, and no device drifted
// more than 1 s behind its own 10 s cadence. The search stops at the first step that fails (the
// ceiling lies between it and the last that held) or when the next step would not fit the time
// box (MOTE_FLEET_BUDGET_S, default 540 s, so the bench ends within 10 minutes).
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { builtInBoard } from '../simulator/boards.ts';
import { SimulatedDevice } from '../simulator/device.ts';
import { buildMod } from '../simulator/mod-build.ts';
import { PROJECT_ROOT } from '../simulator/module-map.ts';
import { attachNetwork } from '../simulator/network/index.ts';
import { startBroker } from '../tools/broker.ts';
import { unpackTelemetry } from '../tools/telemetry-envelope.ts';
import type { Figure } from './figures.ts';
import { availableBytes, sampleMachine, type MachineSample } from './fleet-probe.ts';

const PERIOD_MS = 10_000;
const WARMUP_MS = Number(process.env.MOTE_FLEET_WARMUP_MS ?? 12_000);
const WINDOW_MS = Number(process.env.MOTE_FLEET_WINDOW_MS ?? 30_000);
const MAX_DRIFT_MS = 1_000;
const STEPS = (process.env.MOTE_FLEET_STEPS ?? '50,100,200,400,700,1000,1400,2000').split(',').map(Number);
const TIME_BUDGET_MS = Number(process.env.MOTE_FLEET_BUDGET_S ?? 540) * 1000;
/** Devices booted at once (booting is CPU work in the engine: about one per core keeps both busy). */
const BOOT_PARALLEL = 4;

interface Arrival { ts: number; at: number }

export interface StepResult {
  devices: number;
  kept: boolean;
  received: number;
  expected: number;
  /** Devices with at least one reading in the window. */
  reporting: number;
  worstDriftMs: number;
  /** Wall ms to boot this step's new devices, and per device. */
  bootMs: number;
  bootPerDeviceMs: number;
  messagesPerSecond: number;
  /** PSS of the whole bench (Node + engines) per device, bytes. */
  bytesPerDevice: number;
  /** The engine processes' part of it. */
  engineBytesPerDevice: number;
  /** CPU cores busy over the window: this Node process (devices' Node side, broker) and the engines. */
  nodeCores: number;
  engineCores: number;
  load: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function judge(count: number, arrivals: Map<string, Arrival[]>, from: number, to: number) {
  const expected = count * Math.floor(WINDOW_MS / PERIOD_MS);
  let received = 0;
  let reporting = 0;
  let worstDriftMs = 0;
  for (const all of arrivals.values()) {
    const list = all.filter((arrival) => arrival.at >= from && arrival.at < to);
    if (!list.length) continue;
    reporting++;
    received += list.length;
    for (const arrival of list) worstDriftMs = Math.max(worstDriftMs, arrival.at - list[0].at - (arrival.ts - list[0].ts));
  }
  return { expected, received, reporting, worstDriftMs };
}

/** Grows one fleet through `steps`; returns every measured step (the last may be the one that failed). */
export async function searchFleet(steps = STEPS, log = (line: string) => process.stderr.write(`${line}\n`)): Promise<{ results: StepResult[]; timeBoxed: boolean; memoryBound?: string }> {
  const start = Date.now();
  const broker = await startBroker();
  const arrivals = new Map<string, Arrival[]>();
  let brokerMessages = 0;
  const consumer = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
  consumer.on('message', (topic, payload) => {
    brokerMessages++;
    const list = arrivals.get(topic.split('/')[2]) ?? [];
    for (const item of unpackTelemetry(JSON.parse(payload.toString()))) list.push({ ts: item.ts, at: Date.now() });
    arrivals.set(topic.split('/')[2], list);
  });
  await consumer.subscribeAsync('mote/v1/+/telemetry/#', { qos: 1 });
  const mod = buildMod(join(PROJECT_ROOT, 'bench/xs/fleet-reporter'));
  const devices: { device: SimulatedDevice; running: Promise<number> }[] = [];
  const results: StepResult[] = [];
  let timeBoxed = false;
  let memoryBound: string | undefined;
  const boot = async (index: number) => {
    const device = new SimulatedDevice({ board: builtInBoard(index % 2 ? 'pico-w' : 'esp32'), mods: [mod] });
    attachNetwork(device, { broker: broker.url, deviceId: `fleet-${index}` });
    await device.boot();
    devices.push({ device, running: device.runFor(Number.POSITIVE_INFINITY) });
  };
  try {
    for (const count of steps) {
      const adding = count - devices.length;
      const last = results.at(-1);
      const estimate = (last ? last.bootPerDeviceMs * 1.5 : 1_000) * adding + WARMUP_MS + WINDOW_MS;
      if (Date.now() - start + estimate > TIME_BUDGET_MS) {
        timeBoxed = true;
        log(`bench: fleet ${count} devices: not tried, it would end past the ${TIME_BUDGET_MS / 1000} s time box (about ${Math.round(estimate / 1000)} s more)`);
        break;
      }
      // The machine is shared with other work: a step whose engines would take more than 60 % of
      // the memory still available is not tried (the ceiling is then the machine's memory).
      const needed = last ? (count - devices.length) * last.bytesPerDevice : 0;
      if (needed > 0.6 * availableBytes()) {
        memoryBound = `${count} devices would need ${(needed / 2 ** 30).toFixed(1)} GiB more at ${(last!.bytesPerDevice / 2 ** 20).toFixed(1)} MiB/device, ${(availableBytes() / 2 ** 30).toFixed(1)} GiB available`;
        log(`bench: fleet ${count} devices: not tried, memory-bound: ${memoryBound}`);
        break;
      }
      const bootStart = Date.now();
      for (let next = devices.length; next < count; next += BOOT_PARALLEL) {
        await Promise.all(Array.from({ length: Math.min(BOOT_PARALLEL, count - next) }, (_, offset) => boot(next + offset)));
      }
      const bootMs = Date.now() - bootStart;
      await sleep(WARMUP_MS);
      const before: MachineSample = sampleMachine();
      const from = Date.now();
      const messagesBefore = brokerMessages;
      await sleep(WINDOW_MS);
      const to = Date.now();
      const after = sampleMachine();
      const verdict = judge(count, arrivals, from, to);
      const seconds = (to - from) / 1000;
      const result: StepResult = {
        devices: count,
        kept: verdict.reporting === count && verdict.received >= 0.95 * verdict.expected && verdict.worstDriftMs <= MAX_DRIFT_MS,
        ...verdict,
        bootMs,
        bootPerDeviceMs: Math.round(bootMs / adding),
        messagesPerSecond: (brokerMessages - messagesBefore) / seconds,
        bytesPerDevice: (after.nodeBytes + after.engineBytes) / count,
        engineBytesPerDevice: after.engineBytes / count,
        nodeCores: (after.nodeCpuMs - before.nodeCpuMs) / 1000 / seconds,
        engineCores: (after.engineCpuMs - before.engineCpuMs) / 1000 / seconds,
        load: after.load,
      };
      results.push(result);
      log(describeStep(result));
      if (!result.kept) {
        // What the silent devices were doing: their last session events and host log lines.
        const silent = devices.map(({ device }, index) => ({ device, id: `fleet-${index}` })).filter(({ id }) => !(arrivals.get(id) ?? []).some((arrival) => arrival.at >= from && arrival.at < to));
        // Every silent id (booted early or late?), then a few in detail with their MQTT session's
        // last events (a connect that timed out under load backs off up to a minute).
        log(`bench:   silent: ${silent.map(({ id }) => id).join(', ')}`);
        for (const { device, id } of silent.slice(0, 3)) {
          const net = device.logLines.filter((line) => line.tag === 'net').slice(-3).map((line) => `${line.time} ${line.text}`);
          log(`bench:   ${id} (${device.alive ? 'alive' : 'dead'}, virtual ${Math.round(device.clock.now)} ms, ${(arrivals.get(id) ?? []).length} readings ever): ${device.logLines.slice(-4).map((line) => `[${line.tag}] ${line.text}`).join(' | ')}; session: ${net.join(' | ') || 'no events'}`);
        }
        break;
      }
    }
  } finally {
    for (const { device } of devices) device.stop();
    await Promise.all(devices.map(async ({ device, running }) => {
      await running.catch(() => {});
      await device.shutdown();
    }));
    await consumer.endAsync(true);
    await broker.close();
  }
  return { results, timeBoxed, ...(memoryBound ? { memoryBound } : {}) };
}

export function describeStep(step: StepResult): string {
  const why = [
    step.reporting < step.devices ? `${step.devices - step.reporting} devices silent` : '',
    step.received < 0.95 * step.expected ? `${step.received}/${step.expected} readings` : '',
    step.worstDriftMs > MAX_DRIFT_MS ? `drift ${step.worstDriftMs} ms` : '',
  ].filter(Boolean).join(', ');
  return `bench: fleet ${step.devices} devices: ${step.kept ? 'kept' : `fell behind (${why})`}; ${step.received}/${step.expected} readings, ${step.messagesPerSecond.toFixed(1)} msg/s, worst drift ${step.worstDriftMs} ms, `
    + `boot ${step.bootPerDeviceMs} ms/device, ${(step.bytesPerDevice / 2 ** 20).toFixed(1)} MiB/device, CPU ${step.nodeCores.toFixed(2)} cores Node + ${step.engineCores.toFixed(2)} cores engines, load average ${step.load.toFixed(1)}`;
}

export async function benchFleet(): Promise<Figure[]> {
  const { results, timeBoxed, memoryBound } = await searchFleet();
  const machine = `${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB`;
  const held = results.filter((result) => result.kept);
  const first = results[0];
  if (!first) throw new Error(`fleet: no step ran on this machine (${machine}) within the ${TIME_BUDGET_MS / 1000} s time box`);
  // No step held (a machine loaded by others): the figures are the first step's, which failed.
  const best = held.at(-1) ?? first;
  const failed = results.find((result) => !result.kept);
  const end = failed ? `failed at ${failed.devices}: ${describeStep(failed).split(': ')[1].split(';')[0]}` : memoryBound ? `memory-bound (${memoryBound})` : timeBoxed ? 'time-boxed' : 'every step held';
  const loads = results.map((result) => result.load.toFixed(0)).join('/');
  return [
    { name: `simulated devices kept on a 10 s schedule by one machine (${machine}, load average ${loads}) and one Aedes broker; search ${end}`, value: best.kept ? best.devices : 0, unit: 'devices', baseline: first.devices, baselineName: 'first fleet step' },
    { name: `broker messages per second at ${best.devices} devices`, value: Number(best.messagesPerSecond.toFixed(1)), unit: 'msg/s', baseline: best.devices / (PERIOD_MS / 1000), baselineName: 'rate the fleet asks for (devices / 10 s)' },
    { name: `memory per simulated device at ${best.devices} devices (PSS of Node + engine processes; the engine's part ${(best.engineBytesPerDevice / 2 ** 20).toFixed(1)} MiB)`, value: Number((best.bytesPerDevice / 2 ** 20).toFixed(2)), unit: 'MiB', baseline: Number((first.bytesPerDevice / 2 ** 20).toFixed(2)), baselineName: `the same at ${first.devices} devices` },
    { name: `CPU cores busy at ${best.devices} devices (Node ${best.nodeCores.toFixed(2)}, engines ${best.engineCores.toFixed(2)})`, value: Number((best.nodeCores + best.engineCores).toFixed(2)), unit: 'cores', baseline: cpus().length, baselineName: 'cores of the machine' },
    { name: `boot time per device while growing to ${best.devices} devices (${BOOT_PARALLEL} at once)`, value: best.bootPerDeviceMs, unit: 'ms', baseline: first.bootPerDeviceMs, baselineName: `the same for the first ${first.devices}` },
  ];
}
