// Runs the ECMA-419 conformance cases (cases.ts) inside a mod, on both levels: on the emulated
// RP2040 (the Pico firmware built once per test run, a factory image with the mod signed in its
// slot, `mote emu` warped: test/scenarios/chip-runner.ts) and in the simulator provisioned the
// same way (test/scenarios/sim-runner.ts). On the chip the firmware runs nothing but the host and
// its mods, so a mod is the only place a case can run; the simulator runs the very same package
// so that the two runs differ in nothing but the level. The mod reaches the board's ECMA-419
// classes (Moddable's pico `embedded:io/*` on the chip, simulator/xs/{digital,i2c,pwm}.ts in the
// simulator) through its `device` facet, granted what the cases use: pin 4 as an output (PWM
// included), I2C addresses 0x44, 0x45 and 0x77 on bus 0.
//
// The mod runs one case every CASE_MS ms from a repeating timer, so its trace lines (one outcome,
// and a "denied:" line when the facet refuses) stay within the mod log rate (20 lines/s,
// modules/permissions/rate-limit.ts) and none is dropped.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../simulator/module-map.ts';
import type { Scenario } from '../scenarios/definitions.ts';
import { runOnChip } from '../scenarios/chip-runner.ts';
import { runInSimulator } from '../scenarios/sim-runner.ts';
import { linesOf, transcript, type Outcome as RunOutcome } from '../scenarios/outcome.ts';
import type { ConformanceCase, Outcome } from './cases.ts';

export const MOD_ID = 'conformance';
const CASE_MS = 200;
/**
 * Power-on to the mod's first turn on the emulated Pico. Measured with this mod (64 cases, about
 * 12 KB of source): "installed 1 mod(s)" at 30.4 emulated s, the host reading and verifying the
 * package from flash (small scenario mods start about 3.5 s after reset).
 */
const BOOT_MS = 35000;
const BOARD_FILE = join(PROJECT_ROOT, 'test/fixtures/boards/scenario-pico.json');

/**
 * The cases are split over this many modules: the Pico parses a mod's source on the device, in its
 * C heap, and parsing all 64 cases as one 12 KB module ran that heap out ("*** PANIC *** Out of
 * memory"); modules are parsed one at a time.
 */
const CASE_MODULES = 4;

/** The mod's manifest: the grants the cases use, nothing else. */
export const MANIFEST = Object.freeze({
  modules: { '*': ['./main', ...Array.from({ length: CASE_MODULES }, (_, part) => `./cases${part}`)] },
  mote: {
    id: MOD_ID,
    version: '1.0.0',
    entry: 'main',
    permissions: {
      digital: [{ pin: 4, mode: 'output' }],
      i2c: [0x44, 0x45, 0x77].map((address) => ({ bus: 0, address })),
      timers: { max: 1, minInterval: 100 },
    },
  },
});

/** One module of cases (`part` of CASE_MODULES): a function building its share, given the classes. */
export function conformanceCasesSource(cases: readonly ConformanceCase[], part: number): string {
  const share = Math.ceil(cases.length / CASE_MODULES);
  const bodies = cases.slice(part * share, (part + 1) * share).map((testCase) => `() => { ${testCase.body} }`).join(',\n  ');
  return `export default (Digital, I2C, PWM, bus) => [\n  ${bodies}\n];\n`;
}

/** The mod's entry module: every case in turn, one per tick, each tracing `conformance <index> <outcome>`. */
export function conformanceModSource(): string {
  const parts = Array.from({ length: CASE_MODULES }, (_, part) => `cases${part}`);
  return `import Timer from "mote/timer";
${parts.map((name) => `import ${name} from "./${name}";`).join('\n')}
// What a case opens is closed after it (close twice is fine), so a case the facet lets through
// where the board would throw leaves nothing open for the next: each case starts as on a fresh boot.
const opened = [];
const tracked = (Board) => class extends Board { constructor(options) { super(options); opened.push(this); } };
const Digital = tracked(device.io.Digital), I2C = tracked(device.io.I2C), PWM = tracked(device.io.PWM);
const bus = device.I2C.default;
const cases = [${parts.map((name) => `...${name}(Digital, I2C, PWM, bus)`).join(', ')}];
let next = 0;
export default {
  onStart() {
    const timer = Timer.repeat(() => {
      if (next >= cases.length) {
        Timer.clear(timer);
        trace("conformance done\\n");
        return;
      }
      const index = next++;
      let outcome;
      try {
        outcome = { returns: String(cases[index]()) };
      } catch (error) {
        outcome = { throws: error instanceof Error ? error.name : typeof error };
      }
      for (const instance of opened.splice(0)) instance.close();
      trace("conformance " + index + " " + JSON.stringify(outcome) + "\\n");
    }, ${CASE_MS});
  },
};
`;
}

/** Writes the mod folder (manifest.json, main.js, the case modules) under the system temp folder. */
export function writeConformanceMod(cases: readonly ConformanceCase[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'mote-conformance-mod-'));
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(MANIFEST, null, 2));
  writeFileSync(join(dir, 'main.js'), conformanceModSource());
  for (let part = 0; part < CASE_MODULES; part++) writeFileSync(join(dir, `cases${part}.js`), conformanceCasesSource(cases, part));
  return dir;
}

export interface ConformanceRun {
  /** Each case's outcome by index into the cases given, or undefined when it never traced one. */
  outcomes: (Outcome | undefined)[];
  /** True once the mod traced that it ran every case. */
  done: boolean;
  run: RunOutcome;
}

/** Reads the mod's `conformance` lines back out of a run. */
export function conformanceOutcomes(run: RunOutcome, count: number): ConformanceRun {
  const outcomes: (Outcome | undefined)[] = new Array(count).fill(undefined);
  let done = false;
  for (const line of linesOf(run, MOD_ID)) {
    if (line === 'conformance done') done = true;
    const match = /^conformance (\d+) (.*)$/.exec(line);
    if (match) outcomes[Number(match[1])] = JSON.parse(match[2]) as Outcome;
  }
  return { outcomes, done, run };
}

function scenarioOf(cases: readonly ConformanceCase[]): Scenario {
  return {
    name: 'conformance',
    title: 'ECMA-419 conformance cases in a mod',
    boardFile: BOARD_FILE,
    mods: [writeConformanceMod(cases)],
    durationMs: BOOT_MS + (cases.length + 2) * CASE_MS,
    expect() {},
  };
}

/** Runs `cases` in the conformance mod on both levels, from one package (same mod folder). */
export async function runConformanceBothLevels(cases: readonly ConformanceCase[]): Promise<{ chip: ConformanceRun; simulator: ConformanceRun }> {
  const scenario = scenarioOf(cases);
  const chip = conformanceOutcomes(await runOnChip(scenario), cases.length);
  const simulator = conformanceOutcomes(await runInSimulator(scenario), cases.length);
  return { chip, simulator };
}

export { transcript };
