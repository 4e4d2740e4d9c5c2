// Credential and signing-key rotation without re-flashing: an awake device takes the new password
// and keys at once and acks; the registry then drops its old password. A device asleep during the
// rotation still gets in with its old password at its next wake, finds the retained rotation,
// takes it and acks. New keys signed by a key the device does not trust are refused.
import assert from 'node:assert/strict';
import { sign } from 'node:crypto';
import mqtt from 'mqtt';
import { toHex } from '../../modules/ota/bytes.ts';
import { rotateDevice, watchRotations, type RotationAck } from '../../tools/identity/service.ts';
import { linesOf } from '../xs/helpers.ts';
import { bootNetDevice, broker, consumer, driveUntil, until } from '../net/helpers.ts';
import { provisionedDir, signingKey, tempRegistry } from './helpers.ts';

const connects = (device: Parameters<typeof linesOf>[0]) => linesOf(device, 'net').filter((line) => line.startsWith('connected')).length;

async function refused(url: string, id: string, password: string): Promise<boolean> {
  try {
    const client = await mqtt.connectAsync(url, { username: id, password, clientId: id, reconnectPeriod: 0, connectTimeout: 5000 });
    await client.endAsync(true);
    return false;
  } catch {
    return true;
  }
}

describe('identity: rotation without re-flashing', function () {
  this.timeout(120_000); // several devices in turn, each waited for in real time: minutes on a loaded 2-core machine
  it('an awake device and a device asleep during the rotation both end on the new password and keys', async () => {
    const registry = tempRegistry();
    const operator = registry.addOperator('ops');
    const server = await broker({ identity: registry });
    const oldKey = signingKey();
    const newKey = signingKey();
    const awake = provisionedDir(registry, 'awake-1', server.url, [oldKey.publicKey]);
    const sleeper = provisionedDir(registry, 'sleeper-1', server.url, [oldKey.publicKey]);
    const { client } = await consumer(server.url, [], { username: operator.user, password: operator.password, clientId: 'ops-rotate' });
    const acks: RotationAck[] = [];
    await watchRotations(client, registry, (ack) => acks.push(ack));

    // The sleeper ran once, then went to sleep (its power is off here; its flash stays).
    const first = await bootNetDevice([], { broker: server.url, deviceId: 'sleeper-1', deviceDir: sleeper.dir });
    await driveUntil(first.device, () => connects(first.device) === 1, 'the sleeper\'s first connection');
    await first.device.shutdown();

    const device = await bootNetDevice([], { broker: server.url, deviceId: 'awake-1', deviceDir: awake.dir });
    await driveUntil(device.device, () => connects(device.device) === 1, 'the awake device to connect');
    const trust = { trust: [newKey.publicKey], signer: oldKey.privateKey };
    const awakeSerial = await rotateDevice(client, registry, 'awake-1', trust);
    const sleeperSerial = await rotateDevice(client, registry, 'sleeper-1', trust);
    await driveUntil(device.device, () => acks.some((ack) => ack.id === 'awake-1'), 'the awake device\'s ack');
    assert.deepEqual(acks.find((ack) => ack.id === 'awake-1'), { id: 'awake-1', serial: awakeSerial, ok: true });
    assert.equal(connects(device.device), 2, 'it reconnected with the new password');
    assert.deepEqual(server.guard!.alerts, [], 'its own reconnect was taken for a clone');
    assert.equal(device.device.storage.preferenceGet('mote-ota', 'trust'), toHex(newKey.publicKey));
    await until(() => registry.device('awake-1')!.credentials.length === 1, 'the registry to drop the old password');
    assert.equal(registry.device('awake-1')!.credentials[0].serial, awakeSerial);
    assert.ok(await refused(server.url, 'awake-1', awake.login.password), 'the old password still works after the ack');

    // Hours later the sleeper wakes: its old password still gets it in, and the retained rotation is waiting.
    assert.equal(registry.device('sleeper-1')!.credentials.length, 2);
    const woken = await bootNetDevice([], { broker: server.url, deviceId: 'sleeper-1', deviceDir: sleeper.dir, powerOn: false });
    await driveUntil(woken.device, () => acks.some((ack) => ack.id === 'sleeper-1'), 'the woken sleeper\'s ack');
    assert.deepEqual(acks.find((ack) => ack.id === 'sleeper-1'), { id: 'sleeper-1', serial: sleeperSerial, ok: true });
    assert.equal(woken.device.storage.preferenceGet('mote-ota', 'trust'), toHex(newKey.publicKey));
    await until(() => registry.device('sleeper-1')!.credentials.length === 1, 'the registry to drop the sleeper\'s old password');
    assert.ok(await refused(server.url, 'sleeper-1', sleeper.login.password));
    assert.ok(linesOf(woken.device, 'net').some((line) => line === `identity: rotation ${sleeperSerial} applied (password, 1 trusted key(s))`), linesOf(woken.device, 'net').join('\n'));
  });

  it('refuses new trusted keys signed by a key the device does not trust, and keeps its keys', async () => {
    const registry = tempRegistry();
    const operator = registry.addOperator('ops');
    const server = await broker({ identity: registry });
    const trusted = signingKey();
    const stranger = signingKey();
    const { dir } = provisionedDir(registry, 'dev-k', server.url, [trusted.publicKey]);
    const { client } = await consumer(server.url, [], { username: operator.user, password: operator.password, clientId: 'ops-keys' });
    const acks: RotationAck[] = [];
    await watchRotations(client, registry, (ack) => acks.push(ack));
    const device = await bootNetDevice([], { broker: server.url, deviceId: 'dev-k', deviceDir: dir });
    await driveUntil(device.device, () => connects(device.device) === 1, 'the device to connect');
    const serial = await rotateDevice(client, registry, 'dev-k', { trust: [stranger.publicKey], signer: stranger.privateKey });
    await driveUntil(device.device, () => acks.length > 0, 'the refusal');
    assert.equal(acks[0].ok, false);
    assert.equal(acks[0].serial, serial);
    assert.match(acks[0].error!, /not signed by a key this device trusts/);
    assert.equal(device.device.storage.preferenceGet('mote-ota', 'trust'), toHex(trusted.publicKey));
    assert.equal(registry.device('dev-k')!.credentials.length, 2, 'nothing confirmed');
    // A tampered signature over the right keys is refused the same way.
    const keys = [toHex(stranger.publicKey)];
    const forged = { v: 1, serial: serial + 1, trust: keys, sig: toHex(new Uint8Array(sign(null, Buffer.from('something else'), trusted.privateKey))) };
    await client.publishAsync('mote/v1/dev-k/identity/rotate', JSON.stringify(forged), { qos: 1, retain: true });
    await driveUntil(device.device, () => acks.length > 1, 'the second refusal');
    assert.equal(acks[1].ok, false);
    assert.equal(device.device.storage.preferenceGet('mote-ota', 'trust'), toHex(trusted.publicKey));
  });
});
