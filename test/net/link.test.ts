// The Wi-Fi link model (simulator/network/link.ts) under a device's MQTT session.
import assert from 'node:assert/strict';
import { linesOf } from '../xs/helpers.ts';
import { bootNetDevice, broker, brokerTap, driveUntil, modDirs, readings } from './helpers.ts';
import { REPORTER, assertEveryReading } from './scenarios.ts';

const connectedAt = (device: Parameters<typeof linesOf>[0]) =>
  device.logLines.filter((line) => line.tag === 'net' && line.text.startsWith('connected')).map((line) => line.time);

describe('the Wi-Fi link model', () => {
  it('latency and bandwidth delay packets in virtual time; a down window cuts the session and everything arrives after it', async () => {
    const server = await broker();
    const messages = brokerTap(server);
    const { device, network } = await bootNetDevice(modDirs([REPORTER]), {
      broker: server.url,
      link: { latencyMs: 150, bandwidthBps: 20_000, down: [{ from: 10_000, to: 40_000 }] },
    });
    await device.runFor(150_500);
    // The CONNACK (4 bytes) arrives one latency plus its serialization time after the CONNECT.
    assert.equal(connectedAt(device)[0], 150 + (4 * 8 * 1000) / 20_000);
    const net = linesOf(device, 'net');
    // Seen by the session either as the link's own error event or, when a publish in the same
    // instant reaches the closed connection first, as that write's failure naming the same cause.
    assert.ok(net.some((line) => line === 'disconnected: Wi-Fi link lost' || line === 'disconnected: write failed: MQTTClient: write after the connection closed (Wi-Fi link lost)'), net.join('\n'));
    assert.ok(connectedAt(device)[1] >= 40_000, `reconnected after the window (${connectedAt(device)})`);
    await driveUntil(device, () => new Set(readings(messages).map((r) => r.seq)).size >= 150, '150 readings');
    assertEveryReading(readings(messages), 150);
    assert.ok(network.link.stats.packetsUp > 20 && network.link.stats.bytesUp > 2000);
  });

  it('loss costs retransmissions (seeded), never data or order', async () => {
    const server = await broker();
    const messages = brokerTap(server);
    const { device, network } = await bootNetDevice(modDirs([REPORTER]), { broker: server.url, link: { loss: 0.3, retransmitMs: 300, seed: 7 } });
    await device.runFor(30_500);
    await driveUntil(device, () => new Set(readings(messages).map((r) => r.seq)).size >= 29, '29 readings');
    assertEveryReading(readings(messages), 29);
    assert.ok(network.link.stats.retransmits > 5, `retransmits: ${network.link.stats.retransmits}`);
  });
});
