// The `mote` command as a user runs it: a separate process, real files.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../simulator/module-map.ts';

// Each run of the CLI costs about 4-5 s of CPU (tsx, the TypeScript type-check of the mod, the XS
// boot): on a 2-core machine at load average 30-60 that is well past mocha's default 30 s, which
// failed this file once although nothing was wrong. HANG_MS bounds a CLI that hangs (status is then
// null and the test fails with what it printed), not how long it may take; mocha cannot time out a
// test blocked in spawnSync, so the tests' own timeout is above it.
const HANG_MS = 120_000;

function mote(...args: string[]) {
  const result = spawnSync(process.execPath, [join(PROJECT_ROOT, 'tools/mote.mjs'), ...args], { cwd: PROJECT_ROOT, encoding: 'utf8', timeout: HANG_MS, killSignal: 'SIGKILL' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('mote CLI', function () {
  this.timeout(3 * HANG_MS); // a test runs up to three CLIs
  const dir = mkdtempSync(join(tmpdir(), 'mote-cli-'));

  it('mote sim --mod mods/blink --duration 1m --warp --report shows the LED toggling in virtual time', () => {
    const reportPath = join(dir, 'r.json');
    const { status, stderr } = mote('sim', '--mod', 'mods/blink', '--duration', '1m', '--warp', '--report', reportPath, '--quiet');
    assert.equal(status, 0, stderr);
    const report = JSON.parse(readFileSync(reportPath, 'utf8'));
    assert.equal(report.virtualTimeMs, 60000);
    assert.equal(report.hostAlive, true);
    assert.deepEqual(report.mods, [{
      id: 'blink', version: '1.0.0', state: 'running', grants: ['digital pin 2 (output)', 'digital pin 0 (input)', 'timers 1, every 100 ms or slower'],
      starts: 1, stops: 0, errors: 0, denials: 0, logDropped: 0,
    }]);
    const led = report.pinWrites.filter((write: { pin: number }) => write.pin === 2);
    assert.equal(led.length, 120);
    assert.deepEqual(led.slice(0, 3), [{ pin: 2, value: 1, time: 500 }, { pin: 2, value: 0, time: 1000 }, { pin: 2, value: 1, time: 1500 }]);
  });

  it('the thermometer mod reads its TMP102 through the board file, logging I2C transactions', () => {
    const reportPath = join(dir, 't.json');
    const { status, stdout, stderr } = mote('sim', '--board-file', 'mods/thermometer/sim-board.json', '--mod', 'mods/thermometer', '--duration', '10s', '--warp', '--report', reportPath);
    assert.equal(status, 0, stderr);
    assert.match(stdout, /\[thermometer\] temperature 21\.50 C/);
    const report = JSON.parse(readFileSync(reportPath, 'utf8'));
    assert.equal(report.i2c.filter((t: { op: string; address: number }) => t.op === 'read' && t.address === 72).length, 3);
  });

  it('mote sim run exits non-zero on an uncaught exception and zero otherwise', () => {
    const bad = join(dir, 'bad.js');
    writeFileSync(bad, `import Timer from "timer"; Timer.set(() => { throw new Error("kaboom"); }, 10);`);
    const failed = mote('sim', 'run', bad, '--warp');
    assert.equal(failed.status, 1);
    assert.match(failed.stdout, /kaboom/);
    const good = join(dir, 'good.ts');
    writeFileSync(good, `const led = new device.io.Digital({ pin: 2, mode: device.io.Digital.Output }); led.write(1); trace("lit");`);
    const passed = mote('sim', 'run', good, '--warp');
    assert.equal(passed.status, 0, passed.stderr);
    assert.match(passed.stdout, /\[host\] lit/);
  });

  it('mote sim --broker to a broker that refuses the connection exits 1 naming it, and leaves nothing running', () => {
    // Port 1 (tcpmux) on the loopback: nothing listens there, so the connection is refused. The
    // CLI used to print the bare ECONNREFUSED and then hang for ever, its XS worker still open.
    const refused = mote('sim', '--mod', 'mods/blink', '--broker', 'mqtt://127.0.0.1:1', '--duration', '5s', '--quiet');
    assert.equal(refused.status, 1, `status ${refused.status}: ${refused.stderr}`);
    assert.match(refused.stderr, /^mote: cannot reach the broker mqtt:\/\/127\.0\.0\.1:1 to record what the device publishes \(connect ECONNREFUSED 127\.0\.0\.1:1\): start it, or give a running one with --broker/m);
    assert.doesNotMatch(refused.stderr, /internal error|still running/);
    assert.doesNotMatch(refused.stdout, /uncaught exception/);
  });

  it('bad input gets a clear error: unknown board, missing mod folder, bad duration', () => {
    assert.match(mote('sim', '--board', 'uno', '--duration', '1s', '--warp').stderr, /unknown board "uno"; built-in boards are esp32, pico-w/);
    assert.match(mote('sim', '--mod', join(dir, 'nope'), '--duration', '1s', '--warp').stderr, /no manifest\.json; a mod folder needs one/);
    assert.match(mote('sim', '--duration', 'soon', '--warp').stderr, /cannot read duration "soon"/);
    // A board file that extends another board than --board names: refused, not one silently ignored.
    const boardFile = join(dir, 'esp32-board.json');
    writeFileSync(boardFile, JSON.stringify({ extends: 'esp32' }));
    assert.match(mote('sim', '--board', 'pico', '--board-file', boardFile, '--duration', '1s', '--warp').stderr, /--board pico and --board-file \S+ disagree: the file extends "esp32"; drop --board, or change "extends" in the file/);
  });
});
