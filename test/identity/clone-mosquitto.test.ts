// One live device per id on Mosquitto, with per-device ACLs: the identity plugin refuses a clone
// of an online device (same id, same password, copied flash) and raises the retained alert; the
// ACL keeps a device's login to its own topics.
import assert from 'node:assert/strict';
import mqtt from 'mqtt';
import { linesOf } from '../xs/helpers.ts';
import { bootNetDevice, consumer, driveUntil, until } from '../net/helpers.ts';
import { cloneDir, provisionedDir, tempRegistry } from './helpers.ts';
import { mosquittoWithIdentity } from './mosquitto-identity.ts';

const connected = (lines: string[]) => lines.filter((line) => line.startsWith('connected')).length;

describe('identity: one live device per id (Mosquitto)', function () {
  this.timeout(120_000); // several devices in turn, each waited for in real time: minutes on a loaded 2-core machine
  it('refuses a clone of an online device and alerts; a device login reaches only its own topics', async function () {
    const registry = tempRegistry();
    const operator = registry.addOperator('ops');
    const server = await mosquittoWithIdentity(registry);
    if (!server) return this.skip();
    // Provisioned while Mosquitto runs: the registry rewrites its files and SIGHUPs it (the device retries until the reload is done).
    const { dir, login } = provisionedDir(registry, 'sensor-1', server.url);
    const { messages } = await consumer(server.url, ['mote/fleet/identity/#', 'mote/v1/#'], { username: operator.user, password: operator.password, clientId: 'ops-watch' });

    const original = await bootNetDevice([], { broker: server.url, deviceId: 'sensor-1', deviceDir: dir });
    await driveUntil(original.device, () => connected(linesOf(original.device, 'net')) === 1, 'the original to connect');
    const copy = await bootNetDevice([], { broker: server.url, deviceId: 'sensor-1', deviceDir: cloneDir(dir) });
    await until(() => messages.some((m) => m.topic === 'mote/fleet/identity/sensor-1/clone'), 'the clone alert', 20_000);
    for (let i = 0; i < 10; i++) await Promise.all([copy.device.runFor(1_000), original.device.runFor(1_000)]);
    assert.equal(connected(linesOf(copy.device, 'net')), 0, `the clone got in: ${linesOf(copy.device, 'net').join('\n')}`);
    assert.equal(connected(linesOf(original.device, 'net')), 1);
    assert.ok(!linesOf(original.device, 'net').some((line) => line.startsWith('disconnected')), linesOf(original.device, 'net').join('\n'));
    const alert = JSON.parse(messages.find((m) => m.topic === 'mote/fleet/identity/sensor-1/clone')!.text);
    assert.equal(alert.id, 'sensor-1');
    assert.equal(alert.refused.address, '127.0.0.1');

    // The ACL: the device's login (as a tool would use it) cannot publish into another device.
    await original.device.shutdown();
    const tool = await mqtt.connectAsync(server.url, { username: login.user, password: login.password, clientId: 'sensor-1', reconnectPeriod: 0 });
    await tool.publishAsync('mote/v1/sensor-1/log', 'own', { qos: 1 });
    await tool.publishAsync('mote/v1/sensor-2/cmd/x/y', 'foreign', { qos: 1 });
    await until(() => messages.some((m) => m.topic === 'mote/v1/sensor-1/log' && m.text === 'own'), 'the allowed publish');
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.ok(!messages.some((m) => m.topic.startsWith('mote/v1/sensor-2/')));
    await tool.endAsync(true);
  });

  it('takes the old and the pending password during a rotation, only the new one after the ack', async function () {
    const registry = tempRegistry();
    const server = await mosquittoWithIdentity(registry);
    if (!server) return this.skip();
    const first = registry.provision('sleeper-1');
    const logsIn = async (password: string) => {
      try {
        // A clean DISCONNECT: the next login must not meet this session still open (one live session per id).
        await (await mqtt.connectAsync(server.url, { clientId: 'sleeper-1', username: 'sleeper-1', password, reconnectPeriod: 0, connectTimeout: 3000 })).endAsync();
        return true;
      } catch {
        return false;
      }
    };
    // Each registry change rewrites the files and SIGHUPs Mosquitto; the reload is asynchronous.
    const eventually = async (password: string, expected: boolean, what: string) => {
      const deadline = Date.now() + 10_000;
      while ((await logsIn(password)) !== expected) {
        if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    await eventually(first.password, true, 'the provisioned password works');
    const second = registry.rotate('sleeper-1');
    await eventually(second.password, true, 'the pending password works');
    assert.equal(await logsIn(first.password), true, 'a device asleep during the rotation is locked out');
    registry.confirm('sleeper-1', second.serial);
    await eventually(first.password, false, 'the old password stops working after the ack');
    assert.equal(await logsIn(second.password), true);
  });
});
