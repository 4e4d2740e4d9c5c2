// What a mod's own tests use (mods/<id>/test/*.test.ts): run mods in the simulator on the real XS
// engine, in warped virtual time, and look at what they did. `mote new` scaffolds a test that
// uses it.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtInBoard, loadBoardFile, type BoardSpec } from './boards.ts';
import { SimulatedDevice } from './device.ts';
import { buildMod } from './mod-build.ts';
import { buildReport, type SimReport } from './report.ts';
import { attachNetwork } from './network/index.ts';
import { startBroker } from '../tools/broker.ts';
import { parseDuration } from '../tools/duration.ts';
import type { ModStatus } from '../modules/runtime/status.ts';

export interface SimulateOptions {
  /** Mod folders (paths or `file:` URLs, e.g. `new URL('..', import.meta.url)` from a mod's test). */
  mods: (string | URL)[];
  /** A built-in board name (`esp32`, `pico-w`), or a board file (path or `file:` URL); `esp32` by default. */
  board?: string | URL;
  /** Virtual time to run, e.g. "10s" or 10000 (ms); warped, so it takes far less wall time. */
  duration?: string | number;
}

export interface SimulatedRun extends SimReport {
  /** One mod's status; throws naming the installed mods when it is not there. */
  mod(id: string): ModStatus;
  /** The lines a mod (or `host`, `sim`) logged, without trailing newlines. */
  log(tag: string): string[];
  /** Writes to one pin, with their virtual times. */
  writesTo(pin: number): SimReport['pinWrites'];
  /** What the device published to the broker, in order (payloads parsed from JSON where they are). */
  published: { topic: string; payload: unknown }[];
  /** The readings one mod published on `telemetry/<name>` (the `data` of each, batches unpacked). */
  telemetry(mod: string, name: string): unknown[];
}

const DEVICE_ID = 'sim-test';

function parsed(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function boardOf(board: string | URL = 'esp32'): BoardSpec {
  if (board instanceof URL) return loadBoardFile(fileURLToPath(board));
  return /[\\/]|\.json$/.test(board) ? loadBoardFile(resolve(board)) : builtInBoard(board);
}

function pathOf(dir: string | URL): string {
  return dir instanceof URL ? fileURLToPath(dir) : dir;
}

/** Boots a simulated device with the mods, runs it for the duration and shuts it down. */
export async function simulate(options: SimulateOptions): Promise<SimulatedRun> {
  const durationMs = typeof options.duration === 'number' ? options.duration : parseDuration(options.duration ?? '10s');
  const device = new SimulatedDevice({ board: boardOf(options.board), mods: options.mods.map((dir) => buildMod(pathOf(dir))), warp: true });
  // A real broker in this process, so `mote/mqtt` works as on a fleet and what it sent can be checked.
  const broker = await startBroker();
  const published: SimulatedRun['published'] = [];
  broker.aedes.on('publish', (packet, client) => {
    if (client?.id === DEVICE_ID) published.push({ topic: packet.topic, payload: parsed(packet.payload.toString()) });
  });
  attachNetwork(device, { broker: broker.url, deviceId: DEVICE_ID });
  try {
    await device.boot();
    await device.runFor(durationMs);
    const report = await buildReport(device);
    const lines = [...device.logLines];
    return {
      ...report,
      mod(id) {
        const found = report.mods.find((mod) => mod.id === id);
        if (!found) throw new Error(`no mod "${id}" in the run (mods: ${report.mods.map((mod) => mod.id).join(', ') || 'none'}; refused: ${report.rejected.map((r) => r.error).join('; ') || 'none'})`);
        return found;
      },
      log: (tag) => lines.filter((line) => line.tag === tag).map((line) => line.text.replace(/\n$/, '')),
      writesTo: (pin) => report.pinWrites.filter((write) => write.pin === pin),
      published,
      telemetry(mod, name) {
        const prefix = `mote/v1/${DEVICE_ID}/telemetry/${mod}`;
        return published.flatMap(({ topic, payload }) => {
          const message = payload as { data?: unknown; batch?: { topic: string; data: unknown }[] };
          if (topic === `${prefix}/${name}`) return [message.data];
          if (topic === prefix && Array.isArray(message.batch)) return message.batch.filter((item) => item.topic === name).map((item) => item.data);
          return [];
        });
      },
    };
  } finally {
    await device.shutdown();
    await broker.close();
  }
}
