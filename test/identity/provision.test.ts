// `mote provision`: a simulated device's folder or a factory image gets the device's id, its own
// login, the broker(s), its claim code and trusted keys; the registry keeps only hashes; bad input
// is refused with the reason and writes nothing (no preferences, no image, no registry entry).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './helpers.ts';
import { XIP_BASE } from '../../tools/firmware/flash-layout.ts';
import { decodePreferences, PREFERENCE_BYTES, PREFERENCE_OFFSET } from '../../tools/firmware/pico-preferences.ts';
import { writeUf2 } from '../../tools/firmware/uf2.ts';
import { IdentityRegistry } from '../../tools/identity/registry.ts';
import { broker } from '../net/helpers.ts';


function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'mote-provision-'));
  const keyDir = join(dir, 'keys');
  return { dir, registry: join(dir, 'registry.json'), keyDir, device: mkdtempSync(join(dir, 'device-')) };
}

describe('mote provision', function () {
  this.timeout(120_000); // the `mote sim` case boots a device and waits for its login in real time
  it('writes id, own login, brokers, claim code and trusted keys into a simulated device; the registry holds hashes', async () => {
    const { dir, registry, keyDir } = setup();
    const device = join(dir, 'devices', 'attic-7'); // a blank board: its folder is made (docs/getting-started.md step 7)
    assert.equal((await runCli(['keygen', '--out', keyDir])).code, 0);
    const result = await runCli(['provision', '--id', 'attic-7', '--broker', 'mqtt://127.0.0.1:1883,mqtt://127.0.0.2:1884', '--key', join(keyDir, 'mote.key'), '--device-dir', device, '--registry', registry]);
    assert.equal(result.code, 0, result.err);
    const code = /claim code (\w{4}-\w{4})/.exec(result.out)?.[1];
    assert.ok(code, result.out);
    const prefs = JSON.parse(readFileSync(join(device, 'preferences.json'), 'utf8'));
    assert.equal(prefs['mote-net'].deviceId, 'attic-7');
    assert.equal(prefs['mote-net'].user, 'attic-7');
    assert.match(prefs['mote-net'].password, /^[\w-]{32}$/);
    assert.equal(prefs['mote-net'].claim, code);
    assert.equal(prefs['mote-net'].brokers, '127.0.0.1:1883,127.0.0.2:1884');
    assert.equal(prefs['mote-ota'].device, 'attic-7');
    assert.match(prefs['mote-ota'].trust, /^[0-9a-f]{64}$/);
    const kept = new IdentityRegistry(registry);
    assert.equal(kept.checkDevice('attic-7', prefs['mote-net'].password), 'confirmed');
    assert.ok(!readFileSync(registry, 'utf8').includes(prefs['mote-net'].password), 'the registry stores the password itself');
    assert.ok(!readFileSync(registry, 'utf8').includes(code), 'the registry stores the claim code itself');
  });

  it('refuses bad input with the reason and writes nothing', async () => {
    const { registry, keyDir, device, dir } = setup();
    await runCli(['keygen', '--out', keyDir]);
    const key = join(keyDir, 'mote.key');
    assert.equal((await runCli(['provision', '--id', 'one', '--broker', 'mqtt://127.0.0.1:1883', '--key', key, '--device-dir', device, '--registry', registry])).code, 0);
    const before = readFileSync(registry, 'utf8');
    const other = mkdtempSync(join(dir, 'other-'));
    const cases: Array<[string[], RegExp]> = [
      [['--id', 'one'], /already provisioned; every device needs its own id/],
      [['--id', 'bad id'], /device id "bad id": use 1-62 letters/],
      [['--id', 'two', '--broker', 'mqtt://user:pw@127.0.0.1:1883'], /leave the login out of the URL/],
      [['--id', 'two', '--broker', 'http://127.0.0.1'], /scheme must be mqtt:\/\/ or mqtts:\/\//],
      [['--id', 'two', '--no-key'], /no trusted key/],
    ];
    for (const [extra, reason] of cases) {
      const args = ['provision', '--broker', 'mqtt://127.0.0.1:1883', '--key', key, '--device-dir', other, '--registry', registry];
      const merged = [...args, ...extra.filter((arg) => arg !== '--no-key')];
      if (extra.includes('--no-key')) merged.splice(merged.indexOf('--key'), 2);
      const result = await runCli(merged);
      assert.equal(result.code, 1, `${extra.join(' ')}: ${result.out}`);
      assert.match(result.err, reason);
      assert.ok(!existsSync(join(other, 'preferences.json')), `${extra.join(' ')} wrote preferences`);
      assert.equal(readFileSync(registry, 'utf8'), before, `${extra.join(' ')} changed the registry`);
    }
    // A device of a running `npm start` (its home holds start.lock with a live pid): refused, nothing written.
    const home = mkdtempSync(join(dir, 'home-'));
    const running = join(home, 'devices', 'two');
    mkdirSync(running, { recursive: true });
    writeFileSync(join(home, 'start.lock'), JSON.stringify({ pid: process.pid }));
    const busy = await runCli(['provision', '--id', 'two', '--broker', 'mqtt://127.0.0.1:1883', '--key', key, '--device-dir', running, '--registry', registry]);
    assert.equal(busy.code, 1);
    assert.match(busy.err, /this device runs in npm start \(pid \d+\); stop it first/);
    assert.ok(!existsSync(join(running, 'preferences.json')));
    assert.equal(readFileSync(registry, 'utf8'), before);
    const usage = await runCli(['provision', '--id', 'two', '--broker', 'mqtt://127.0.0.1:1883', '--key', key, '--registry', registry]);
    assert.equal(usage.code, 2);
    assert.match(usage.err, /--device-dir DIR \(a simulated device\) or --image FILE/);
  });

  it('writes a factory image whose Pico preferences hold the id, login, broker and claim code', async () => {
    const { registry, keyDir, dir } = setup();
    await runCli(['keygen', '--out', keyDir]);
    const firmware = join(dir, 'fw.uf2');
    writeFileSync(firmware, writeUf2(new Uint8Array(4096).fill(0x5a), XIP_BASE, [{ offset: 0, length: 4096 }]));
    const out = join(dir, 'factory');
    const result = await runCli(['provision', '--id', 'pico-9', '--broker', 'mqtt://192.168.1.5:1883', '--key', join(keyDir, 'mote.key'), '--image', out, '--board', 'pico_w', '--firmware', firmware, '--registry', registry]);
    assert.equal(result.code, 0, result.err);
    const raw = readFileSync(`${out}.bin`);
    const prefs = decodePreferences(new Uint8Array(raw.subarray(PREFERENCE_OFFSET, PREFERENCE_OFFSET + PREFERENCE_BYTES)));
    const value = (domain: string, key: string) => prefs.find((entry) => entry.domain === domain && entry.key === key)?.value;
    assert.equal(value('mote-net', 'deviceId'), 'pico-9');
    assert.equal(value('mote-net', 'host'), '192.168.1.5');
    assert.equal(value('mote-net', 'user'), 'pico-9');
    assert.equal(new IdentityRegistry(registry).checkDevice('pico-9', value('mote-net', 'password') as string), 'confirmed');
    assert.equal(value('mote-net', 'claim'), /claim code (\w{4}-\w{4})/.exec(result.out)?.[1]);
    // A board that does not exist: refused, no image, no registry entry for the id.
    const bad = await runCli(['provision', '--id', 'pico-10', '--broker', 'mqtt://192.168.1.5:1883', '--key', join(keyDir, 'mote.key'), '--image', join(dir, 'nope'), '--board', 'pico3', '--firmware', firmware, '--registry', registry]);
    assert.equal(bad.code, 1);
    assert.ok(!existsSync(join(dir, 'nope.uf2')));
    assert.equal(new IdentityRegistry(registry).device('pico-10'), undefined);
  });

  it('`mote sim --device-dir` starts a provisioned device with its own id, broker and login', async () => {
    const { registry, keyDir, device } = setup();
    await runCli(['keygen', '--out', keyDir]);
    const fleet = new IdentityRegistry(registry);
    const operator = fleet.addOperator('ops'); // the simulator's own recorder logs in as an operator
    const server = await broker({ identity: fleet });
    const provisioned = await runCli(['provision', '--id', 'shed-3', '--broker', server.url, '--key', join(keyDir, 'mote.key'), '--device-dir', device, '--registry', registry]);
    assert.equal(provisioned.code, 0, provisioned.err);
    const logins: string[] = [];
    server.aedes.on('clientReady', (client) => logins.push(client.id));
    // The running broker's registry was loaded before `mote provision` wrote the file: it must see the new device.
    const result = await runCli(['sim', '--device-dir', device, '--duration', '3s', '--warp', '--quiet', '--username', operator.user, '--password', operator.password]);
    assert.equal(result.code, 0, result.err);
    assert.deepEqual(logins.filter((id) => !id.startsWith('mote-')).sort(), ['shed-3']);
  });
});
