// `mote firmware build` says what is missing and how to fix it before it runs anything.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../simulator/module-map.ts';
import { missingToolchain } from '../../tools/firmware/build.ts';

function mote(env: NodeJS.ProcessEnv, ...args: string[]) {
  return spawnSync(process.execPath, [join(PROJECT_ROOT, 'tools/mote.mjs'), ...args], { cwd: PROJECT_ROOT, encoding: 'utf8', env });
}

/** A fake SDK folder with an mcconfig, so the checks after MODDABLE's can be reached without the kit. */
function fakeModdable(): string {
  const root = mkdtempSync(join(tmpdir(), 'mote-fake-sdk-'));
  mkdirSync(join(root, 'build/bin/lin/release'), { recursive: true });
  writeFileSync(join(root, 'build/bin/lin/release/mcconfig'), '');
  return root;
}

describe('mote firmware build: a missing toolchain is named with the fix', function () {
  this.timeout(600000); // each `mote` run starts tsx: seconds idle, a minute on a loaded machine

  it('without MODDABLE it says how to point it at an SDK (own install or the kit)', () => {
    const message = missingToolchain('pico', { PATH: '/usr/bin' })!;
    assert.match(message, /MODDABLE is not set/);
    assert.match(message, /export MODDABLE=\/path\/to\/moddable/);
    assert.match(message, /setup\.sh/);
    const { MODDABLE: _m, PICO_SDK_DIR: _p, ...env } = process.env;
    const result = mote(env, 'firmware', 'build', '--board', 'pico');
    assert.equal(result.status, 1);
    assert.match(result.stderr, /mote: MODDABLE is not set/);
  });

  it('a Pico build without PICO_SDK_DIR names it; an SDK folder without tools is refused', () => {
    assert.match(missingToolchain('pico_w', { MODDABLE: fakeModdable() })!, /PICO_SDK_DIR is not set.*export PICO_SDK_DIR=/);
    assert.match(missingToolchain('pico', { MODDABLE: join(tmpdir(), 'no-such-sdk') })!, /has no .*mcconfig: build the SDK's tools first/);
  });

  it('esp32 without ESP-IDF says plainly that no Xtensa toolchain is installed', () => {
    const message = missingToolchain('esp32', { MODDABLE: fakeModdable(), PATH: '/usr/bin' })!;
    assert.match(message, /^no Xtensa toolchain \/ ESP-IDF installed/);
    const result = mote({ ...process.env, MODDABLE: fakeModdable(), IDF_PATH: '' }, 'firmware', 'build', '--board', 'esp32');
    assert.equal(result.status, 1);
    assert.match(result.stderr, /no Xtensa toolchain \/ ESP-IDF installed/);
  });

  it('an unknown board or a missing --board is a usage error', () => {
    const unknown = mote(process.env, 'firmware', 'build', '--board', 'rp2350');
    assert.equal(unknown.status, 1);
    assert.match(unknown.stderr, /unknown board "rp2350"; boards: pico, pico_w, esp32/);
    assert.equal(mote(process.env, 'firmware', 'build').status, 2);
  });
});
