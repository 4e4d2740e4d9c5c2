// One live device per id, on the embedded broker (Aedes): a board cloned from another's flash
// (same id, same password) is refused while the original is online, the original keeps its
// session, and the fleet is alerted on mote/fleet/identity/<id>/clone.
import assert from 'node:assert/strict';
import { linesOf } from '../xs/helpers.ts';
import { bootNetDevice, broker, consumer, driveUntil, until } from '../net/helpers.ts';
import { storedDevice } from '../../tools/identity/provision.ts';
import { cloneDir, provisionedDir, tempRegistry } from './helpers.ts';

const connected = (lines: string[]) => lines.filter((line) => line.startsWith('connected')).length;

describe('identity: one live device per id (Aedes)', function () {
  this.timeout(120_000); // several devices in turn, each waited for in real time: minutes on a loaded 2-core machine
  it('refuses a clone of an online device by its credentials and alerts the operator', async () => {
    const registry = tempRegistry();
    const operator = registry.addOperator('ops');
    const server = await broker({ identity: registry });
    const { dir } = provisionedDir(registry, 'sensor-1', server.url);
    const clone = cloneDir(dir);
    const { messages } = await consumer(server.url, ['mote/fleet/identity/#', 'mote/v1/sensor-1/state'], { username: operator.user, password: operator.password, clientId: 'ops-watch' });

    const original = await bootNetDevice([], { broker: server.url, deviceId: 'sensor-1', deviceDir: dir });
    await driveUntil(original.device, () => connected(linesOf(original.device, 'net')) === 1, 'the original to connect');
    const copy = await bootNetDevice([], { broker: server.url, deviceId: 'sensor-1', deviceDir: clone });
    await until(() => messages.some((m) => m.topic === 'mote/fleet/identity/sensor-1/clone'), 'the clone alert', 20_000);
    for (let i = 0; i < 10; i++) await Promise.all([copy.device.runFor(1_000), original.device.runFor(1_000)]);

    assert.equal(connected(linesOf(copy.device, 'net')), 0, `the clone got in: ${linesOf(copy.device, 'net').join('\n')}`);
    assert.equal(connected(linesOf(original.device, 'net')), 1, 'the original was never taken over');
    assert.ok(!linesOf(original.device, 'net').some((line) => line.startsWith('disconnected')), linesOf(original.device, 'net').join('\n'));
    const alert = JSON.parse(messages.find((m) => m.topic === 'mote/fleet/identity/sensor-1/clone')!.text);
    assert.equal(alert.id, 'sensor-1');
    assert.match(alert.reason, /second device logged in as sensor-1/);
    assert.match(alert.refused.address, /127\.0\.0\.1:\d+/);
    assert.equal(server.guard!.alerts.length >= 1, true);
  });

  it('refuses a device whose credentials name another client id, and a wrong password', async () => {
    const registry = tempRegistry();
    const server = await broker({ identity: registry });
    const { dir } = provisionedDir(registry, 'sensor-2', server.url);
    const other = await bootNetDevice([], { broker: server.url, deviceId: 'sensor-3', deviceDir: cloneDir(dir) });
    await other.device.runFor(5_000);
    assert.equal(connected(linesOf(other.device, 'net')), 0, 'sensor-2\'s login let a device in as sensor-3');
    const guessedDir = cloneDir(dir);
    storedDevice(guessedDir).preferenceSet('mote-net', 'password', 'guessed');
    const guessed = await bootNetDevice([], { broker: server.url, deviceId: 'sensor-2', deviceDir: guessedDir });
    await guessed.device.runFor(5_000);
    assert.equal(connected(linesOf(guessed.device, 'net')), 0);
    // The real one still gets in: the refusals were about the credentials, not the broker.
    const real = await bootNetDevice([], { broker: server.url, deviceId: 'sensor-2', deviceDir: dir });
    await driveUntil(real.device, () => connected(linesOf(real.device, 'net')) === 1, 'the provisioned device to connect');
  });
});
