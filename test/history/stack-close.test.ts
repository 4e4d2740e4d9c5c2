// `npm start` stopped (Ctrl-C): each awake device leaves cleanly, as `mote sim` does at its end
// (SimulatedNetwork.drain: outbox sent, session closed with a retained offline `state`). The
// stack stopped the devices' run loops and shut their machines down without it, so no device said
// offline: the broker, the console and the history recorder kept the last "online", and the next
// start's sleep timeline showed the devices online through the whole time the stack was down
// (found by a fresh review: npm start twice on one home, then the history's states table).
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { DEMO_FLEET } from '../../tools/stack/fleet.ts';
import { startStack, type Stack } from '../../tools/stack/stack.ts';

const DEVICE = 'picow-hallway';

describe('npm start stopped', function () {
  this.timeout(180_000);
  let stack: Stack | undefined;

  after(async () => stack?.close());

  it(`leaves cleanly: ${DEVICE} publishes its offline state before the broker closes`, async () => {
    const home = mkdtempSync(join(tmpdir(), 'mote-stack-close-'));
    stack = await startStack({ port: 0, home, fleet: DEMO_FLEET.filter((device) => device.id === DEVICE) });
    await stack.firstInstalls;
    // A subscriber as the console and the history recorder are: what reaches it before the broker closes.
    const watcher = await mqtt.connectAsync(stack.broker.url, { clientId: 'stack-close-watcher' });
    const states: boolean[] = [];
    watcher.on('message', (topic, payload) => states.push(JSON.parse(payload.toString()).online));
    await watcher.subscribeAsync(`mote/v1/${DEVICE}/state`);
    await new Promise((resolve) => setTimeout(resolve, 500)); // the retained "online"
    assert.deepEqual(states, [true]);
    const started = Date.now();
    await stack.close();
    await watcher.endAsync(true).catch(() => {});
    assert.deepEqual(states, [true, false], 'the states a subscriber heard, the stack stopping');
    assert.ok(Date.now() - started < 15_000, `stopping took ${Date.now() - started} ms`);
  });
});
