// The ECMA-419 conformance cases (cases.ts) on the emulated RP2040: the real Pico firmware (the
// per-run shared build, test/scenarios/firmware.ts) runs them in a mod signed into its factory
// image, and each case must give the outcome the simulator gives for the same mod package on the
// pico-w board (chip-runner.ts). A difference is a bug in the simulator (architecture.md, "Three
// levels of truth"). The board classes' own outcomes, without a mod's facet in front, are checked
// in the simulator by simulator.test.ts. Skipped only without the toolchain kit's environment
// (MODDABLE, PICO_SDK_DIR, MOTE_RP2040_BOOTROM); CI sources it (.ci/run).
import assert from 'node:assert/strict';
import { firmwareUnavailable, sharedFirmware } from '../scenarios/firmware.ts';
import { CASES, expectedOn } from './cases.ts';
import { MOD_ID, runConformanceBothLevels, transcript, type ConformanceRun } from './chip-runner.ts';

const cases = CASES.filter((testCase) => expectedOn(testCase, 'pico-w'));

describe('ECMA-419 conformance on the emulated RP2040 (in a mod, the same package in the simulator)', function () {
  this.timeout(300000);
  let chip: ConformanceRun;
  let simulator: ConformanceRun;
  before(async function () {
    const missing = firmwareUnavailable();
    if (missing) {
      process.stderr.write(`chip conformance skipped: ${missing}\n`);
      this.skip();
    }
    this.timeout(1800000); // a cold firmware build on two busy cores; warm, the shared build is reused
    await sharedFirmware('pico');
    ({ chip, simulator } = await runConformanceBothLevels(cases));
  });

  it('the mod ran every case on both levels and the host stayed up', () => {
    for (const [level, run] of [['chip', chip], ['simulator', simulator]] as const) {
      assert.ok(run.run.hostAlive, `${level}: the host stopped: ${run.run.hostStopReason}\n${transcript(run.run)}`);
      assert.deepEqual(run.run.uncaught, [], `${level}: no exception escaped the host`);
      assert.ok(run.done, `${level}: the ${MOD_ID} mod did not finish its cases\n${transcript(run.run)}`);
      const missing = cases.filter((_, index) => run.outcomes[index] === undefined).map((testCase) => testCase.name);
      assert.deepEqual(missing, [], `${level}: cases without an outcome`);
    }
  });

  cases.forEach((testCase, index) => {
    it(`${testCase.name}: the chip gives the simulator's outcome`, () => {
      assert.ok(chip.outcomes[index], `no outcome on the chip\n${transcript(chip.run)}`);
      assert.deepEqual(chip.outcomes[index], simulator.outcomes[index]);
    });
  });
});
