// `mote keygen`, `mote build`, `mote sign`, `mote verify` as a user runs them.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readLayout } from '../../modules/ota/package-format.ts';
import { PROJECT_ROOT } from '../../simulator/module-map.ts';

function mote(...args: string[]) {
  const result = spawnSync(process.execPath, [join(PROJECT_ROOT, 'tools/mote.mjs'), ...args], { cwd: PROJECT_ROOT, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('mote keygen / build / sign / verify', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mote-pkg-'));
  const at = (name: string) => join(dir, name);

  before(() => {
    assert.equal(mote('keygen', '--out', at('owner')).status, 0);
    assert.equal(mote('keygen', '--out', at('stranger')).status, 0);
  });

  it('keygen writes a private key only its owner can read, and never overwrites one', () => {
    assert.equal(statSync(at('owner/mote.key')).mode & 0o777, 0o600);
    assert.match(readFileSync(at('owner/mote.pub'), 'utf8'), /BEGIN PUBLIC KEY/);
    const again = mote('keygen', '--out', at('owner'));
    assert.equal(again.status, 1);
    assert.match(again.stderr, /never overwrites a signing key/);
  });

  it('verify exits 0 only for an intact package signed by a trusted key', () => {
    const built = mote('build', join(PROJECT_ROOT, 'mods/blink'), '--key', at('owner/mote.key'), '--out', at('blink.mote'));
    assert.equal(built.status, 0, built.stderr);
    const ok = mote('verify', at('blink.mote'), '--trust', at('owner/mote.pub'));
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /blink 1\.0\.0, \d+ bytes, signed by .*owner\/mote\.pub .*: ok/);

    const untrusted = mote('verify', at('blink.mote'), '--trust', at('stranger/mote.pub'));
    assert.equal(untrusted.status, 1);
    assert.match(untrusted.stderr, /refused \(untrusted-key\): package is signed by key [0-9a-f]{16}, which this device does not trust/);

    const bytes = readFileSync(at('blink.mote'));
    const { signatureOffset, digestOffset } = readLayout(bytes.subarray(0, 12));
    for (const [offset, code] of [[digestOffset - 10, 'hash-mismatch'], [signatureOffset + 5, 'bad-signature'], [0, 'bad-magic']] as const) {
      const bad = Buffer.from(bytes);
      bad[offset] ^= 0x20;
      writeFileSync(at('bad.mote'), bad);
      const refused = mote('verify', at('bad.mote'), '--trust', at('owner/mote.pub'));
      assert.equal(refused.status, 1);
      assert.match(refused.stderr, new RegExp(`refused \\(${code}\\)`));
    }
    writeFileSync(at('short.mote'), bytes.subarray(0, bytes.length - 30));
    assert.match(mote('verify', at('short.mote'), '--trust', at('owner/mote.pub')).stderr, /refused \(truncated\): package is truncated/);
  });

  it('build without --key makes an unsigned package that verify refuses until `mote sign`', () => {
    assert.equal(mote('build', join(PROJECT_ROOT, 'mods/blink'), '--out', at('u.mote'), '--device', 'dev-7').status, 0);
    assert.match(mote('verify', at('u.mote'), '--trust', at('owner/mote.pub')).stderr, /refused \(unsigned\)/);
    assert.equal(mote('sign', at('u.mote'), '--key', at('owner/mote.key')).status, 0);
    assert.equal(mote('verify', at('u.mote'), '--trust', at('owner/mote.pub'), '--device', 'dev-7').status, 0);
    assert.match(mote('verify', at('u.mote'), '--trust', at('owner/mote.pub'), '--device', 'dev-8').stderr, /refused \(wrong-device\): package is bound to device "dev-7"/);
  });

  it('clear errors for a missing key file and a folder without a manifest', () => {
    const noKey = mote('build', join(PROJECT_ROOT, 'mods/blink'), '--key', at('nope.key'), '--out', at('x.mote'));
    assert.equal(noKey.status, 1);
    assert.match(noKey.stderr, /nope\.key: no such key file; create one with `mote keygen --out DIR`/);
    const noManifest = mote('build', dir, '--out', at('x.mote'));
    assert.match(noManifest.stderr, /no manifest\.json/);
    assert.equal(mote('verify', at('blink.mote')).status, 2);
  });
});
