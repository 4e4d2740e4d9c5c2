// One board, two spellings: the firmware tools say pico_w (the Moddable/pico-sdk platform), the
// simulator and the tiers pico-w. Each command takes either (a fresh user was refused both ways).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { builtInBoard } from '../../simulator/boards.ts';
import { PROJECT_ROOT } from '../../simulator/module-map.ts';
import { firmwareBoardName, simulatorBoardName } from '../../tools/firmware/board-name.ts';

describe('board names', () => {
  it('maps pico-w and pico_w to each side\'s spelling and leaves other names alone', () => {
    assert.equal(firmwareBoardName('pico-w'), 'pico_w');
    assert.equal(firmwareBoardName('pico'), 'pico');
    assert.equal(simulatorBoardName('pico_w'), 'pico-w');
    assert.equal(simulatorBoardName('esp32'), 'esp32');
    assert.equal(builtInBoard('pico_w').name, 'pico-w');
  });

  it('mote firmware build --board pico-w gets past the board check (to the missing SDK here)', () => {
    const { MODDABLE: _m, PICO_SDK_DIR: _p, ...env } = process.env;
    const result = spawnSync(process.execPath, [join(PROJECT_ROOT, 'tools/mote.mjs'), 'firmware', 'build', '--board', 'pico-w'], { cwd: PROJECT_ROOT, encoding: 'utf8', env });
    assert.equal(result.status, 1, result.stderr);
    assert.match(result.stderr, /MODDABLE is not set/);
    assert.doesNotMatch(result.stderr, /unknown board/);
  });
});
