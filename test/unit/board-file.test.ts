// Board files: the full form loads; every problem is named by its field with the fix.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBoardFile } from '../../simulator/boards.ts';
import { makeChip } from '../../simulator/chips/index.ts';
import { PROJECT_ROOT } from '../../simulator/module-map.ts';

function boardFile(json: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), 'mote-board-')), 'board.json');
  writeFileSync(file, typeof json === 'string' ? json : JSON.stringify(json));
  return file;
}

const errorOf = (json: unknown) => {
  const file = boardFile(json);
  try {
    loadBoardFile(file);
  } catch (error) {
    return (error as Error).message.replace(file, 'FILE');
  }
  return 'loaded';
};

describe('board files', () => {
  it('the full form: extends, wires, chips with sources and faults, buttons, named pins', () => {
    const file = boardFile({
      extends: 'pico-w',
      wires: [[12, 13]],
      i2c: [
        { bus: 0, address: 68, chip: 'sht4x', source: { temperature: { sine: { mean: 20, amplitude: 1, periodMs: 1000 } }, humidity: { steps: [[0, 40], [500, 60]] } }, faults: { crc: { from: 100, until: 200 } } },
        { bus: 1, address: '0x48', chip: 'tmp102', source: { trace: { file: join(PROJECT_ROOT, 'simulator/fixtures/intel-lab/mote-01-2004-03-04.txt') } } },
      ],
      buttons: [{ pin: 15, pressEvery: 1000, holdFor: 100 }],
      named: { fan: 2 },
    });
    const board = loadBoardFile(file);
    assert.equal(board.name, 'pico-w');
    assert.deepEqual(board.wires, [[12, 13]]);
    assert.deepEqual(board.chips.map((chip) => `${chip.bus}:${chip.address}:${chip.chip}`), ['0:68:sht4x', '1:72:tmp102']);
    assert.deepEqual(board.buttons, [{ pin: 15, pressEvery: 1000, holdFor: 100 }]);
    assert.equal(board.named.fan, 2);
    const sht4x = makeChip(board.chips[0]);
    assert.equal(sht4x.faults!.active('crc', 150), true);
    assert.equal(sht4x.faults!.active('crc', 200), false);
  });

  it('a trace file is found relative to the board file', () => {
    const board = loadBoardFile(join(PROJECT_ROOT, 'mods/climate-logger/sim-board.json'));
    assert.equal((board.chips[0].source as { trace: { file: string } }).trace.file, join(PROJECT_ROOT, 'simulator/fixtures/intel-lab/mote-01-2004-03-04.txt'));
  });

  it('names every problem with its field and the fix', () => {
    assert.equal(errorOf('{ "extends": '), 'board file FILE: not valid JSON: ' + (() => { try { JSON.parse('{ "extends": '); } catch (e) { return (e as Error).message; } })());
    assert.equal(errorOf({ extends: 'uno' }), 'board file FILE: extends: expected one of "esp32", "pico-w", "pico", got "uno"');
    const file = boardFile({
      wire: [],
      wires: [[12], [12, 99]],
      i2c: [
        { bus: 2, address: 68, chip: 'sht4x' },
        { bus: 0, address: 300, chip: 'sht4x', sauce: 1 },
        { bus: 0, address: 68, chip: 'sht5x' },
        { bus: 0, address: 68, chip: 'tmp102', faults: { crc: true } },
        { bus: 0, address: 68, chip: 'sht4x', faults: { flaky: true, nack: 'yes' } },
        { bus: 0, address: 68, chip: 'sht4x', source: { pressure: { constant: 1 } } },
        { bus: 0, address: 68, chip: 'sht4x', source: { trace: { file: 'missing.txt' } } },
        { bus: 0, address: '0x44', chip: 'sht4x' },
        { bus: 0, address: 68, chip: 'sht4x' },
      ],
      buttons: [{ pin: 0, pressEvery: 100, holdFor: 100 }],
    });
    assert.throws(() => loadBoardFile(file), { message: [
      `board file ${file}: 14 problems:`,
      '  - wire: unknown field; a board file has extends, wires, i2c, buttons, named',
      '  - wires[0]: expected at least two pins, e.g. [12, 13]',
      '  - wires[1][1]: esp32 has no pin 99 (pins: 0, 1, 2, 3, 4, 5, 12, 13, 14, 15, 16, 17, 18, 19, 21, 22, 23, 25, 26, 27, 32, 33, 34, 35, 36, 37, 38, 39)',
      '  - i2c[0].bus: esp32 has I2C bus 0 and 1, not 2',
      '  - i2c[1].sauce: unknown field; a chip entry has bus, address, chip, source, faults',
      `  - i2c[1].address: expected a 7-bit address, 0-127 or "0x00"-"0x7f" (the sht4x's usual address is 68, i.e. "0x44"), got 300`,
      '  - i2c[2].chip: expected one of "tmp102", "sht4x", "bme280", "bh1750", "scd41", "ina219", got "sht5x"',
      '  - i2c[3].faults.crc: the tmp102 model cannot inject "crc"; it supports nack, busStuck',
      '  - i2c[4].faults.flaky: unknown fault; faults are nack, busStuck, crc, outOfRange, slowConversion',
      '  - i2c[4].faults.nack: expected true, false or { "from": ms, "until": ms }',
      '  - i2c[5].source.pressure: this chip measures temperature, humidity, not "pressure"',
      `  - i2c[6].source.trace.file: cannot read ${join(file, '..', 'missing.txt')} (ENOENT)`,
      '  - i2c[8].address: bus 0 already has a sht4x at 68; give each chip its own address',
      '  - buttons[0]: "pressEvery" and "holdFor" must be milliseconds > 0 with holdFor < pressEvery',
].join('\n') });
  });
});
