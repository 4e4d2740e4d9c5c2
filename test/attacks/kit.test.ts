// Every facet a mod is handed is built with the facet kit (issue 15): each argument is read once
// (getters and valueOf count their reads), and every refusal reaches the mod as an error whose
// stack is its name and message alone, no host frames. Covers Digital, I2C, PWM, mote/timer,
// mote/storage, mote/mqtt, mote/power, mote/sampling, mote/led, mote/button and a driver.
import assert from 'node:assert/strict';
import { modStatus } from '../xs/helpers.ts';
import { chipBoard } from '../xs/drivers/chip-board.ts';
import { assertContained, attack, bootWithWitness, reported } from './harness.ts';

const PERMISSIONS = {
  digital: [{ pin: 2, mode: 'output' }, { pin: 0, mode: 'input' }, { pin: 12, mode: 'output' }],
  i2c: [{ bus: 0, address: 0x44 }],
  timers: { max: 2, minInterval: 100 },
  storage: { bytes: 200 },
  mqtt: { publish: ['telemetry/#'], subscribe: ['cmd/#'] },
  power: { minWakeInterval: 60000, maxHoldAwake: 1000 },
  sampling: { minInterval: 60000 },
};

const PRELUDE = `import Timer from "mote/timer";
import storage from "mote/storage";
import mqtt from "mote/mqtt";
import power from "mote/power";
import sampling from "mote/sampling";
import LED from "mote/led";
import Button from "mote/button";
import SHT4x from "embedded:sensor/Humidity-Temperature/SHT4x";
const reads: Record<string, number> = {};
const count = (label: string) => { reads[label] = (reads[label] ?? 0) + 1; };
// An object whose every property is a getter that counts its reads.
const counted = (label: string, values: Record<string, unknown>) => {
  const object = {};
  for (const [key, value] of Object.entries(values)) Object.defineProperty(object, key, { enumerable: true, get() { count(label + '.' + key); return value; } });
  return object as any;
};
// A number that counts how often it is converted.
const numeric = (label: string, value: number) => ({ valueOf() { count(label); return value; } }) as any;
const run = (label: string, f: () => unknown) => { try { f(); } catch (e) { trace(label + ' threw ' + (e as Error).message); } };
const dirty: string[] = [];
// Each of these must throw an Error whose stack is its name and message, then at most the mod's
// own frames (a driver's error passes through the mod's code): never a host frame.
const MOD_FRAME = /^ at (?:[\\w$.]+ )?\\(mote-mod-stacker-\\w+\\/main\\.ts:\\d+\\)$/;
const refuse = (label: string, f: () => unknown) => {
  try { f(); dirty.push(label + ': did not throw'); } catch (e) {
    const error = e as Error;
    const [head, ...frames] = String(error instanceof Error && error.stack).split('\\n');
    if (!(error instanceof Error) || head !== error.name + ': ' + error.message || !frames.every((frame) => MOD_FRAME.test(frame))) dirty.push(label + ': ' + String(error && error.stack));
  }
};
const throwing = { get pin(): number { throw new Error('boom'); } } as any;
`;

