// The attack suite's harness. Every attack boots a device on the real XS engine with the
// attacking mod(s) and a witness mod that toggles pin 4 every 100 ms; it asserts that the attack's
// effect did not happen, and `assertContained` asserts that the host still answers and that the
// witness kept its schedule throughout (from the pin bank's write log, in virtual time). At the
// end of the run a root hook prints how many attacks were contained.
import assert from 'node:assert/strict';
import type { BoardSpec } from '../../simulator/boards.ts';
import type { SimulatedDevice } from '../../simulator/device.ts';
import { bootDevice, type InlineMod } from '../xs/helpers.ts';

export const WITNESS_PIN = 4;
export const WITNESS_PERIOD = 100;
/** What the witness sees of the shared world when it starts (after the attackers' module bodies and onStart). */
export const CLEAN_PROBE = 'probe: undefined|undefined|[object Number]|[1]|number|true|undefined';

export const witness: InlineMod = {
  id: 'witness',
  permissions: { digital: [{ pin: WITNESS_PIN, mode: 'output' }], timers: { max: 1, minInterval: WITNESS_PERIOD } },
  main: `import Timer from "mote/timer";
let level = 0;
export default { onStart() {
  const g = globalThis as any;
  trace('probe: ' + [typeof ([] as any).evil, typeof ({} as any).polluted, Object.prototype.toString.call(1), JSON.stringify([1]),
    typeof Date.now(), Math.random() < 1, typeof g.leaked].join('|'));
  const led = new device.io.Digital({ pin: ${WITNESS_PIN}, mode: device.io.Digital.Output });
  Timer.repeat(() => led.write((level ^= 1) as 0 | 1), ${WITNESS_PERIOD});
} };`,
};

let attempted = 0;
let contained = 0;

/** Declares one named attack; it counts as contained when every assertion in it held. */
export function attack(name: string, run: () => Promise<void>, timeout?: number): void {
  it(name, async function () {
    if (timeout) this.timeout(timeout);
    attempted++;
    await run();
    contained++;
  });
}

after(() => {
  if (attempted) process.stdout.write(`\n  attack suite: ${contained}/${attempted} attacks contained${contained === attempted ? ', host alive, witness on schedule' : ''}\n`);
});

export async function bootWithWitness(attackers: InlineMod[], board?: BoardSpec): Promise<SimulatedDevice> {
  return bootDevice([...attackers, witness], board);
}

export function linesOf(device: SimulatedDevice, tag: string): string[] {
  return device.logLines.filter((line) => line.tag === tag).map((line) => line.text.replace(/\n$/, ''));
}

/** The host answers, the witness is running and toggled pin 4 every 100 ms (one watchdog reset may cost it one period). */
export async function assertContained(device: SimulatedDevice): Promise<void> {
  assert.ok(device.alive, `the XS machine is down: ${device.exitReason}`);
  assert.deepEqual(device.uncaught, []);
  const status = await device.status();
  assert.ok(status, 'the host does not answer');
  const witnessStatus = status.mods.find((mod) => mod.id === 'witness');
  assert.equal(witnessStatus?.state, 'running', `witness: ${JSON.stringify(witnessStatus)}`);
  assert.ok(linesOf(device, 'witness').every((line) => !line.startsWith('probe:') || line === CLEAN_PROBE), `the witness saw a changed world: ${linesOf(device, 'witness')}`);
  const times = device.pins.writes.filter((write) => write.pin === WITNESS_PIN).map((write) => write.time);
  const now = device.clock.now;
  assert.ok(times.length >= Math.floor(now / WITNESS_PERIOD) - 2, `the witness wrote ${times.length} times in ${now} ms`);
  assert.ok(times[0] <= 2 * WITNESS_PERIOD, `the witness started late (${times[0]} ms)`);
  for (let i = 1; i < times.length; i++) {
    assert.ok(times[i] - times[i - 1] <= 2 * WITNESS_PERIOD, `the witness missed its schedule between ${times[i - 1]} and ${times[i]} ms`);
  }
  assert.ok(now - times.at(-1)! <= 2 * WITNESS_PERIOD, `the witness stopped at ${times.at(-1)} ms (now ${now} ms)`);
}

/** Source of code that, if it reached the engine's start compartment, would drive pin 5 high through Node. */
export const ESCAPE_BODY = `
  const enc = (m) => Uint8Array.from(JSON.stringify(m), (c) => c.charCodeAt(0)).buffer;
  const dec = (b) => JSON.parse(String.fromCharCode(...new Uint8Array(b)));
  if (typeof issueCommand !== 'function') return 'confined';
  const h = dec(issueCommand(enc({ op: 'digital.open', pin: 5, mode: 8, edge: 0 }))).value;
  issueCommand(enc({ op: 'digital.write', handle: h, value: 1 }));
  return 'escaped';
`;

/** Asserts that nothing ever drove pin 5 (the escape payload's target). */
export function assertPin5Untouched(device: SimulatedDevice): void {
  assert.deepEqual(device.pins.writes.filter((write) => write.pin === 5), []);
}

/** The lines an attacker traced, without the host's denial and lifecycle lines. */
export function reported(device: SimulatedDevice, id: string): string[] {
  return linesOf(device, id).filter((line) => !/^(denied|error in|crashed|stopped|quarantined|not started|\()/.test(line));
}
