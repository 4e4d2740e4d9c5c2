// Facets whose methods live on one prototype shared by every mod (issue 15, memory): a mod must
// not be able to change that prototype, construct a facet of its own from the class behind it, or
// call a shared method on anything but its own genuine facet. Each attempt must be refused with a
// clean error (name and message, no host frames), and the witness mod, which uses the same shared
// classes, must keep its schedule.
import assert from 'node:assert/strict';
import { assertContained, attack, bootWithWitness, reported } from './harness.ts';

const MOD_FRAME = /^ at (?:[\w$.]+ )?\(mote-mod-sharer-\w+\/main\.ts:\d+\)$/;

describe('attack suite: shared facet prototypes', () => {
  attack('a shared prototype cannot be changed, its class not constructed, its methods not borrowed', async () => {
    const device = await bootWithWitness([{
      id: 'sharer',
      permissions: { timers: { max: 1, minInterval: 100 }, mqtt: { publish: ['telemetry/#'], subscribe: [] } },
      main: `import Timer from "mote/timer";
import mqtt from "mote/mqtt";
const results: string[] = [];
const refuse = (label: string, f: () => unknown) => {
  try { f(); results.push(label + ': did not throw'); } catch (e) {
    const error = e as Error;
    const [head, ...frames] = String(error instanceof Error && error.stack).split('\\n');
    const clean = error instanceof Error && head === error.name + ': ' + error.message && frames.every((frame) => ${MOD_FRAME}.test(frame));
    results.push(label + ': ' + (clean ? error.name : 'unclean ' + String(error && error.stack)));
  }
};
export default { onStart() {
  const T = Timer as any;
  const shared = Object.getPrototypeOf(T);
  refuse('replace a shared method', () => { shared.set = () => 'mine'; });
  refuse('add to the shared prototype', () => { shared.extra = 1; });
  refuse('add to the facet', () => { T.set = () => 'mine'; });
  // A context of the mod's making that allows everything: a forged facet would arm timers at 1 ms.
  const forged = { id: 'x', state: 'running', track() {}, assertLive() {}, allow: () => true, deny() {}, deliver() {} };
  refuse('construct the class', () => new shared.constructor({}, forged, { max: 99, minInterval: 0 }).set(() => {}, 1, 1));
  refuse('detached set', () => { const { set } = T; set(() => {}, 500); });
  refuse('borrowed on a fake', () => shared.set.call({}, () => {}, 500));
  refuse('borrowed on a subclass instance', () => shared.clear.call(Object.create(T), 1));
  const sharedConsole = Object.getPrototypeOf(console) as any;
  refuse('replace a console method', () => { sharedConsole.log = () => {}; });
  refuse('detached console.log', () => { const { log } = console; log('x'); });
  refuse('console method on a fake', () => sharedConsole.error.call({}, 'x'));
  refuse('construct a console', () => new sharedConsole.constructor({}, forged).log('x'));
  const registryMethods = Object.getPrototypeOf(new FinalizationRegistry(() => {}));
  refuse('replace a registry method', () => { registryMethods.register = () => {}; });
  refuse('registry method on a fake', () => registryMethods.register.call({}, {}, 1));
  refuse('registry without new', () => (FinalizationRegistry as any)(() => {}));
  const sharedMqtt = Object.getPrototypeOf(mqtt) as any;
  results.push('redefine an mqtt method: ' + Reflect.defineProperty(sharedMqtt, 'publish', { value: () => 1 }));
  refuse('detached mqtt.publish', () => { const { publish } = mqtt; publish('telemetry/x', 1); });
  refuse('mqtt method on a fake', () => sharedMqtt.subscribe.call({}, 'telemetry/x', () => {}));
  refuse('construct an mqtt facet', () => new sharedMqtt.constructor({}, forged).publish('telemetry/x', 1));
  const sharedIO = Object.getPrototypeOf(device.io) as any;
  results.push('redefine a device.io getter: ' + Reflect.defineProperty(sharedIO, 'Digital', { get: () => 1 }));
  refuse('device.io getter on a fake', () => Object.getOwnPropertyDescriptor(sharedIO, 'Digital')!.get!.call({}));
  refuse('construct a device.io', () => new sharedIO.constructor({}, forged).Digital);
  refuse('lazy global getter on a fake', () => Object.getOwnPropertyDescriptor(globalThis, 'Compartment')!.get!.call({}));
  refuse('compartment without new', () => (Compartment as any)({}));
  const child = new Compartment({ globals: { trace: 1 } as any });
  results.push('child: ' + [child instanceof Compartment, child.evaluate('typeof trace + typeof console.log + typeof Compartment + typeof FinalizationRegistry')].join(' '));
  for (const result of results) trace(result);
  console.error('console still works');
} };`,
    }]);
    await device.runFor(300);
    assert.deepEqual(reported(device, 'sharer'), [
      'replace a shared method: TypeError', 'add to the shared prototype: TypeError', 'add to the facet: TypeError',
      'construct the class: TypeError', 'detached set: TypeError', 'borrowed on a fake: TypeError', 'borrowed on a subclass instance: TypeError',
      'replace a console method: TypeError', 'detached console.log: TypeError', 'console method on a fake: TypeError', 'construct a console: TypeError',
      'replace a registry method: TypeError', 'registry method on a fake: TypeError', 'registry without new: TypeError',
      'redefine an mqtt method: false', 'detached mqtt.publish: TypeError', 'mqtt method on a fake: TypeError', 'construct an mqtt facet: TypeError',
      'redefine a device.io getter: false', 'device.io getter on a fake: TypeError', 'construct a device.io: TypeError',
      'lazy global getter on a fake: TypeError', 'compartment without new: TypeError', 'child: true functionfunctionfunctionfunction',
      'console still works',
    ]);
    await assertContained(device);
  });
});
