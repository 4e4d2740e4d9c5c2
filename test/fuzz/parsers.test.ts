// The seeded, small fuzz run in `npm test`: every parser that takes bytes or JSON from outside
// the device (test/fuzz/targets.ts), a few hundred inputs each from a fixed seed, so a failure
// reproduces. `npm run fuzz` runs the same targets with 100,000 inputs each.
import assert from 'node:assert/strict';
import { runTarget } from './fuzz.ts';
import { TARGETS } from './targets.ts';

const SEED = 19;
const RUNS = 300;

describe('fuzzing the parsers of outside input (seeded)', function () {
  this.timeout(120000);
  for (const target of TARGETS) {
    it(`${target.name}: ${RUNS} inputs, no host exception, no hang`, () => {
      const result = runTarget(target, RUNS, SEED);
      assert.equal(result.failures, 0, result.counterexample);
      assert.equal(result.runs, RUNS);
    });
  }
});
