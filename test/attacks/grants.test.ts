// Attacks on the value a grant is checked against: a facet must check the value the board (or
// the sampler) will actually use, after the coercion the board applies, read exactly once; and
// a shared bus or channel pool must not be taken over by one mod.
import assert from 'node:assert/strict';
import { modStatus } from '../xs/helpers.ts';
import { assertContained, attack, bootWithWitness, reported, WITNESS_PIN } from './harness.ts';

const TRY = `const tryIt = (label: string, f: () => unknown) => {
  try { trace(label + ': ' + String(f())); } catch (e) { trace(label + ': threw ' + ((e as any)?.name ?? typeof e) + (/granted for input only/.test((e as any)?.message) ? ' (input only)' : '')); }
};
`;

describe('attack suite: grants checked on the value used', () => {
  attack('Digital mode "8", 8.5 and { valueOf: () => 8 } on an input-only pin', async () => {
    const device = await bootWithWitness([{
      id: 'coercer',
      permissions: { digital: [{ pin: 2, mode: 'input' }] },
      main: `${TRY}
export default { onStart() {
  for (const [label, mode] of [['string', '8'], ['fraction', 8.5], ['valueOf', { valueOf: () => 8 }]] as const) {
    tryIt(label, () => { const d = new device.io.Digital({ pin: 2, mode: mode as any }); d.write(1); return 'driven'; });
  }
  tryIt('input', () => { const d = new device.io.Digital({ pin: 2, mode: '0' as any }); const v = d.read(); d.close(); return 'read ' + v; });
} };`,
    }]);
    await device.runFor(300);
    assert.deepEqual(reported(device, 'coercer'), ['string: threw Error (input only)', 'fraction: threw Error (input only)', 'valueOf: threw Error (input only)', 'input: read 0']);
    assert.equal((await modStatus(device, 'coercer')).denials, 3);
    assert.deepEqual(device.pins.writes.filter((write) => write.pin !== WITNESS_PIN), []);
    await assertContained(device);
  });

  attack('sampling: an adaptive.minInterval getter that passes the grant, then samples every millisecond', async () => {
    const device = await bootWithWitness([{
      id: 'sampler',
      permissions: { sampling: { minInterval: 60000 } },
      main: `import sampling from "mote/sampling";
let reads = 0, samples = 0;
const adaptive = { get minInterval() { return reads++ === 0 ? 60000 : 1; }, maxInterval: 3, tolerance: 0.1 };
export default { onStart() {
  try {
    sampling.declare({ name: 'fast', adaptive, read: () => { samples++; if (samples % 100 === 0) trace('samples ' + samples); return samples % 7; } });
  } catch (e) { trace('declare: threw ' + (e as Error).name); }
} };`,
    }]);
    await device.runFor(3000);
    // Read once, minInterval is 60000 ms: above maxInterval, so the sampler refuses the declaration.
    assert.deepEqual(reported(device, 'sampler'), ['declare: threw RangeError']);
    await assertContained(device);
  });

  attack('I2C: a 1 Hz bus clock on the shared bus', async () => {
    const device = await bootWithWitness([{
      id: 'slowpoke',
      permissions: { i2c: [{ bus: 0, address: 0x48 }] },
      main: `${TRY}
export default { onStart() {
  tryIt('1 Hz', () => { new device.io.I2C({ port: 0, address: 0x48, hz: 1 }); return 'opened'; });
  // Closed again: the SDK's I2C allows one open instance per address ("duplicate address").
  tryIt('valueOf', () => { let n = 0; new device.io.I2C({ port: 0, address: 0x48, hz: { valueOf: () => (n++ ? 1 : 100000) } as any }).close(); return 'opened'; });
  tryIt('default', () => { const i2c = new device.io.I2C({ port: 0, address: 0x48 }); i2c.close(); return 'opened'; });
} };`,
    }]);
    await device.runFor(300);
    assert.deepEqual(reported(device, 'slowpoke'), ['1 Hz: threw Error', 'valueOf: opened', 'default: opened']);
    await assertContained(device);
  });

  attack('PWM: one mod takes every channel of the board', async () => {
    const device = await bootWithWitness([
      {
        id: 'hog',
        permissions: { digital: [12, 13, 14, 15].map((pin) => ({ pin, mode: 'output' })) },
        main: `${TRY}\nexport default { onStart() { for (const pin of [12, 13, 14, 15]) tryIt('pin ' + pin, () => { new (device.io as any).PWM({ pin }); return 'taken'; }); } };`,
      },
      {
        id: 'dimmer',
        permissions: { digital: [{ pin: 16, mode: 'output' }] },
        main: `${TRY}\nexport default { onStart() { tryIt('pin 16', () => { new (device.io as any).PWM({ pin: 16 }).write(512); return 'dimmed'; }); } };`,
      },
    ]);
    await device.runFor(300);
    assert.deepEqual(reported(device, 'hog'), ['pin 12: taken', 'pin 13: taken', 'pin 14: threw Error', 'pin 15: threw Error']);
    assert.deepEqual(reported(device, 'dimmer'), ['pin 16: dimmed']);
    await assertContained(device);
  });
});

describe('attack suite: helpers read their options once', () => {
  attack('mote/led and mote/button options whose getters change between check and use', async () => {
    const device = await bootWithWitness([{
      id: 'shifter',
      permissions: { digital: [{ pin: 2, mode: 'output' }, { pin: 0, mode: 'input' }] },
      main: `import LED from "mote/led";
import Button from "mote/button";
${TRY}
const shifting = (first: number, then: number) => { let reads = 0; return { get pin() { return reads++ ? then : first; } }; };
export default { onStart() {
  tryIt('led', () => { const led = new LED(shifting(2, 5) as any); led.on(); return 'on'; });
  tryIt('button', () => { new Button(Object.assign(shifting(0, 6), { onPush() {} }) as any); return 'watching'; });
} };`,
    }]);
    await device.runFor(300);
    // Read once: the pin checked (2, 0) is the pin opened; nothing is asked of pins 5 or 6.
    assert.deepEqual(reported(device, 'shifter'), ['led: on', 'button: watching']);
    assert.equal((await modStatus(device, 'shifter')).denials, 0);
    await assertContained(device);
  });
});
