// `mote start` (what `npm start` runs) as a user runs it: a process that prints the console URL,
// installs the example mods over the air on first run, stops cleanly on Ctrl-C, and resumes the
// same devices with the same mods the next time.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../simulator/module-map.ts';

const MOTE = join(PROJECT_ROOT, 'tools/mote.mjs');

const children: ReturnType<typeof spawn>[] = [];

function start(home: string) {
  const child = spawn(process.execPath, [MOTE, 'start', '--port', '0', '--home', home], { cwd: PROJECT_ROOT });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  children.push(child);
  return { child, exited, out: () => stdout, err: () => stderr };
}

async function until(check: () => boolean, what: string, ms = 60000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function devices(home: string): string {
  const { broker } = JSON.parse(readFileSync(join(home, 'stack.json'), 'utf8'));
  const result = spawnSync(process.execPath, [MOTE, 'devices', '--broker', broker], { cwd: PROJECT_ROOT, encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout.replace(/ +/g, ' ');
}

/** The battery column: each device's own estimate from its duty cycle (docs/topics.md `state.battery`). */
const BATTERY = '≈ [\\d.]+ (?:days|months) left, [\\d.]+ mA avg';

describe('mote start (npm start)', function () {
  this.timeout(180000);
  const home = mkdtempSync(join(tmpdir(), 'mote-start-'));

  afterEach(() => {
    // A failed assertion must not leave a stack running (mocha would wait for it forever).
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  });

  it('first run: prints the console URL, creates a signing key, installs the example mods over the air; Ctrl-C stops cleanly', async () => {
    const run = start(home);
    await until(() => /installed over the air/.test(run.err()), 'the first installs');
    assert.match(run.out(), /Mote console: {2}http:\/\/127\.0\.0\.1:\d+\//);
    assert.match(run.err(), /created a development signing key in .*keys\/mote\.key; the devices trust it/);
    assert.match(run.err(), /esp32-kitchen: thermometer, blink; esp32-greenhouse: climate-logger; picow-hallway: blink/);
    assert.ok(existsSync(join(home, 'keys/mote.pub')));
    const listed = devices(home);
    assert.match(listed, new RegExp(`esp32-kitchen online esp32 ${BATTERY} thermometer@1\\.1\\.0, blink@1\\.0\\.0`));
    assert.match(listed, new RegExp(`picow-hallway online pico-w ${BATTERY} blink@1\\.0\\.0`));
    run.child.kill('SIGINT');
    assert.equal(await run.exited, 0, run.err());
    assert.match(run.err(), /stopping the devices, the console and the broker…\nmote: stopped\n$/);
    assert.equal(existsSync(join(home, 'stack.json')), false);
  });

  it('the next run resumes the same devices with their mods, installing nothing', async () => {
    const run = start(home);
    await until(() => /Mote console:/.test(run.out()), 'the console');
    await until(() => new RegExp(`esp32-kitchen online esp32 ${BATTERY} thermometer@1\\.1\\.0, blink@1\\.0\\.0`).test(devices(home)), 'the kitchen device to report its mods');
    assert.doesNotMatch(run.err(), /installed over the air|created a development signing key/);
    run.child.kill('SIGINT');
    assert.equal(await run.exited, 0, run.err());
  });
});
