// Every scenario of definitions.ts in the simulator; chip.test.ts runs the same ones on the
// emulated RP2040.
import { SCENARIOS } from './definitions.ts';
import { runInSimulator } from './sim-runner.ts';

describe('scenarios in the simulator', function () {
  this.timeout(120000);
  for (const scenario of SCENARIOS) {
    it(`${scenario.name}: ${scenario.title}`, async () => {
      scenario.expect(await runInSimulator(scenario));
    });
  }
});
