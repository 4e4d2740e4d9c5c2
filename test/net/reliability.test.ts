// The done-when scenarios of the network issue, against the embedded Aedes broker (the same
// scenarios run against Mosquitto in mosquitto.test.ts).
import assert from 'node:assert/strict';
import { bootNetDevice, broker, brokerTap, consumer, driveUntil, modDirs, readings } from './helpers.ts';
import { REPORTER, ACTUATOR, assertEveryReading, sendCommand } from './scenarios.ts';
import { brokerOutage } from './outage.ts';

describe('MQTT that loses nothing (embedded Aedes broker, warped virtual time)', () => {
  it('broker down for 10 virtual minutes while a mod reports every second: every reading arrives after the reconnect, in order, repeats marked', async () => {
    const server = await broker();
    await brokerOutage(server, brokerTap(server), { upMs: 30_000, downMs: 600_000, afterMs: 120_000 });
  });

  it('a reboot while offline loses nothing queued, and the sequence goes on', async () => {
    const server = await broker();
    const dirs = modDirs([REPORTER]);
    const first = await bootNetDevice(dirs, { broker: server.url });
    const { messages } = await consumer(server.url, ['mote/v1/dev1/telemetry/#']);
    await first.device.runFor(5_500);
    first.network.setLink(false);
    await first.device.runFor(60_000);
    await first.device.shutdown(); // power cut: RAM is gone, flash stays
    const second = await bootNetDevice(dirs, { broker: server.url, deviceDir: first.deviceDir });
    await second.device.runFor(20_500);
    // 65 readings before the cut, 20 after the reboot (the counter restarts, the seq does not).
    await driveUntil(second.device, () => new Set(readings(messages).map((r) => r.seq)).size >= 85, '85 distinct readings');
    assertEveryReading(readings(messages), 85);
  });

  it('a command sent while the device is offline runs exactly once after it reconnects, retries included', async () => {
    const server = await broker();
    const { device, network } = await bootNetDevice(modDirs([ACTUATOR]), { broker: server.url });
    await device.runFor(2_000);
    network.setLink(false);
    await device.runFor(10_000);
    const { client, messages } = await consumer(server.url, ['mote/v1/dev1/cmd-ack/#']);
    // The operator retries with the same key, as a sender that saw no ack would.
    await sendCommand(client, 'dev1', 'actuator', 'led', { key: 'k-1', args: { on: true } });
    await sendCommand(client, 'dev1', 'actuator', 'led', { key: 'k-1', args: { on: true } });
    await device.runFor(30_000);
    assert.equal(device.pins.writes.filter((w) => w.pin === 2).length, 0, 'nothing ran while offline');
    network.setLink(true);
    await device.runFor(120_000);
    await driveUntil(device, () => messages.length >= 2, 'two acks');
    const acks = messages.map((m) => JSON.parse(m.text));
    assert.deepEqual(acks.map((a) => [a.key, a.status]), [['k-1', 'ok'], ['k-1', 'duplicate']]);
    assert.deepEqual(device.pins.writes.filter((w) => w.pin === 2).map((w) => w.value), [1]);
  });
});
