// Files the CLI writes (--report, --out) are checked before the work: a mistyped folder used to end
// a whole `mote sim` or `mote emu` run with Node's raw "ENOENT: no such file or directory, open …"
// (found by a fresh review).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../simulator/module-map.ts';
import { describeFileError, writableFile } from '../../tools/output-path.ts';

const HANG_MS = 120_000; // bounds a hung CLI, not how long one may take (test/cli/sim.test.ts)

function mote(...args: string[]) {
  const result = spawnSync(process.execPath, [join(PROJECT_ROOT, 'tools/mote.mjs'), ...args], { cwd: PROJECT_ROOT, encoding: 'utf8', timeout: HANG_MS, killSignal: 'SIGKILL' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('output paths the CLI writes', function () {
  this.timeout(2 * HANG_MS);
  const dir = mkdtempSync(join(tmpdir(), 'mote-out-'));
  const missing = join(dir, 'no-such-folder', 'r.json');

  it('mote sim --report in a folder that does not exist is refused before the device boots, naming the folder', () => {
    const run = mote('sim', '--mod', 'mods/blink', '--duration', '1s', '--warp', '--report', missing);
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stderr, new RegExp(`--report ${missing.replace(/[.]/g, '\\.')}: the folder ${join(dir, 'no-such-folder')} does not exist; create it first`));
    assert.doesNotMatch(run.stderr, /ENOENT/);
    assert.doesNotMatch(run.stdout + run.stderr, /installed 1 mod|ran 1\.0 virtual s/); // nothing ran
  });

  it('mote sim --report naming a folder is refused before the run', () => {
    const run = mote('sim', '--mod', 'mods/blink', '--duration', '1s', '--warp', '--report', dir);
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stderr, /--report .*: .* is a folder; give the path of a file in it/);
    assert.doesNotMatch(run.stdout, /installed 1 mod/);
  });

  it('mote emu --report in a missing folder is refused before the image is even read', () => {
    const run = mote('emu', join(dir, 'any.uf2'), '--report', missing);
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stderr, /--report .*r\.json: the folder .*no-such-folder does not exist/);
    assert.doesNotMatch(run.stderr, /ENOENT/);
  });

  it('mote build --out under a file is refused before the mod is type-checked and built', () => {
    const file = join(dir, 'plain-file');
    writeFileSync(file, 'x');
    const run = mote('build', 'mods/blink', '--out', join(file, 'blink.mote'));
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stderr, /--out .*plain-file\/blink\.mote: .*plain-file is a file, not a folder/);
  });

  it('the check leaves nothing behind and answers the absolute path', () => {
    const path = join(dir, 'probe.json');
    assert.equal(writableFile('--report', path), path);
    assert.equal(existsSync(path), false);
  });

  it('a file error no command checked reaches the user as the path and what is wrong, not Node\'s text', () => {
    const error = Object.assign(new Error("ENOENT: no such file or directory, open '/x/y.json'"), { code: 'ENOENT', path: '/x/y.json', syscall: 'open' });
    assert.equal(describeFileError(error), '/x/y.json: no such file or folder');
    assert.equal(describeFileError(new Error('other')), undefined);
  });
});
