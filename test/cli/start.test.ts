// `mote start` (what `npm start` runs) as a user runs it: a process that prints the console URL,
// installs the example mods over the air on first run only, refuses a second start on the same
// home, stops within seconds on Ctrl-C, and resumes the same devices with what the operator left
// on them the next time.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../simulator/module-map.ts';
import { spawnMote } from '../harness/children.ts';

const MOTE = join(PROJECT_ROOT, 'tools/mote.mjs');

const children: ReturnType<typeof spawn>[] = [];

function start(home: string, ...extra: string[]) {
  const child = spawnMote(['start', '--port', '0', '--home', home, ...extra], { cwd: PROJECT_ROOT });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  children.push(child);
  return { child, exited, out: () => stdout, err: () => stderr };
}

async function until(check: () => boolean, what: string | (() => string), ms = 60000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${typeof what === 'function' ? what() : what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** `mote ARGS…` as a user in another terminal runs it, finding the running start through MOTE_HOME. */
async function mote(home: string, ...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string; ms: number }> {
  const started = Date.now();
  const child = spawnMote(args, { cwd: PROJECT_ROOT, env: { ...process.env, MOTE_HOME: home } });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { status, stdout, stderr, ms: Date.now() - started };
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
    assert.match(run.err(), /esp32-kitchen: thermometer, blink; esp32-greenhouse: climate-logger; picow-hallway: blink; esp32-attic: climate-sleeper/);
    assert.ok(existsSync(join(home, 'keys/mote.pub')));
    const listed = devices(home);
    assert.match(listed, new RegExp(`esp32-kitchen online esp32 ${BATTERY} thermometer@1\\.1\\.0, blink@1\\.0\\.0`));
    assert.match(listed, new RegExp(`picow-hallway online pico-w ${BATTERY} blink@1\\.0\\.0`));
    // The battery sensor deep-sleeps between its 20 s samples and 10 s radio polls: it is seen asleep.
    await until(() => new RegExp(`esp32-attic asleep esp32 ${BATTERY} climate-sleeper@1\\.1\\.0`).test(devices(home)), () => `esp32-attic asleep in mote devices:\n${devices(home)}`);

    // A second start on the same home is refused before it touches a device, whatever the port.
    const flash = statSync(join(home, 'devices/esp32-kitchen')).mtimeMs;
    const second = start(home, '--port', '0');
    assert.equal(await second.exited, 1, second.err());
    assert.match(second.err(), new RegExp(`another npm start \\(pid ${run.child.pid}\\) is already running the devices in ${home}; its console is at http://127\\.0\\.0\\.1:\\d+/`));
    assert.doesNotMatch(second.out(), /Mote console/);
    assert.equal(statSync(join(home, 'devices/esp32-kitchen')).mtimeMs, flash);
    assert.ok(existsSync(join(home, 'stack.json')), 'the running start keeps its stack.json');
    assert.match(devices(home), /esp32-kitchen online/);

    // A mod folder installs without --key: the running start's development key signs it.
    const install = await mote(home, 'install', 'mods/blink', '--device', 'picow-hallway', '--force');
    assert.equal(install.status, 0, install.stderr);
    assert.match(install.stderr, new RegExp(`signing mods/blink with the development key of the running npm start \\(${home}/keys/mote\\.key\\)`));
    assert.match(install.stderr, /confirmed: blink 1\.0\.0 runs on picow-hallway/);

    // The operator removes it; a typo in the device id fails at once with the closest id.
    const typo = await mote(home, 'remove', 'blink', '--device', 'picow-halway');
    assert.equal(typo.status, 1, typo.stderr);
    assert.match(typo.stderr, /no device "picow-halway" has reported to the broker at mqtt:\/\/127\.0\.0\.1:\d+; did you mean picow-hallway\?/);
    const removed = await mote(home, 'remove', 'blink', '--device', 'picow-hallway');
    assert.equal(removed.status, 0, removed.stderr);
    assert.match(removed.stdout, /remove blink on picow-hallway: removed/);

    const stopping = Date.now();
    run.child.kill('SIGINT');
    assert.equal(await run.exited, 0, run.err());
    // It used to linger 14-45 s on a device's pending wall-clock timer; a generous bound for a loaded machine.
    assert.ok(Date.now() - stopping < 12000, `Ctrl-C took ${Date.now() - stopping} ms`);
    assert.match(run.err(), /mote: SIGINT: stopping the devices, the console and the broker…\nmote: stopped\n$/);
    assert.equal(existsSync(join(home, 'stack.json')), false);
    assert.equal(existsSync(join(home, 'start.lock')), false);
  });

  it('the next run resumes the same devices with their mods, installing nothing', async () => {
    const run = start(home);
    await until(() => /Mote console:/.test(run.out()), () => `the console (stderr so far: ${run.err()})`);
    await until(() => new RegExp(`esp32-kitchen online esp32 ${BATTERY} thermometer@1\\.1\\.0, blink@1\\.0\\.0`).test(devices(home)), 'the kitchen device to report its mods');
    assert.doesNotMatch(run.err(), /installed over the air|created a development signing key/);
    // What the operator did stays done: blink, removed last time, is not installed again.
    // The battery estimate survives the restart: not one boot's charge over a few milliseconds
    // (it showed the board's peak, or far above it, before).
    const { broker } = JSON.parse(readFileSync(join(home, 'stack.json'), 'utf8'));
    const listed = JSON.parse(spawnSync(process.execPath, [MOTE, 'devices', '--json', '--broker', broker], { cwd: PROJECT_ROOT, encoding: 'utf8' }).stdout);
    const kitchen = listed.find((device: { id: string }) => device.id === 'esp32-kitchen');
    assert.ok(kitchen.battery.averageMa < 100, `esp32-kitchen after a restart: ${JSON.stringify(kitchen.battery)} (ESP32 peak 170 mA)`);
    // (A device without mods deep-sleeps between radio wakes: online or asleep, with no mods.)
    assert.match(devices(home), new RegExp(`picow-hallway (?:online|asleep) pico-w(?: ${BATTERY})?\\n`));
    // SIGTERM (kill, timeout, docker stop) stops it as cleanly as Ctrl-C.
    run.child.kill('SIGTERM');
    assert.equal(await run.exited, 0, run.err());
    assert.match(run.err(), /mote: SIGTERM: stopping the devices, the console and the broker…\nmote: stopped\n$/);
    assert.equal(existsSync(join(home, 'stack.json')), false);
    assert.equal(existsSync(join(home, 'start.lock')), false);
  });
});
