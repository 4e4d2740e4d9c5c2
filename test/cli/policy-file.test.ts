// `--policy FILE` of the wrong shape is the file's fault: `mote sim` booted the device with it and
// every mod was refused as if its manifest asked too much (found by a fresh review). The CLI now
// refuses the file before anything boots or is written, naming the file, the field and the fix.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../simulator/module-map.ts';
import { readPolicyFile } from '../../tools/policy-file.ts';

const HANG_MS = 120_000; // bounds a hung CLI, not how long one may take (test/cli/sim.test.ts)

function mote(...args: string[]) {
  const result = spawnSync(process.execPath, [join(PROJECT_ROOT, 'tools/mote.mjs'), ...args], { cwd: PROJECT_ROOT, encoding: 'utf8', timeout: HANG_MS, killSignal: 'SIGKILL' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('owner policy files given to the CLI', function () {
  this.timeout(2 * HANG_MS);
  const dir = mkdtempSync(join(tmpdir(), 'mote-policy-'));

  it('mote sim --policy with a wrong shape is refused before the boot, naming the file and the field, not the mod', () => {
    const policy = join(dir, 'policy.json');
    writeFileSync(policy, JSON.stringify({ rules: [{ allow: { digital: [{ pin: '2', mode: 'output' }], timers: '*' } }] }));
    const run = mote('sim', '--mod', 'mods/blink', '--policy', policy, '--duration', '1s', '--warp');
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stderr, new RegExp(`--policy ${policy.replace(/[.]/g, '\\.')}: the owner's policy is malformed \\(the mods are not at fault\\): rules\\[0\\]\\.allow\\.digital\\[0\\]: expected \\{ "pin": <integer >= 0>, "mode": "input" \\| "output" \\}; fix the file`));
    assert.doesNotMatch(run.stdout + run.stderr, /asks for more than|refused at install|installed 0 mod/);
  });

  it('a policy without "rules", or a missing file, is named as such', () => {
    const noRules = join(dir, 'no-rules.json');
    writeFileSync(noRules, JSON.stringify({ rule: [] }));
    assert.throws(() => readPolicyFile('--policy', noRules), /--policy .*no-rules\.json: the owner's policy is malformed \(the mods are not at fault\): expected \{ "rules": \[/);
    assert.throws(() => readPolicyFile('--policy', join(dir, 'nope.json')), /--policy .*nope\.json: no such policy file/);
  });

  it('a folder given as the policy file is named as a folder, not as a missing file (found by a review)', () => {
    assert.throws(() => readPolicyFile('--policy', dir), (error: Error) => {
      assert.match(error.message, /--policy .*: it is a folder, not a file; give the path of the policy's JSON file/);
      assert.doesNotMatch(error.message, /no such/);
      return true;
    });
  });

  it('several problems are each named by their field', () => {
    const file = join(dir, 'two.json');
    writeFileSync(file, JSON.stringify({ rules: [{ allow: { wifi: true } }, { mods: 'lamp', allow: {} }] }));
    assert.throws(() => readPolicyFile('--policy', file), (error: Error) => {
      assert.match(error.message, /rules\[0\]\.allow\.wifi: unknown permission kind; known kinds are digital, .*; rules\[1\]\.mods: expected an array of strings; fix the file/);
      return true;
    });
  });
});
