// Per-device accounts and TLS (mqtts://) on the embedded broker.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { linesOf } from '../xs/helpers.ts';
import { bootNetDevice, broker, brokerTap, consumer, driveUntil, modDirs, readings, until } from './helpers.ts';
import { REPORTER } from './scenarios.ts';

/** A self-signed certificate for 127.0.0.1, made with openssl for this run. */
function selfSigned(): { key: Buffer; cert: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), 'mote-tls-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
  return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
}

describe('broker accounts and TLS', () => {
  it('a device logs in with its own username and password; a wrong password never connects; a device account cannot reach another device', async () => {
    const server = await broker({ users: { dev1: 's3cret', ops: 'ops-pw' }, operators: ['ops'] });
    const messages = brokerTap(server);
    const good = await bootNetDevice(modDirs([REPORTER]), { broker: server.url, username: 'dev1', password: 's3cret' });
    await good.device.runFor(3_500);
    await driveUntil(good.device, () => readings(messages).length >= 3, 'readings from the logged-in device');
    const bad = await bootNetDevice(modDirs([REPORTER]), { broker: server.url, deviceId: 'dev1', username: 'dev1', password: 'wrong' });
    await bad.device.runFor(5_000);
    assert.ok(!linesOf(bad.device, 'net').some((line) => line.startsWith('connected')), linesOf(bad.device, 'net').join('\n'));
    // An operator sees everything; the device's account cannot publish into another device.
    const { messages: seen } = await consumer(server.url, ['mote/v1/#'], { username: 'ops', password: 'ops-pw' });
    const intruder = await mqtt.connectAsync(server.url, { username: 'dev1', password: 's3cret', clientId: 'dev1-tool', reconnectPeriod: 0 });
    await intruder.publishAsync('mote/v1/dev1/log', 'own', { qos: 1 });
    await until(() => seen.some((m) => m.topic === 'mote/v1/dev1/log'), 'the allowed publish', 20_000);
    // MQTT 3.1.1 cannot refuse a publish: the broker drops it and closes the connection.
    const closed = new Promise<void>((resolve) => intruder.once('close', () => resolve()));
    intruder.publish('mote/v1/dev2/cmd/x/y', 'hi', { qos: 1 });
    await closed;
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.ok(!seen.some((m) => m.topic.startsWith('mote/v1/dev2/')));
    intruder.end(true);
  });

  it('mqtts:// connects over TLS to a broker whose CA the device trusts', async () => {
    const tls = selfSigned();
    const server = await broker({ tls });
    assert.match(server.url, /^mqtts:\/\//);
    const messages = brokerTap(server);
    const { device } = await bootNetDevice(modDirs([REPORTER]), { broker: server.url, ca: tls.cert });
    await device.runFor(3_500);
    await driveUntil(device, () => readings(messages).length >= 3, 'readings over TLS');
    const untrusting = await bootNetDevice(modDirs([REPORTER]), { broker: server.url, deviceId: 'dev2' });
    await untrusting.device.runFor(3_000);
    assert.ok(!linesOf(untrusting.device, 'net').some((line) => line.startsWith('connected')));
  });
});
