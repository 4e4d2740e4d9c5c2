// OTA wire version 2 (docs/ota.md, "Wire versions"): a transfer inline in the offer, checked
// before it is used; the compact status; the operator's tools read both versions' offers.
import assert from 'node:assert/strict';
import { installedOn, installOverMqtt, offerPayload, readOffer } from '../../tools/ota/operator.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { splitOfferPayload, statusBody } from '../../modules/ota/protocol.ts';
import { broker, consumer } from '../net/helpers.ts';
import { blinker, makeKeys, otaDevice, packageOf, runningVersions, runUntil } from './helpers.ts';

describe('OTA wire version 2', function () {
  this.timeout(60000);
  const keys = makeKeys();

  it('status bodies say only what changed: bytes while downloading, version and total otherwise, no progress', () => {
    const base = { txn: 't-1', id: 'blinker', version: '1.0.0' };
    assert.equal(statusBody({ ...base, step: 'offered', bytes: 0, total: 900 }, 17.9), '{"v":2,"txn":"t-1","id":"blinker","step":"offered","version":"1.0.0","bytes":0,"total":900,"ts":17}');
    assert.equal(statusBody({ ...base, step: 'downloading', bytes: 512, total: 900 }, 18), '{"v":2,"txn":"t-1","id":"blinker","step":"downloading","bytes":512,"ts":18}');
    assert.equal(statusBody({ ...base, step: 'refused', code: 'policy', reason: 'no' }, 19), '{"v":2,"txn":"t-1","id":"blinker","step":"refused","version":"1.0.0","code":"policy","reason":"no","ts":19}');
  });

  it('an offer payload is its JSON, then optionally a newline and the transfer; version 1 offers read as before', () => {
    const bytes = Uint8Array.from([0x0a, 0, 255, 0x0a, 7]); // newlines inside the data are data
    const payload = offerPayload({ txn: 't-2', id: 'm', version: '1.0.0', size: 5 }, bytes);
    assert.deepEqual(readOffer(payload), { offer: { v: 2, txn: 't-2', id: 'm', version: '1.0.0', size: 5 }, inlineBytes: 5 });
    assert.deepEqual([...splitOfferPayload(payload).inline!], [...bytes]);
    const v1 = Buffer.from('{"txn":"t-3","id":"m","version":"1.0.0","size":5,"chunkBytes":1024}');
    assert.deepEqual(readOffer(v1), { offer: { txn: 't-3', id: 'm', version: '1.0.0', size: 5, chunkBytes: 1024 }, inlineBytes: 0 });
    assert.equal(splitOfferPayload(v1).inline, undefined);
  });

  it('the device installs a transfer inline, refuses one whose size disagrees or that is too large, and says it reads version 2', async () => {
    const mqtt = await broker();
    const { device } = await otaDevice({ trust: [keys.publicKey], broker: mqtt.url, awake: true, healthMs: 1000 });
    const { client, messages } = await consumer(mqtt.url, ['mote/v1/dev-1/ota/#']);
    const status = (txn: string) => messages.filter((m) => m.topic === 'mote/v1/dev-1/ota/status' && m.text).map((m) => JSON.parse(m.text)).filter((event) => event.txn === txn);
    const offer = (txn: string, bytes: Uint8Array, size = bytes.length) => client.publishAsync('mote/v1/dev-1/ota/offer', offerPayload({ txn, id: 'blinker', version: '1.0.0', size }, bytes), { qos: 1, retain: true });
    const pkg = packageOf(blinker('1.0.0'), keys);

    await offer('short-1', pkg, pkg.length + 1);
    await runUntil(device, () => status('short-1').length > 0, 'the refusal');
    assert.deepEqual(status('short-1').map(({ step, code }) => [step, code]), [['refused', 'bad-offer']]);
    assert.match(status('short-1')[0].reason, /carries \d+ bytes inline but says "size": \d+/);

    await offer('huge-1', new Uint8Array(16385));
    await runUntil(device, () => status('huge-1').length > 0, 'the refusal');
    assert.match(status('huge-1')[0].reason, /16385 bytes inline, more than the 16384 accepted \(send chunks\)/);

    await offer('ok-1', pkg);
    await runUntil(device, () => status('ok-1').some((event) => event.step === 'confirmed'), 'the install');
    // One turn took the offer and all its bytes: the first status already says health-check.
    assert.deepEqual(status('ok-1').map((event) => event.step), ['health-check', 'confirmed']);
    assert.deepEqual(await runningVersions(device), { blinker: '1.0.0' });
    const installed = await installedOn(client, 'dev-1');
    assert.equal(installed.wire, 2);
    assert.equal(installed.mods[0].version, '1.0.0');
  });

  it('a transfer of at most 4 chunks is asked for with one wildcard subscription, and asked again after a stall', async () => {
    const mqtt = await broker();
    const { device } = await otaDevice({ trust: [keys.publicKey], broker: mqtt.url, awake: true, healthMs: 1000 });
    const { client, messages } = await consumer(mqtt.url, ['mote/v1/dev-1/ota/status']);
    const asked: string[] = [];
    mqtt.aedes.on('subscribe', (subscriptions, from) => from?.id === 'dev-1' && asked.push(...subscriptions.map((s) => `+${s.topic}`)));
    mqtt.aedes.on('unsubscribe', (topics, from) => from?.id === 'dev-1' && asked.push(...topics.map((topic) => `-${topic}`)));
    const pkg = packageOf(blinker('1.0.0', `// ${'x'.repeat(1500)}`), keys);
    const chunks = Math.ceil(pkg.length / 1024);
    assert.ok(chunks >= 2 && chunks <= 4, `${chunks} chunks`);
    let done = false;
    void installOverMqtt(client, { deviceId: 'dev-1', pkg, healthMs: 1000, cacheDir: mkdtempSync(join(tmpdir(), 'mote-cache-')) }).then(() => (done = true));
    await runUntil(device, () => done, 'the install');
    const txn = JSON.parse(messages.at(-1)!.text).txn;
    assert.deepEqual(asked.filter((entry) => entry.includes('/chunk/')), [`+mote/v1/dev-1/ota/chunk/${txn}/+`, `-mote/v1/dev-1/ota/chunk/${txn}/+`]);

    // Two chunks of three: the wildcard is asked again at each stall, then the transfer fails.
    asked.length = 0;
    const three = packageOf(blinker('1.1.0', `// ${'y'.repeat(2300)}`), keys);
    for (let n = 0; n < 2; n++) await client.publishAsync(`mote/v1/dev-1/ota/chunk/stall-1/${n}`, Buffer.from(three.subarray(n * 1024, (n + 1) * 1024)), { qos: 1, retain: true });
    await client.publishAsync('mote/v1/dev-1/ota/offer', JSON.stringify({ txn: 'stall-1', id: 'blinker', version: '1.1.0', size: three.length, chunkBytes: 1024 }), { qos: 1, retain: true });
    const final = () => messages.map((m) => JSON.parse(m.text)).find((event) => event.txn === 'stall-1' && event.step === 'failed');
    await runUntil(device, () => final() !== undefined, 'the stall', 30000, 5000);
    assert.match(final().reason, /the transfer stalled at byte 2048 of \d+: the broker has no chunk 2/);
    const wildcard = 'mote/v1/dev-1/ota/chunk/stall-1/+';
    assert.deepEqual(asked.filter((entry) => entry.includes('/chunk/')), [`+${wildcard}`, `-${wildcard}`, `+${wildcard}`, `-${wildcard}`, `+${wildcard}`, `-${wildcard}`, `+${wildcard}`, `-${wildcard}`]);
    assert.deepEqual(await runningVersions(device), { blinker: '1.0.0' });
  });
});
