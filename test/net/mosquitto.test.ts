// The done-when scenarios against a real Mosquitto (installed by .ci/run from Debian's packages).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../simulator/module-map.ts';
import { bootNetDevice, consumer, driveUntil, modDirs, nextConnect, readings, until } from './helpers.ts';
import { brokerOutage } from './outage.ts';
import { mosquittoBinary, startMosquitto, type Mosquitto } from './mosquitto.ts';
import { ACTUATOR, REPORTER, assertEveryReading, sendCommand } from './scenarios.ts';
import { spawnMote } from '../harness/children.ts';

const binary = mosquittoBinary();

describe('MQTT that loses nothing (Mosquitto)', function () {
  let broker: Mosquitto;
  before(function () {
    if (!binary) this.skip(); // no mosquitto binary: apt-get install mosquitto (.ci/run does)
  });
  beforeEach(async () => {
    broker = await startMosquitto(binary!);
  });
  afterEach(async () => {
    await broker?.stop();
  });

  it('broker stopped for 10 virtual minutes while a mod reports every second: every reading arrives, in order, repeats marked', async () => {
    const { client, messages } = await consumer(broker.url, ['mote/v1/dev1/telemetry/#'], { clientId: 'consumer', clean: false, reconnectPeriod: 50 });
    await brokerOutage(broker, messages, { upMs: 30_000, downMs: 600_000, afterMs: 120_000 }, { beforeStop: () => nextConnect(client) });
  });

  it('a command sent while the device is offline runs exactly once after it reconnects', async () => {
    const { device, network } = await bootNetDevice(modDirs([ACTUATOR]), { broker: broker.url });
    await device.runFor(2_000);
    network.setLink(false);
    await device.runFor(5_000);
    const { client, messages } = await consumer(broker.url, ['mote/v1/dev1/cmd-ack/#']);
    await sendCommand(client, 'dev1', 'actuator', 'led', { key: 'm-1', args: { on: true } });
    await sendCommand(client, 'dev1', 'actuator', 'led', { key: 'm-1', args: { on: true } });
    network.setLink(true);
    await device.runFor(120_000);
    await driveUntil(device, () => messages.length >= 2, 'two acks');
    assert.deepEqual(messages.map((m) => JSON.parse(m.text)).map((a) => [a.key, a.status]), [['m-1', 'ok'], ['m-1', 'duplicate']]);
    assert.deepEqual(device.pins.writes.filter((w) => w.pin === 2).map((w) => w.value), [1]);
  });

  it('mote sim --broker, in real time, survives the broker being stopped and restarted', async function () {
    this.timeout(90_000);
    const { messages } = await consumer(broker.url, ['mote/v1/cli-dev/telemetry/#'], { clientId: 'cli-consumer', clean: false, reconnectPeriod: 50 });
    const [modDir] = modDirs([REPORTER]);
    const child = spawnMote(['sim', '--mod', modDir, '--broker', broker.url, '--device-id', 'cli-dev', '--duration', '9s', '--quiet'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    // This wait covers the CLI's start (tsx, the mod's build, the XS boot: about 9 s at load
    // average 60, past 20 s in a full-suite run at 75), not the behaviour under test.
    await until(() => readings(messages, 'mote/v1/cli-dev/telemetry/').length >= 2, 'first readings in real time', 45_000);
    await broker.stop();
    await new Promise((resolve) => setTimeout(resolve, 2500));
    await broker.start();
    assert.equal(await exited, 0, output);
    await until(() => new Set(readings(messages, 'mote/v1/cli-dev/telemetry/').map((r) => r.seq)).size >= 8, 'readings after the restart', 10_000);
    const got = readings(messages, 'mote/v1/cli-dev/telemetry/');
    const distinct = new Set(got.map((r) => r.seq)).size;
    assertEveryReading(got, distinct);
    assert.ok(distinct >= 8, `${distinct} readings in 9 s`);
  });
});
