// Every scenario of definitions.ts on the emulated RP2040 (the real Pico firmware on rp2040js,
// tools/emu), checked by the same expectations as in the simulator (simulator.test.ts).
// Without the toolchain kit's environment (MODDABLE, PICO_SDK_DIR, MOTE_RP2040_BOOTROM) the
// firmware cannot be built and the suite is skipped; CI sources it (.ci/run).
import { SCENARIOS } from './definitions.ts';
import { firmwareUnavailable, sharedFirmware } from './firmware.ts';
import { runOnChip } from './chip-runner.ts';

describe('scenarios on the emulated RP2040', function () {
  this.timeout(300000);
  before(async function () {
    const missing = firmwareUnavailable();
    if (missing) {
      process.stderr.write(`chip scenarios skipped: ${missing}\n`);
      this.skip();
    }
    this.timeout(1800000); // a cold firmware build on two busy cores
    await sharedFirmware('pico');
  });
  for (const scenario of SCENARIOS) {
    it(`${scenario.name}: ${scenario.title}`, async () => {
      scenario.expect(await runOnChip(scenario));
    });
  }
});
