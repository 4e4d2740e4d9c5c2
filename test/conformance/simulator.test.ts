// Runs the ECMA-419 conformance cases (cases.ts) in the simulator, on each board, each case in a
// fresh machine with the board's full provider (as `mote sim run` runs a module). The same cases
// run on the emulated RP2040 firmware (tools/emu); a difference there is a bug in the simulator.
import assert from 'node:assert/strict';
import { builtInBoard } from '../../simulator/boards.ts';
import { linesOf, runModule } from '../xs/helpers.ts';
import { CASES, conformanceBatch, conformanceModule, expectedOn, type Board } from './cases.ts';

const BOARDS: Board[] = ['esp32', 'pico-w'];

/** The outcome a case's module traced, parsed. */
export function tracedOutcome(lines: string[]): unknown {
  const line = lines.find((text) => text.startsWith('conformance '));
  return line === undefined ? { missing: lines } : JSON.parse(line.slice('conformance '.length));
}

for (const board of BOARDS) {
  describe(`ECMA-419 conformance in the simulator: ${board}`, () => {
    for (const testCase of CASES) {
      const expected = expectedOn(testCase, board);
      if (!expected) continue;
      it(`${testCase.name} (${testCase.source})`, async () => {
        const device = await runModule(conformanceModule(testCase), builtInBoard(board));
        assert.deepEqual(tracedOutcome(linesOf(device, 'host')), expected);
        assert.deepEqual(device.uncaught, []);
      });
    }
  });
}

describe('ECMA-419 conformance in one machine (the batch the emulated chip runs)', () => {
  for (const board of BOARDS) {
    it(`${board}: every case in one module gives the outcome it gives alone`, async () => {
      const cases = CASES.filter((testCase) => expectedOn(testCase, board));
      const device = await runModule(conformanceBatch(cases), builtInBoard(board));
      const outcomes = linesOf(device, 'host').filter((line) => line.startsWith('conformance ')).map((line) => {
        const [, index, json] = /^conformance (\d+) (.*)$/.exec(line)!;
        return [cases[Number(index)].name, JSON.parse(json)];
      });
      assert.deepEqual(outcomes, cases.map((testCase) => [testCase.name, expectedOn(testCase, board)]));
    });
  }
});

