// Boots simulated devices on the real XS engine for tests, with mods written from inline
// sources into temporary mod folders (built exactly as `mote sim --mod` builds them).
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtInBoard, type BoardSpec } from '../../simulator/boards.ts';
import { SimulatedDevice } from '../../simulator/device.ts';
import { buildMod } from '../../simulator/mod-build.ts';

export interface InlineMod {
  id: string;
  permissions?: Record<string, unknown>;
  /** The entry module's TypeScript/JavaScript source. */
  main: string;
  /** Extra modules: name → source. */
  modules?: Record<string, string>;
  /** Overrides the whole manifest (for invalid-manifest tests). */
  manifest?: unknown;
}

const devices: SimulatedDevice[] = [];

export function writeMod(mod: InlineMod): string {
  const dir = mkdtempSync(join(tmpdir(), `mote-mod-${mod.id}-`));
  const names = ['main', ...Object.keys(mod.modules ?? {})];
  const manifest = mod.manifest ?? {
    modules: { '*': names.map((name) => `./${name}`) },
    mote: { id: mod.id, version: '1.0.0', entry: 'main', permissions: mod.permissions ?? {} },
  };
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
  writeFileSync(join(dir, 'main.ts'), mod.main);
  for (const [name, source] of Object.entries(mod.modules ?? {})) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, `${name}.ts`), source);
  }
  return dir;
}

export async function bootDevice(mods: InlineMod[], board: BoardSpec = builtInBoard('esp32')): Promise<SimulatedDevice> {
  const device = new SimulatedDevice({ board, mods: mods.map((mod) => buildMod(writeMod(mod))), warp: true });
  devices.push(device);
  await device.boot();
  return device;
}

/** Runs one module with the full provider, as `mote sim run` does. */
export async function runModule(source: string, board: BoardSpec = builtInBoard('esp32')): Promise<SimulatedDevice> {
  const dir = mkdtempSync(join(tmpdir(), 'mote-run-'));
  const file = join(dir, 'main.ts');
  writeFileSync(file, source);
  const device = new SimulatedDevice({ board, warp: true });
  devices.push(device);
  await device.run(file);
  return device;
}

export function linesOf(device: SimulatedDevice, tag: string): string[] {
  return device.logLines.filter((line) => line.tag === tag).map((line) => line.text.replace(/\n$/, ''));
}

export async function modStatus(device: SimulatedDevice, id: string) {
  const status = await device.status();
  const mod = status?.mods.find((candidate) => candidate.id === id);
  if (!mod) throw new Error(`mod ${id} not in status ${JSON.stringify(status)}`);
  return mod;
}

export function boardWith(changes: Partial<BoardSpec>, name = 'esp32'): BoardSpec {
  return { ...builtInBoard(name), ...changes };
}

afterEach(async () => {
  await Promise.all(devices.splice(0).map((device) => device.shutdown()));
});
