// `mote sim --board pico` runs the host as a provisioned Pico: its tier refuses a mod that needs
// mote/mqtt, and the run says so and exits 1, as for any refused mod.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../simulator/module-map.ts';
import { writeMod } from '../xs/helpers.ts';
import { mqttMod, quietMod } from './helpers.ts';

function mote(...args: string[]) {
  const result = spawnSync(process.execPath, [join(PROJECT_ROOT, 'tools/mote.mjs'), ...args], { cwd: PROJECT_ROOT, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('mote sim --board pico (device tiers)', function () {
  this.timeout(120000);

  it('refuses a mod that needs mote/mqtt and runs the others', () => {
    const run = mote('sim', '--board', 'pico', '--mod', writeMod(mqttMod('reporter')), '--mod', writeMod(quietMod('blinker')), '--duration', '2s', '--warp');
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stdout + run.stderr, /mod "reporter" cannot run on this device: it needs mote\/mqtt .* the "pico" tier does not offer: the board has no radio/);
    assert.doesNotMatch(run.stdout + run.stderr, /blinker.*(refused|cannot run)/);
  });

  it('runs the same mod on a Pico W', () => {
    const run = mote('sim', '--board', 'pico-w', '--mod', writeMod(mqttMod('reporter')), '--duration', '2s', '--warp');
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /has publish: function/);
  });
});
