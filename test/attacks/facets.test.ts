// Attacks on the facets a mod is handed: arguments that change between check and use, facet
// prototypes, storage keys and quota, and facets kept after the mod was stopped.
import assert from 'node:assert/strict';
import { modStatus } from '../xs/helpers.ts';
import { assertContained, attack, bootWithWitness, reported, WITNESS_PIN } from './harness.ts';

const TRY = `const tryIt = (label: string, f: () => unknown) => {
  try { trace(label + ': ' + String(f())); } catch (e) { trace(label + ': threw ' + ((e as any)?.name ?? typeof e)); }
};
`;

describe('attack suite: facets', () => {
  attack('TOCTOU: options whose getters, Proxies or valueOf change between check and use', async () => {
    const device = await bootWithWitness([{
      id: 'trickster',
      permissions: { digital: [{ pin: 2, mode: 'output' }, { pin: 0, mode: 'input' }], timers: { max: 2, minInterval: 1000 } },
      main: `import Timer from "mote/timer";
${TRY}
let reads = 0;
const flipping = { get pin() { return reads++ === 0 ? 2 : 5; }, mode: device.io.Digital.Output };
const proxy = new Proxy({ pin: 2, mode: device.io.Digital.Output }, { get(target: any, key) { return key === 'pin' ? (reads++ % 2 ? 5 : 2) : target[key]; } });
let modeReads = 0;
const mode = { get mode() { return modeReads++ === 0 ? device.io.Digital.Input : device.io.Digital.Output; }, pin: 0 };
let intervalReads = 0;
const interval = { valueOf() { return intervalReads++ === 0 ? 1000 : 1; } };
let fires = 0;
export default { onStart() {
  tryIt('getter', () => { const d = new device.io.Digital(flipping as any); d.write(1); d.close(); return 'pin 2 written'; });
  tryIt('proxy', () => { const d = new device.io.Digital(proxy as any); d.write(1); d.close(); return 'pin 2 written'; });
  tryIt('mode', () => { const d = new device.io.Digital(mode as any); d.write(1 as any); return 'written'; });
  tryIt('interval', () => { Timer.set(() => { fires++; }, 1000, interval as any); return 'armed'; });
  Timer.set(() => trace('fires ' + fires), 2900);
} };`,
    }]);
    await device.runFor(3000);
    // Each option is read once: the value checked is the value used (the Proxy's first read was pin 5, refused).
    assert.deepEqual(reported(device, 'trickster'), ['getter: pin 2 written', 'proxy: threw Error', 'mode: threw Error', 'interval: armed', 'fires 2']);
    assert.deepEqual(device.pins.writes.filter((write) => write.pin !== WITNESS_PIN).map((write) => write.pin), [2]);
    await assertContained(device);
  });

  attack('facet prototype and namespace mutation', async () => {
    const device = await bootWithWitness([{
      id: 'mutator',
      permissions: { digital: [{ pin: 2, mode: 'output' }], timers: { max: 1, minInterval: 100 }, storage: { bytes: 100 } },
      main: `import Timer from "mote/timer";
import storage from "mote/storage";
import * as timerNs from "mote/timer";
${TRY}
export default { onStart() {
  const led = new device.io.Digital({ pin: 2, mode: device.io.Digital.Output });
  tryIt('Digital.prototype.write', () => { (device.io.Digital as any).prototype.write = () => {}; return 'set'; });
  tryIt('instance prototype', () => { Object.getPrototypeOf(led).constructor = null; return 'set'; });
  tryIt('Digital.Output', () => { (device.io.Digital as any).Output = 0; return 'set'; });
  tryIt('device.io.Digital', () => { (device.io as any).Digital = class {}; return 'set'; });
  tryIt('Timer.set', () => { (Timer as any).set = () => {}; return 'set'; });
  tryIt('namespace', () => { (timerNs as any).default = {}; return 'set'; });
  tryIt('storage.set', () => { (storage as any).set = () => {}; return 'set'; });
  tryIt('I2C.default', () => { (device.I2C as any).default = { port: 9 }; return 'set'; });
} };`,
    }]);
    await device.runFor(500);
    assert.deepEqual(reported(device, 'mutator').map((line) => line.replace(/: threw (TypeError|Error)$/, ': refused')), [
      'Digital.prototype.write: refused', 'instance prototype: refused', 'Digital.Output: refused', 'device.io.Digital: refused',
      'Timer.set: refused', 'namespace: refused', 'storage.set: refused', 'I2C.default: refused',
    ]);
    await assertContained(device);
  });

  attack('storage key escapes: another mod\'s slot, path-like and prototype keys', async () => {
    const device = await bootWithWitness([
      { id: 'keeper', permissions: { storage: { bytes: 200 } }, main: `import storage from "mote/storage"; export default { onStart() { storage.set("secret", "s3cr3t"); } };` },
      {
        id: 'snoop',
        permissions: { storage: { bytes: 200 } },
        main: `import storage from "mote/storage";
${TRY}
export default { onStart() {
  for (const key of ['secret', '../keeper/secret', 'keeper/secret', '__proto__', 'constructor', 'mb8e3c4a9', '']) tryIt(JSON.stringify(key), () => JSON.stringify(storage.get(key)));
  tryIt('__proto__ set', () => { storage.set('__proto__', { polluted: 1 }); return JSON.stringify(storage.get('__proto__')) + ' ' + typeof ({} as any).polluted; });
  tryIt('object key', () => storage.get({ toString: () => 'secret' } as any));
  tryIt('keys', () => storage.keys().join());
} };`,
      },
    ]);
    await device.runFor(500);
    assert.deepEqual(reported(device, 'snoop'), [
      '"secret": undefined', '"../keeper/secret": undefined', '"keeper/secret": undefined', '"__proto__": undefined', '"constructor": undefined',
      '"mb8e3c4a9": undefined', '"": threw TypeError', '__proto__ set: {"polluted":1} undefined', 'object key: threw TypeError', 'keys: __proto__',
    ]);
    assert.equal((await modStatus(device, 'keeper')).state, 'running');
    const stored = device.storage.preferenceKeys('mote-store').filter((key) => key !== 'index');
    assert.equal(stored.length, 2, 'one record per mod');
    await assertContained(device);
  });

  attack('storage slot collision: an id with the same 32-bit FNV-1a hash as the victim\'s sets, then deletes', async () => {
    // "vault-2pfs" and "vault-jvja" share the FNV-1a hash 0x4b8e7fcf (found by a birthday search).
    const device = await bootWithWitness([
      { id: 'vault-2pfs', permissions: { storage: { bytes: 200 }, timers: { max: 1, minInterval: 100 } }, main: `import storage from "mote/storage";
import Timer from "mote/timer";
export default { onStart() { storage.set("secret", "s3cr3t"); Timer.set(() => trace('secret: ' + storage.get("secret")), 500); } };` },
      { id: 'vault-jvja', permissions: { storage: { bytes: 200 } }, main: `import storage from "mote/storage";
${TRY}
export default { onStart() { tryIt('get', () => storage.get("secret")); tryIt('set', () => { storage.set("x", 1); return 'set'; }); tryIt('delete', () => { storage.delete("x"); return 'deleted'; }); } };` },
    ]);
    await device.runFor(300);
    await device.modAction('stop', 'vault-2pfs');
    await device.modAction('start', 'vault-2pfs');
    await device.runFor(700);
    assert.deepEqual(reported(device, 'vault-jvja'), ['get: undefined', 'set: set', 'delete: deleted']);
    assert.deepEqual(reported(device, 'vault-2pfs'), ['secret: s3cr3t']);
    await assertContained(device);
  });

  attack('storage writes are rate-limited (flash wear)', async () => {
    const device = await bootWithWitness([{
      id: 'wearer',
      permissions: { storage: { bytes: 200 }, timers: { max: 1, minInterval: 100 } },
      main: `import storage from "mote/storage";
import Timer from "mote/timer";
let n = 0;
export default { onStart() { Timer.repeat(() => { for (let i = 0; i < 50; i++) { try { storage.set('k', n++); } catch {} } }, 100); } };`,
    }]);
    await device.runFor(10000);
    const status = await modStatus(device, 'wearer');
    const written = 100 * 50 - status.denials;
    // A burst of 20, then 2 a second.
    assert.ok(written <= 20 + 2 * 10 + 1, `${written} flash writes in 10 s`);
    assert.equal(status.state, 'running');
    await assertContained(device);
  });

  attack('storage quota: filling beyond the grant', async () => {
    const device = await bootWithWitness([{
      id: 'filler',
      permissions: { storage: { bytes: 1000 }, timers: { max: 1, minInterval: 100 } },
      main: `import storage from "mote/storage";
import Timer from "mote/timer";
let n = 0, refused = 0;
export default { onStart() {
  Timer.repeat(() => { for (let i = 0; i < 20; i++) { try { storage.set('k' + n++, 'x'.repeat(90)); } catch { refused++; } } }, 100);
} };`,
    }]);
    await device.runFor(1000);
    const status = await modStatus(device, 'filler');
    assert.equal(status.state, 'running');
    assert.ok(status.denials > 100, `${status.denials} refusals`);
    const [slot] = device.storage.preferenceKeys('mote-store').filter((key) => key !== 'index');
    const record = device.storage.preferenceGet('mote-store', slot) as { bytes: number[] };
    const entries = JSON.parse(Buffer.from(record.bytes).toString('utf8')).entries as [string, string][];
    const used = entries.reduce((sum, [key, value]) => sum + Buffer.byteLength(key) + Buffer.byteLength(value), 0);
    assert.ok(used <= 1000 && used > 900, `${used} bytes stored`);
    await assertContained(device);
  });

  attack('use after revoke: facets kept by a stopped mod throw, and nothing is opened', async () => {
    const device = await bootWithWitness([{
      id: 'lingerer',
      permissions: { digital: [{ pin: 2, mode: 'output' }], timers: { max: 2, minInterval: 100 }, storage: { bytes: 100 }, power: { minWakeInterval: 60000, maxHoldAwake: 1000 } },
      main: `import Timer from "mote/timer";
import storage from "mote/storage";
import power from "mote/power";
let led: any;
const Digital = device.io.Digital;
const attempts: string[] = [];
const tryIt = (label: string, f: () => unknown) => { try { f(); attempts.push(label + ' worked'); } catch (e) { attempts.push(label + ' refused'); } };
export default {
  onStart() { led = new Digital({ pin: 2, mode: Digital.Output }); Timer.set(() => {}, 100000); },
  onStop() {
    Promise.resolve().then(() => {
      tryIt('write', () => led.write(1));
      tryIt('open', () => new Digital({ pin: 2, mode: Digital.Output }).write(1));
      tryIt('timer', () => Timer.set(() => led.write(1), 100));
      tryIt('storage', () => storage.set('k', 1));
      tryIt('pwm', () => new (device.io as any).PWM({ pin: 2 }).write(1));
      tryIt('power', () => power.holdAwake(500, 'linger'));
      trace(attempts.join(', '));
    });
  },
};`,
    }]);
    await device.runFor(300);
    const before = device.pins.writes.filter((write) => write.pin === 2).length;
    await device.modAction('stop', 'lingerer');
    await device.runFor(1000);
    assert.deepEqual(reported(device, 'lingerer'), ['write refused, open refused, timer refused, storage refused, pwm refused, power refused']);
    assert.equal(device.pins.writes.filter((write) => write.pin === 2).length, before);
    assert.deepEqual(device.pwm.writes, []);
    assert.equal((await modStatus(device, 'lingerer')).state, 'stopped');
    assert.equal(device.pins.openHandles, 1, 'only the witness holds a pin');
    await assertContained(device);
  });
});
