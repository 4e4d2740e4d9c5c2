// `mote build --board` warns when a mod cannot run on that board's tier, as a user runs it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../simulator/module-map.ts';
import { writeMod } from '../xs/helpers.ts';
import { mqttMod } from './helpers.ts';

function mote(...args: string[]) {
  const result = spawnSync(process.execPath, [join(PROJECT_ROOT, 'tools/mote.mjs'), ...args], { cwd: PROJECT_ROOT, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('mote build --board (device tiers)', function () {
  this.timeout(120000);
  const out = join(mkdtempSync(join(tmpdir(), 'mote-tier-build-')), 'mod.mote');

  it('warns that a mod needing mote/mqtt cannot run on a Pico, and builds it anyway', () => {
    const built = mote('build', writeMod(mqttMod('reporter')), '--out', out, '--board', 'pico');
    assert.equal(built.status, 0, built.stderr);
    assert.match(built.stderr, /^warning: reporter cannot run on a pico: it needs mote\/mqtt \(mote\.permissions\.mqtt in its manifest\), which the "pico" tier does not offer: the board has no radio/m);
    assert.match(built.stdout, /wrote .*mod\.mote/);
  });

  it('warns about a withheld module the code imports without a grant', () => {
    const built = mote('build', writeMod({ ...mqttMod('sneaky'), permissions: {} }), '--out', out, '--board', 'pico');
    assert.equal(built.status, 0, built.stderr);
    assert.match(built.stderr, /warning: sneaky cannot run on a pico: its module "main" imports mote\/mqtt, which the "pico" tier does not offer \(the board has no radio\); it fails when it loads/);
  });

  it('says nothing for a board that can run it (pico_w names the pico-w)', () => {
    const built = mote('build', writeMod(mqttMod('reporter')), '--out', out, '--board', 'pico_w');
    assert.equal(built.status, 0, built.stderr);
    assert.equal(built.stderr, '');
  });

  it('refuses an unknown board, naming the known ones', () => {
    const built = mote('build', writeMod(mqttMod('reporter')), '--out', out, '--board', 'uno');
    assert.equal(built.status, 1);
    assert.match(built.stderr, /--board: unknown board "uno"; boards with a tier are esp32, pico-w, pico/);
  });
});
