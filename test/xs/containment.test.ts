import assert from 'node:assert/strict';
import { bootDevice, linesOf, modStatus } from './helpers.ts';

const ticker = {
  id: 'ticker',
  permissions: { timers: { max: 1, minInterval: 100 } },
  main: `import Timer from "mote/timer";
let ticks = 0;
export default { onStart() { Timer.repeat(() => { ticks++; if (ticks % 10 === 0) trace('tick ' + ticks); }, 100); } };`,
};

describe('failure containment on XS', () => {
  it('a mod that throws in onStart is restarted with backoff, then quarantined; another keeps its schedule', async () => {
    const device = await bootDevice([{ id: 'thrower', main: `export default { onStart() { throw new Error('boom'); } };` }, ticker]);
    await device.runFor(900);
    let thrower = await modStatus(device, 'thrower');
    assert.equal(thrower.state, 'crashed');
    assert.equal(thrower.errors, 1);
    assert.match(thrower.lastError ?? "", /onStart: boom/);
    await device.runFor(30000);
    thrower = await modStatus(device, 'thrower');
    // Crashes at 0, then restarts after 1 s, 4 s and 16 s; the fourth crash quarantines it.
    assert.equal(thrower.state, 'quarantined');
    assert.equal(thrower.starts, 4);
    assert.equal(thrower.errors, 4);
    assert.match(thrower.quarantine ?? '', /crashed 4 times in a row \(last: onStart: boom \(mote-mod-thrower-\w+\/main\.ts:1\)\)/);
    const restarts = linesOf(device, 'thrower').filter((line) => line.startsWith('crashed'));
    assert.deepEqual(restarts, ['crashed; its resources are closed; restart in 1000 ms', 'crashed; its resources are closed; restart in 4000 ms', 'crashed; its resources are closed; restart in 16000 ms']);
    assert.equal(linesOf(device, 'ticker').at(-1), 'tick 300'); // 30.9 s at one tick per 100 ms, a line every 10
    assert.equal((await modStatus(device, 'ticker')).state, 'running');
    assert.ok(device.alive);
  });

  it('a mod crashing alone is restarted on time, not after a deep sleep: the device stays awake until it is quarantined', async () => {
    // Nothing else holds the device awake, so the power manager would deep-sleep it (for hours)
    // between the crash and its restart, and the crash count began again after the wake.
    const device = await bootDevice([{ id: 'thrower', main: `export default { onStart() { throw new Error('boom'); } };` }]);
    await device.runFor(30000);
    const thrower = await modStatus(device, 'thrower');
    assert.equal(thrower.state, 'quarantined', JSON.stringify(thrower));
    assert.equal(thrower.starts, 4);
    const slept = device.logLines.findIndex((line) => line.tag === 'power' && line.text.startsWith('deep sleep'));
    const quarantined = device.logLines.findIndex((line) => line.tag === 'thrower' && line.text.startsWith('quarantined'));
    assert.ok(slept < 0 || slept > quarantined, `deep sleep before the quarantine: ${device.logLines.map((line) => `[${line.tag}] ${line.text}`).join('\n')}`);
  });

  it('an async onStart that rejects and an async timer callback that throws are the mod\'s errors, not unhandled ones', async () => {
    const device = await bootDevice([{
      id: 'asyncer',
      permissions: { timers: { max: 1, minInterval: 100 } },
      main: `import Timer from "mote/timer";
export default { async onStart() { Timer.set(async () => { throw new Error('timer boom'); }, 100); await 0; throw new Error('start boom'); } };`,
    }]);
    await device.runFor(500);
    const status = await modStatus(device, 'asyncer');
    assert.equal(status.errors, 2, JSON.stringify(status));
    assert.match(status.lastError ?? '', /\(async\): timer boom/);
    const errors = linesOf(device, 'asyncer').filter((line) => line.startsWith('error in'));
    assert.equal(errors.length, 2, errors.join('\n'));
    assert.match(errors[0], /^error in onStart \(async\): start boom/);
    assert.equal(device.logLines.some((line) => /unhandled/i.test(line.text)), false, device.logLines.map((line) => line.text).join('\n'));
  });

  it('a default export that cannot start anything is warned about: none at all, or onstart for onStart', async () => {
    const device = await bootDevice([
      { id: 'noexport', main: `trace("body ran");` },
      { id: 'misspelt', main: `export default { onstart() { trace("never"); } };` },
      { id: 'fine', main: `export default { onStart() {} };` },
    ]);
    await device.runFor(200);
    assert.deepEqual(linesOf(device, 'noexport').filter((line) => line.startsWith('exports')), ['exports no default object, so nothing is started after its module body; write export default { onStart() { … } }']);
    assert.deepEqual(linesOf(device, 'misspelt'), ['its default export has "onstart", which is never called; the runtime calls onStart']);
    assert.deepEqual(linesOf(device, 'fine'), []);
  });

  it('exceptions in timer callbacks are caught and counted each time, the mod keeps running', async () => {
    const device = await bootDevice([
      {
        id: 'flaky',
        permissions: { timers: { max: 1, minInterval: 100 } },
        main: `import Timer from "mote/timer";
export default { onStart() { Timer.repeat(() => { throw new TypeError('bad tick'); }, 250); } };`,
      },
      ticker,
    ]);
    await device.runFor(1000);
    const flaky = await modStatus(device, 'flaky');
    assert.equal(flaky.errors, 4);
    assert.equal(flaky.state, 'running');
    assert.deepEqual(linesOf(device, 'ticker'), ['tick 10']);
  });

  it('a mod whose module body throws does not stop the others from starting', async () => {
    const device = await bootDevice([{ id: 'broken', main: `throw new Error('at load'); export default {};` }, ticker]);
    await device.runFor(1000);
    const broken = await modStatus(device, 'broken');
    assert.equal(broken.state, 'crashed');
    assert.match(broken.lastError ?? "", /loading: at load/);
    assert.equal((await modStatus(device, 'ticker')).state, 'running');
  });

  it('an invalid manifest is refused with the field named, and the other mods start', async () => {
    const device = await bootDevice([
      { id: 'bad', main: 'export default {};', manifest: { modules: { '*': ['./main'] }, mote: { id: 'Bad Id', version: '1', permissions: { digital: [{ pin: 'two', mode: 'out' }], wifi: true } } } },
      ticker,
    ]);
    const status = await device.status();
    assert.equal(status!.rejected.length, 1);
    const { error } = status!.rejected[0];
    assert.match(error, /mote\.id: expected lower-case letters/);
    assert.match(error, /mote\.version: expected a semantic version/);
    assert.match(error, /mote\.permissions\.digital\[0\]\.pin: expected an integer/);
    assert.match(error, /mote\.permissions\.digital\[0\]\.mode: expected "input" or "output", got "out"/);
    assert.match(error, /mote\.permissions\.wifi: unknown permission kind/);
    assert.deepEqual(status!.mods.map((mod: { id: string }) => mod.id), ['ticker']);
  });

  it('stopping the host runs onStop and closes what each mod opened', async () => {
    const device = await bootDevice([
      {
        id: 'led',
        permissions: { digital: [{ pin: 2, mode: 'output' }] },
        main: `let led: any;
export default { onStart() { led = new device.io.Digital({ pin: 2, mode: device.io.Digital.Output }); led.write(1); },
  onStop() { trace('onStop'); } };`,
      },
    ]);
    assert.equal(device.pins.openHandles, 1);
    await device.shutdown();
    assert.deepEqual(linesOf(device, 'led'), ['onStop', 'stopped (shutdown)']);
    assert.equal(device.pins.openHandles, 0);
  });
});