describe('attack suite: every facet through the facet kit', () => {
  attack('each argument of every facet is read once', async () => {
    const device = await bootWithWitness([{
      id: 'counter',
      permissions: PERMISSIONS,
      main: `${PRELUDE}
export default { onStart() {
  const D = device.io.Digital;
  run('digital', () => new D(counted('digital', { pin: 2, mode: D.Output, edge: 0, target: 1 })).close());
  run('i2c', () => new device.io.I2C(counted('i2c', { port: 0, address: 0x44, hz: 100000, target: 1 })).close());
  run('pwm', () => new (device.io as any).PWM(counted('pwm', { pin: 12, hz: 1000, resolution: 10, target: 1 })).close());
  run('timer', () => { const t = Timer.set(() => {}, numeric('timer.interval', 500), numeric('timer.repeat', 500)); Timer.schedule(t, numeric('schedule.interval', 200), numeric('schedule.repeat', 0)); Timer.clear(t); });
  run('storage', () => storage.set('k', counted('storage', { a: 1, b: 'x' })));
  run('mqtt', () => mqtt.publish('telemetry/x', 1, counted('publish', { qos: 1, retain: false, absolute: false })));
  run('subscribe', () => mqtt.subscribe('cmd/x', () => {}, counted('subscribe', { absolute: false })));
  run('every', () => power.every(numeric('every.interval', 60000), () => {}, counted('every', { name: 'n', slack: 10 })).close());
  run('hold', () => power.holdAwake(numeric('hold.ms', 500), 'r').close());
  run('declare', () => sampling.declare(counted('declare', {
    name: 'n', read: () => 1, slack: 0,
    adaptive: counted('adaptive', { minInterval: 60000, maxInterval: 120000, tolerance: 0.5, noise: 0.1 }),
    report: counted('report', { sendOnDelta: 1 }),
  })).close());
  run('led', () => new LED(counted('led', { pin: 2, invert: false, dimmable: false, openDrain: false })).close());
  run('button', () => new Button(counted('button', { pin: 0, activeLow: true, pull: 'up', debounce: 30, onPush() {} })).close());
  run('sensor', () => new SHT4x({ sensor: counted('sensor', { ...device.I2C.default, address: 0x44 }) }).close());
  trace(Object.entries(reads).filter(([, n]) => n !== 1).map(([k, n]) => k + ' x' + n).join(', ') || 'each read once');
  trace(Object.keys(reads).length + ' arguments');
} };`,
    }], chipBoard('sht4x', 0x44));
    await device.runFor(300);
    // mqtt.publish has no network here: it is refused after its options were read.
    assert.deepEqual(reported(device, 'counter').filter((line) => !line.startsWith('mqtt threw') && !line.startsWith('subscribe threw')), ['each read once', '51 arguments']);
    await assertContained(device);
  });

  attack('every refusal of every facet has a clean stack', async () => {
    const device = await bootWithWitness([{
      id: 'stacker',
      permissions: PERMISSIONS,
      main: `${PRELUDE}
export default { onStart() {
  const D = device.io.Digital;
  refuse('digital pin', () => new D({ pin: 9, mode: D.Output }));
  refuse('digital null', () => new D(null as any));
  refuse('digital getter', () => new D(throwing));
  refuse('digital format', () => { const d = new D({ pin: 2, mode: D.Output }); try { (d as any).format = 'buffer'; } finally { d.close(); } });
  refuse('digital closed', () => { const d = new D({ pin: 2, mode: D.Output }); d.close(); d.write(1); });
  // The class every mod shares, reached through the prototype chain, opens nothing without a mod's scope.
  refuse('digital shared class', () => new (Object.getPrototypeOf(D))({ pin: 2, mode: D.Output }));
  refuse('i2c shared class', () => new (Object.getPrototypeOf(device.io.I2C))({ port: 0, address: 0x44 }));
  refuse('subclass of the shared class', () => new (class extends Object.getPrototypeOf(D) {})({ pin: 2, mode: D.Output }));
  refuse('i2c port', () => new device.io.I2C({ port: 7, address: 0x44 } as any));
  refuse('i2c address', () => new device.io.I2C({ port: 0, address: 0x45 }));
  refuse('i2c nack', () => { const i = new device.io.I2C({ port: 0, address: 0x44 }); try { i.read(new Uint8Array(600000)); } finally { i.close(); } });
  refuse('pwm pin', () => new (device.io as any).PWM({ pin: 9 }));
  refuse('pwm getter', () => new (device.io as any).PWM(throwing));
  refuse('timer interval', () => Timer.set(() => {}, 1));
  refuse('timer callback', () => Timer.set(5 as any, 500));
  refuse('timer schedule', () => Timer.schedule({} as any, 500));
  refuse('timer symbol', () => Timer.set(() => {}, Symbol('s') as any));
  refuse('storage key', () => storage.set('', 1));
  refuse('storage cycle', () => { const a: any = {}; a.a = a; storage.set('k', a); });
  refuse('storage bigint', () => storage.set('k', 1n as any));
  refuse('storage quota', () => storage.set('k', 'x'.repeat(300)));
  refuse('mqtt topic', () => mqtt.publish(5 as any, 1));
  refuse('mqtt options', () => mqtt.publish('telemetry/x', 1, 5 as any));
  refuse('mqtt qos', () => mqtt.publish('telemetry/x', 1, { qos: 2 as any }));
  refuse('mqtt getter', () => mqtt.publish('telemetry/x', 1, { get qos(): 0 { throw new Error('boom'); } }));
  refuse('mqtt no network', () => mqtt.publish('telemetry/x', 1));
  refuse('power interval', () => power.every(1, () => {}));
  refuse('power name', () => power.every(60000, () => {}, { name: { toString() { throw new Error('boom'); } } as any }));
  refuse('power hold', () => power.holdAwake(1000000, 'long'));
  refuse('power pin', () => power.wakeOnPin(9, 0));
  refuse('power level', () => power.wakeOnPin(0, 5 as any));
  refuse('power retain', () => power.retain('x'.repeat(300)));
  refuse('sampling name', () => sampling.declare({} as any));
  refuse('sampling interval', () => sampling.declare({ name: 'n', read: () => 1, interval: 1000 }));
  refuse('sampling adaptive', () => sampling.declare({ name: 'n', read: () => 1, adaptive: { minInterval: 60000, maxInterval: 1, tolerance: 1 } }));
  refuse('sampling onReports', () => sampling.onReports(5 as any));
  refuse('led options', () => new LED({} as any));
  refuse('led pin', () => new LED({ pin: 9 }));
  refuse('led brightness', () => { const led = new LED({ pin: 2 }); try { led.brightness = 2; } finally { led.close(); } });
  refuse('led closed', () => { const led = new LED({ pin: 2 }); led.close(); led.on(); });
  refuse('button debounce', () => new Button({ pin: 0, debounce: 5000 }));
  refuse('button pull', () => new Button({ pin: 0, pull: 'sideways' as any }));
  refuse('button pin', () => new Button({ pin: 2 }));
  refuse('sensor address', () => new SHT4x({ sensor: { ...device.I2C.default, address: 0x45 } }));
  refuse('sensor options', () => new SHT4x({} as any));
  trace(dirty.length ? dirty.join(' | ') : 'all clean');
} };`,
    }], chipBoard('sht4x', 0x44));
    await device.runFor(300);
    assert.deepEqual(reported(device, 'stacker'), ['all clean']);
    assert.equal((await modStatus(device, 'stacker')).state, 'running');
    await assertContained(device);
  });
});
