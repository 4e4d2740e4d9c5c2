// Installs over MQTT against a real broker (embedded Aedes): retained offer and chunks, pulled
// by the device with flow control, status on `ota/status`, resume after a broker outage, an
// offer made while the device is off installed when it comes back, deltas from the cache.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commandOverMqtt, installOverMqtt, type InstallResult } from '../../tools/ota/operator.ts';
import type { OtaEvent } from '../../modules/ota/protocol.ts';
import { broker, consumer } from '../net/helpers.ts';
import { blinker, makeKeys, otaDevice, packageOf, runningVersions, runUntil } from './helpers.ts';

describe('over-the-air install over MQTT (real broker)', function () {
  this.timeout(60000);
  const keys = makeKeys();
  const big = `// ${'padding for a realistic mod size. '.repeat(150)}`;

  async function operator(url: string) {
    const { client, messages } = await consumer(url, ['mote/v1/dev-1/ota/#']);
    return { client, messages };
  }

  it('installs, reports its steps on ota/status (one message per turn; the log says every step), publishes ota/installed and clears the retained offer', async () => {
    const mqtt = await broker();
    const { device } = await otaDevice({ trust: [keys.publicKey], broker: mqtt.url, awake: true });
    const { client, messages } = await operator(mqtt.url);
    const events: OtaEvent[] = [];
    let result: InstallResult | undefined;
    void installOverMqtt(client, { deviceId: 'dev-1', pkg: packageOf(blinker('1.0.0', big), keys), healthMs: 2000, onEvent: (event) => events.push(event), cacheDir: mkdtempSync(join(tmpdir(), 'mote-cache-')) }).then((r) => (result = r));
    await runUntil(device, () => result !== undefined, 'the install');
    assert.equal(result!.final.step, 'confirmed', JSON.stringify(result!.final));
    // On the wire (OTA wire version 2) the steps of one turn go out as one status: the last chunk's
    // turn downloads, verifies, activates and starts the health check, and says health-check.
    // Progress goes out at most once a second: this download took less, so it says none.
    const steps = events.map((event) => event.step).filter((step, i, all) => step !== all[i - 1]);
    assert.deepEqual(steps, ['offered', 'health-check', 'confirmed']);
    assert.ok(events.every((event) => (event as { v?: number }).v === 2 && !('progress' in event)), JSON.stringify(events));
    // The device's own log still says every step.
    const logged = device.logLines.filter((line) => line.tag === 'ota').map((line) => /: ([a-z-]+)/.exec(line.text)?.[1]).filter((step, i, all) => step !== all[i - 1]);
    assert.deepEqual(logged, ['offered', 'downloading', 'verifying', 'activating', 'health-check', 'confirmed']);
    assert.deepEqual(await runningVersions(device), { blinker: '1.0.0' });
    await runUntil(device, () => messages.some((m) => m.topic === 'mote/v1/dev-1/ota/installed' && m.text.includes('"blinker"')), 'ota/installed');
    const installed = JSON.parse(messages.filter((m) => m.topic.endsWith('/ota/installed')).at(-1)!.text);
    assert.equal(installed.mods[0].version, '1.0.0');
    assert.match(installed.mods[0].digest, /^[0-9a-f]{64}$/);
    // The retained offer and chunks are cleared once the install is over.
    const retained: string[] = [];
    const probe = await consumer(mqtt.url, ['mote/v1/dev-1/ota/offer', 'mote/v1/dev-1/ota/chunk/#']);
    probe.client.on('message', (topic, payload) => payload.length && retained.push(topic));
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.deepEqual(retained, []);
  });

  it('sends a delta when the installed version is in the cache, then removes and rolls back on command', async () => {
    const mqtt = await broker();
    const cacheDir = mkdtempSync(join(tmpdir(), 'mote-cache-'));
    const { device } = await otaDevice({ trust: [keys.publicKey], broker: mqtt.url, awake: true });
    const { client, messages } = await operator(mqtt.url);
    const install = async (pkg: Uint8Array) => {
      let result: InstallResult | undefined;
      void installOverMqtt(client, { deviceId: 'dev-1', pkg, healthMs: 1000, cacheDir }).then((r) => (result = r));
      await runUntil(device, () => result !== undefined, 'the install');
      return result!;
    };
    const full = await install(packageOf(blinker('1.0.0', big), keys));
    assert.equal(full.delta, false);
    const v2 = packageOf(blinker('1.1.0', `${big}\n  trace("1.1.0");`), keys);
    await runUntil(device, () => true, 'ota/installed'); // let the device publish what it has
    const next = await install(v2);
    assert.equal(next.final.step, 'confirmed', JSON.stringify(next.final));
    assert.equal(next.delta, true);
    assert.ok(next.sentBytes * 4 < v2.length, `delta ${next.sentBytes} bytes for a ${v2.length}-byte package`);
    // The device reported OTA wire version 2 on ota/installed, and the delta fits one chunk: it
    // went inline in the offer (JSON, a newline, the bytes), with no chunk topic at all.
    const offers = messages.filter((m) => m.topic === 'mote/v1/dev-1/ota/offer' && m.text.includes(next.txn));
    assert.equal(offers.length, 1);
    assert.match(offers[0].text, /^\{"v":2,"txn":"[^"]+","id":"blinker","version":"1\.1\.0","size":\d+,"delta":true,"healthMs":1000\}\n/);
    assert.ok(!offers[0].text.includes('chunkBytes'));
    assert.deepEqual(messages.filter((m) => m.topic.includes(`/chunk/${next.txn}/`)), []);
    assert.ok(messages.some((m) => m.topic.includes(`/chunk/${full.txn}/`)), 'the first install (no ota/installed yet) went as chunks');
    assert.deepEqual(await runningVersions(device), { blinker: '1.1.0' });

    let answer: OtaEvent | undefined;
    void commandOverMqtt(client, 'dev-1', 'rollback', 'blinker', 60000, undefined, keys.privateKey).then((event) => (answer = event));
    await runUntil(device, () => answer !== undefined, 'the rollback');
    assert.equal(answer!.step, 'rolled-back');
    assert.deepEqual(await runningVersions(device), { blinker: '1.0.0' });
    answer = undefined;
    void commandOverMqtt(client, 'dev-1', 'remove', 'blinker', 60000, undefined, keys.privateKey).then((event) => (answer = event));
    await runUntil(device, () => answer !== undefined, 'the removal');
    assert.equal(answer!.step, 'removed');
    assert.deepEqual(await runningVersions(device), {});
  });

  it('resumes after the broker goes down mid-transfer, without sending the package twice', async () => {
    const mqtt = await broker();
    const { device, network } = await otaDevice({ trust: [keys.publicKey], broker: mqtt.url, awake: true, link: { bandwidthBps: 250_000 } });
    // The operator reconnects too (the broker cuts everyone), with its session kept.
    const { client } = await consumer(mqtt.url, ['mote/v1/dev-1/state'], { reconnectPeriod: 100, clean: false, clientId: 'operator-1' });
    const pkg = packageOf(blinker('1.0.0', big.repeat(3)), keys);
    const events: OtaEvent[] = [];
    let result: InstallResult | undefined;
    void installOverMqtt(client, { deviceId: 'dev-1', pkg, healthMs: 1000, onEvent: (event) => events.push(event), cacheDir: mkdtempSync(join(tmpdir(), 'mote-cache-')) }).then((r) => (result = r));
    // Watched on the device itself (its log), so the outage comes mid-transfer however loaded the machine is.
    const downloaded = () => Math.max(0, ...device.logLines.filter((line) => line.tag === 'ota' && / downloading /.test(line.text)).map((line) => Number(/downloading (\d+)\//.exec(line.text)![1])));
    await runUntil(device, () => downloaded() > 0, 'the download to start', 20000, 20);
    await mqtt.stop(); // every connection cut; sessions and retained messages kept
    const atDrop = downloaded();
    assert.ok(atDrop < pkg.length, `the broker went down at byte ${atDrop} of ${pkg.length}`);
    await device.runFor(3000);
    await mqtt.start();
    await runUntil(device, () => result !== undefined, 'the install after the outage');
    assert.equal(result!.final.step, 'confirmed', JSON.stringify(result!.final));
    // Fractional virtual times (the link's serialization delays) never reach the wire: ts is whole ms.
    const stamps = events.map((event) => (event as { ts?: number }).ts);
    assert.ok(stamps.length && stamps.every((ts) => Number.isInteger(ts)), `ota/status ts ${JSON.stringify(stamps)}`);
    const received = events.filter((event) => event.step === 'downloading').map((event) => event.bytes!);
    assert.ok(received.length >= 1, 'progress went out: the download took over a second (the outage)');
    assert.deepEqual(received, [...received].sort((a, b) => a - b), 'progress only moves forward: the download resumed');
    // What crossed the Wi-Fi link: the package once, plus at most the window of chunks the broker
    // resent after the outage and the MQTT framing; far from twice the package.
    const down = network!.link.stats.bytesDown;
    assert.ok(down > pkg.length && down < pkg.length * 1.5, `${down} bytes down for a ${pkg.length}-byte package`);
    assert.deepEqual(await runningVersions(device), { blinker: '1.0.0' });
  });

  it('a corrupted chunk is refused at verification; a truncated transfer stalls and fails with the reason', async () => {
    const mqtt = await broker();
    const { device } = await otaDevice({ trust: [keys.publicKey], broker: mqtt.url, awake: true });
    const { client, messages } = await operator(mqtt.url);
    const status = (txn: string) => messages.filter((m) => m.topic === 'mote/v1/dev-1/ota/status' && m.text).map((m) => JSON.parse(m.text)).filter((event) => event.txn === txn);
    const pkg = packageOf(blinker('1.0.0', big), keys);
    const offer = async (txn: string, chunks: Buffer[], size: number) => {
      for (const [n, chunk] of chunks.entries()) await client.publishAsync(`mote/v1/dev-1/ota/chunk/${txn}/${n}`, chunk, { qos: 1, retain: true });
      await client.publishAsync('mote/v1/dev-1/ota/offer', JSON.stringify({ txn, id: 'blinker', version: '1.0.0', size, chunkBytes: 1024 }), { qos: 1, retain: true });
    };
    const chunks = Array.from({ length: Math.ceil(pkg.length / 1024) }, (_, n) => Buffer.from(pkg.subarray(n * 1024, (n + 1) * 1024)));
    const corrupted = chunks.map((chunk, n) => (n === chunks.length - 1 ? Buffer.from(chunk.map((byte, i) => (i === 10 ? byte ^ 0xff : byte))) : chunk));
    await offer('bad-1', corrupted, pkg.length);
    await runUntil(device, () => status('bad-1').some((event) => event.step === 'refused'), 'the refusal');
    assert.equal(status('bad-1').at(-1).code, 'hash-mismatch');

    await offer('short-1', chunks.slice(0, 2), pkg.length); // the operator died after two chunks
    await runUntil(device, () => status('short-1').some((event) => event.step === 'failed'), 'the stall', 30000, 5000);
    assert.match(status('short-1').at(-1).reason, /the transfer stalled at byte 2048 of \d+: the broker has no chunk 2 \(truncated transfer\?\)/);
    assert.deepEqual(await runningVersions(device), {});
  });

  it('an offer made while the device is in deep sleep is installed at its next radio wake, once', async () => {
    const mqtt = await broker();
    const { device } = await otaDevice({ trust: [keys.publicKey], broker: mqtt.url, healthMs: 1000 });
    await runUntil(device, () => device.sleep.asleep, 'the device to go to deep sleep');
    const { client, messages } = await operator(mqtt.url);
    // A battery mod: it works through mote/power's schedule, so the device sleeps between its wakes.
    const hello = {
      id: 'hello',
      version: '1.0.0',
      permissions: { power: { minWakeInterval: 60000, maxHoldAwake: 1000 } },
      main: 'import power from "mote/power";\nexport default { onStart() { trace("hello 1.0.0 started"); power.every(3600000, () => trace("hourly")); } };',
    };
    const result = await installOverMqtt(client, { deviceId: 'dev-1', pkg: packageOf(hello, keys), healthMs: 1000, timeoutMs: 300, cacheDir: mkdtempSync(join(tmpdir(), 'mote-cache-')) });
    assert.equal(result.final.step, 'pending');
    assert.match(result.final.reason!, /offer stays retained/);
    const statuses = () => messages.filter((m) => m.topic === 'mote/v1/dev-1/ota/status' && m.text).map((m) => JSON.parse(m.text));
    const asleepAt = device.clock.now;
    await runUntil(device, () => statuses().some((event) => event.step === 'confirmed'), 'the install at the next wake', 30000, 60000);
    assert.ok(device.clock.now - asleepAt > 60 * 60 * 1000, `installed ${device.clock.now - asleepAt} ms after it fell asleep: at its next radio wake`);
    const woke = device.logLines.find((line) => line.tag === 'ota' && line.time > asleepAt)!;
    assert.match(woke.text, /hello 1\.0\.0: offered/);
    // The retained offer is still there (nobody cleared it), but it runs only once: the next
    // radio wake does not install it again.
    await runUntil(device, () => device.sleep.asleep, 'sleep after the install');
    const before = statuses().length;
    const next = device.clock.now;
    await runUntil(device, () => device.clock.now - next > 7 * 60 * 60 * 1000, 'the next poll', 30000, 60000);
    assert.ok(!statuses().slice(before).some((event) => event.step === 'offered'), 'the finished offer was not run again');
    // Installed for good: every wake since starts it from its slot.
    const starts = device.logLines.filter((line) => line.tag === 'hello' && line.text === 'hello 1.0.0 started');
    assert.ok(starts.length >= 2, `started ${starts.length} times`);
  });
});
