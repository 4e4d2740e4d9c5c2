// XS heap slots and load cost per loaded mod, against a bare Compartment with a one-line module
// in the same machine and run. Heap slots are counted after a full garbage collection; load cost
// is the engine's computrons (deterministic) and the wall time of the crank (IPC included).
import { join } from 'node:path';
import { loadBoardFile } from '../simulator/boards.ts';
import { SimulatedDevice } from '../simulator/device.ts';
import { buildMod, type ModBuild } from '../simulator/mod-build.ts';
import { PROJECT_ROOT } from '../simulator/module-map.ts';
import { attachNetwork } from '../simulator/network/index.ts';
import { startBroker } from '../tools/broker.ts';
import type { Figure } from './figures.ts';

const MODS = ['blink', 'thermometer'];
// Measured after blink and thermometer, so what every mod shares (the facet classes, built once per
// runtime) is already built: these are the marginal cost of one more mod.
const INLINE_MODS: Record<string, ModBuild> = {
  bare: { manifest: { mote: { id: 'bare', version: '1.0.0', entry: 'main', permissions: {} } }, modules: { main: 'export default { onStart() {} };' } },
  'timer-only': {
    manifest: { mote: { id: 'timer-only', version: '1.0.0', entry: 'main', permissions: { timers: { max: 1, minInterval: 100 } } } },
    modules: { main: 'import Timer from "mote/timer"; export default { onStart() { Timer.repeat(() => {}, 1000); } };' },
  },
  'mqtt-only': {
    manifest: { mote: { id: 'mqtt-only', version: '1.0.0', entry: 'main', permissions: { mqtt: { publish: ['telemetry/#'], subscribe: [] } } } },
    modules: { main: 'import mqtt from "mote/mqtt"; export default { onStart() { mqtt.publish("telemetry/x", 1); } };' },
  },
};
INLINE_MODS['blink-again'] = blinkOnOtherPins();
const MEASURED = [...MODS, ...Object.keys(INLINE_MODS)];

/** blink again, as a second mod on pins 12 (LED) and 13 (button): what each further blink costs. */
function blinkOnOtherPins(): ModBuild {
  const blink = buildMod(join(PROJECT_ROOT, 'mods/blink'));
  const main = blink.modules.main.replace('const LED_PIN = 2;', 'const LED_PIN = 12;').replace('const BUTTON_PIN = 0;', 'const BUTTON_PIN = 13;');
  if (!main.includes('LED_PIN = 12;') || !main.includes('BUTTON_PIN = 13;')) throw new Error('mod-load: mods/blink/main.ts no longer declares LED_PIN = 2 and BUTTON_PIN = 0; update blinkOnOtherPins');
  const mote = (blink.manifest as { mote: Record<string, unknown> }).mote;
  const permissions = { ...(mote.permissions as object), digital: [{ pin: 12, mode: 'output' }, { pin: 13, mode: 'input' }] };
  return { manifest: { mote: { ...mote, id: 'blink-again', permissions } }, modules: { main } };
}
const BASELINE_COUNT = 20; // as in bench/xs/mod-load-steps.ts
const ROUNDS = 5;

interface Sample { heapSlots: number; computrons: number; wallMs: number }

async function measureOnce(broker: string): Promise<Sample[]> {
  const board = loadBoardFile(join(PROJECT_ROOT, 'mods/thermometer/sim-board.json'));
  const device = new SimulatedDevice({ board, mods: [...MODS.map((mod) => buildMod(join(PROJECT_ROOT, 'mods', mod))), ...Object.values(INLINE_MODS)], warp: true });
  // The thermometer reports over mote/mqtt: without a network its start is refused and a crashed
  // mod would be measured. The session is not started, so readings wait in the flash outbox.
  attachNetwork(device, { broker, deviceId: 'bench-mod-load' });
  try {
    await device.run(join(PROJECT_ROOT, 'bench/xs/mod-load-steps.ts'));
    let before = (await device.collectGarbage()).currentHeapCount;
    const samples: Sample[] = [];
    for (let step = 0; step <= MEASURED.length; step++) {
      await device.runFor(10);
      const { compute } = device.lastMeter!;
      const wallMs = device.lastCrankMs;
      const after = (await device.collectGarbage()).currentHeapCount;
      samples.push({ heapSlots: after - before, computrons: compute, wallMs });
      before = after;
    }
    if (device.uncaught.length) throw new Error(`benchmark module failed: ${device.uncaught.join('; ')}`);
    const failed = device.logLines.filter((line) => MEASURED.includes(line.tag) && /^(error in|denied|crashed)/.test(line.text));
    if (failed.length) throw new Error(`mod-load: a measured mod did not start cleanly: ${failed.map((line) => `${line.tag}: ${line.text}`).join('; ')}`);
    return samples;
  } finally {
    await device.shutdown();
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

export async function benchModLoad(): Promise<Figure[]> {
  const rounds: Sample[][] = [];
  const broker = await startBroker();
  try {
    for (let round = 0; round < ROUNDS; round++) rounds.push(await measureOnce(broker.url));
  } finally {
    await broker.close();
  }
  const at = (step: number, key: keyof Sample) => median(rounds.map((samples) => samples[step][key]));
  const base = { heapSlots: at(0, 'heapSlots') / BASELINE_COUNT, computrons: at(0, 'computrons') / BASELINE_COUNT, wallMs: at(0, 'wallMs') / BASELINE_COUNT };
  const figures: Figure[] = [];
  MEASURED.forEach((mod, index) => {
    const step = index + 1;
    if (mod in INLINE_MODS) {
      figures.push({ name: `XS heap slots to load and start one more mod: ${mod}`, value: at(step, 'heapSlots'), unit: 'slots', baseline: base.heapSlots, baselineName: 'bare Compartment, one-line module' });
      return;
    }
    figures.push(
      { name: `XS heap slots to load and start mod ${mod}`, value: at(step, 'heapSlots'), unit: 'slots', baseline: base.heapSlots, baselineName: 'bare Compartment, one-line module' },
      { name: `load+start cost of mod ${mod}`, value: at(step, 'computrons'), unit: 'computrons', baseline: base.computrons, baselineName: 'bare Compartment, one-line module' },
      { name: `load+start wall time of mod ${mod}`, value: Number(at(step, 'wallMs').toFixed(3)), unit: 'ms', baseline: Number(base.wallMs.toFixed(4)), baselineName: 'bare Compartment, one-line module (IPC of the crank shared by 20)' },
    );
  });
  return figures;
}
