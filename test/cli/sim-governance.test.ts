// `mote sim --report` as the operator reads it: each mod's grants, denials, stops and quarantine
// state, the audit log and the watchdog resets; `--policy` sets the owner's policy.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../simulator/module-map.ts';
import { writeMod } from '../xs/helpers.ts';

function mote(...args: string[]) {
  const result = spawnSync(process.execPath, [join(PROJECT_ROOT, 'tools/mote.mjs'), ...args], { cwd: PROJECT_ROOT, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('mote sim --report: governance', function () {
  this.timeout(60000);

  it('lists grants, denials, stops and quarantine, the audit log and the reset; --policy refuses what it does not allow', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mote-cli-'));
    const looper = writeMod({ id: 'looper', permissions: { timers: { max: 1, minInterval: 100 } }, main: `import Timer from "mote/timer"; export default { onStart() { Timer.set(() => { for (;;) {} }, 1500); } };` });
    const greedy = writeMod({ id: 'greedy', permissions: { digital: [{ pin: 5, mode: 'output' }] }, main: 'export default {};' });
    const policy = join(dir, 'policy.json');
    writeFileSync(policy, JSON.stringify({ rules: [{ allow: { digital: [{ pin: 2, mode: 'output' }, { pin: 0, mode: 'input' }], timers: '*' } }] }));
    const reportPath = join(dir, 'r.json');
    const { status, stderr } = mote('sim', '--mod', 'mods/blink', '--mod', looper, '--mod', greedy, '--policy', policy, '--duration', '5s', '--warp', '--report', reportPath, '--quiet');
    // A refused and a quarantined mod make the run fail, each named with its reason.
    assert.equal(status, 1, stderr);
    assert.match(stderr, /refused at install: mod "greedy"/);
    assert.match(stderr, /looper is quarantined: it stopped the machine/);
    const report = JSON.parse(readFileSync(reportPath, 'utf8'));
    const byId = Object.fromEntries(report.mods.map((mod: { id: string }) => [mod.id, mod]));
    assert.deepEqual(byId.blink.grants, ['digital pin 2 (output)', 'digital pin 0 (input)', 'timers 1, every 100 ms or slower']);
    assert.equal(byId.blink.state, 'running');
    assert.equal(byId.looper.state, 'quarantined');
    assert.match(byId.looper.quarantine, /it stopped the machine \(too much computation\)/);
    assert.equal(byId.greedy, undefined);
    assert.match(report.rejected[0].error, /mod "greedy" asks for more than the owner's policy allows: mote\.permissions\.digital\[0\]: pin 5 \(output\)/);
    assert.deepEqual(report.resets.map((reset: { time: number; mod: string }) => [reset.time, reset.mod]), [[1500, 'looper']]);
    assert.deepEqual(report.audit.filter((entry: { kind: string }) => entry.kind !== 'grant').map((entry: { mod: string; kind: string }) => [entry.mod, entry.kind]), [
      ['greedy', 'refuse'], ['looper', 'reset'], ['looper', 'quarantine'],
    ]);
    // The LED kept blinking through the reset: every 500 ms, one period lost at most.
    const led = report.pinWrites.filter((write: { pin: number }) => write.pin === 2).map((write: { time: number }) => write.time);
    for (let i = 1; i < led.length; i++) assert.ok(led[i] - led[i - 1] <= 1000, `${led[i - 1]} → ${led[i]}`);
    assert.ok(led.length >= 8);
  });

  it('--policy with a file that is not JSON is refused before booting', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mote-cli-'));
    const policy = join(dir, 'policy.json');
    writeFileSync(policy, '{ rules: ');
    const { status, stderr } = mote('sim', '--mod', 'mods/blink', '--policy', policy, '--duration', '1s', '--warp', '--quiet');
    assert.notEqual(status, 0);
    assert.match(stderr, /--policy .*policy\.json: not valid JSON/);
  });
});
