// A clean shutdown drains the outbox within a bounded grace period and says what it leaves
// behind (host/network SHUTDOWN_GRACE_MS, Session.drain, SimulatedNetwork.drain).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../simulator/module-map.ts';
import { bootNetDevice, broker, brokerTap, driveUntil, modDirs, readings, until } from './helpers.ts';
import { REPORTER, assertEveryReading } from './scenarios.ts';
import { spawnMote } from '../harness/children.ts';
import { Aedes } from 'aedes';
import { serveAedes } from './serve-aedes.ts';

describe('clean shutdown', function () {
  this.timeout(60_000);

  it('mote sim --broker --duration 45s delivers the message the mod publishes at the last instant', async () => {
    const server = await broker();
    const messages = brokerTap(server, 'cli-dev');
    const [modDir] = modDirs([REPORTER]);
    const child = spawnMote(['sim', '--mod', modDir, '--broker', server.url, '--device-id', 'cli-dev', '--duration', '45s', '--warp', '--quiet'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    assert.equal(code, 0, output);
    const got = readings(messages, 'mote/v1/cli-dev/telemetry/');
    // The reporter publishes at 1 s, 2 s, … 45 s: the 45th at the very end of the run.
    assertEveryReading(got, 45);
    assert.equal(Math.max(...got.map((reading) => reading.seq)), 45);
  });

  it('with the broker away, it waits out the grace period, says what is left, and keeps it for the next boot', async () => {
    const server = await broker();
    const dirs = modDirs([REPORTER]);
    const messages = brokerTap(server);
    const first = await bootNetDevice(dirs, { broker: server.url });
    await first.device.runFor(3_500);
    await until(() => readings(messages).length >= 3, 'three readings');
    await server.stop();
    await first.device.runFor(4_000);
    const started = first.device.clock.now;
    const report = await first.network.drain(2_000);
    assert.ok(report, 'the host answered');
    assert.ok(first.device.clock.now - started <= 3_100, `bounded: the drain took ${first.device.clock.now - started} virtual ms`);
    assert.ok(report.left >= 4, `left ${report.left}`);
    assert.equal(report.lastSeq! - report.firstSeq! + 1, report.left);
    assert.ok(first.device.logLines.some((line) => line.tag === 'net' && line.text.includes(`${report.left} message(s) left in the outbox (seq ${report.firstSeq}-${report.lastSeq})`)));
    await first.device.shutdown();
    await server.start();
    const second = await bootNetDevice(dirs, { broker: server.url, deviceDir: first.deviceDir, powerOn: false });
    await driveUntil(second.device, () => new Set(readings(messages).map((r) => r.seq)).has(report.lastSeq!), 'the readings left behind');
    assertEveryReading(readings(messages), report.lastSeq!);
  });
});

describe('clean shutdown: the mods stop first', function () {
  this.timeout(60_000);

  // Found by a review: the mods ran on through the grace period, so `mote sim --duration 10s`
  // with the broker away ran 20 virtual s and left ten readings the mod made after the run's end.
  it('no mod makes a reading during the grace period; what onStop publishes is drained too', async () => {
    const server = await broker();
    const [dir] = modDirs([{
      ...REPORTER,
      id: 'closer',
      main: `
import Timer from "mote/timer";
import mqtt from "mote/mqtt";
let n = 0;
export default {
  onStart() { Timer.repeat(() => { n++; trace("reading " + n + "\\n"); mqtt.publish("telemetry/count", { n }); }, 1000); },
  onStop() { mqtt.publish("telemetry/last", { n }); },
};
`,
    }]);
    const { device, network } = await bootNetDevice([dir], { broker: server.url });
    await device.runFor(2_500);
    await server.stop();
    await device.runFor(2_000);
    const made = () => device.logLines.filter((line) => line.tag === 'closer' && line.text.startsWith('reading')).length;
    const before = made();
    const report = await network.drain(3_000);
    assert.ok(report, 'the host answered');
    assert.equal(made(), before, 'readings made during the grace period');
    const lines = device.logLines.map((line) => `${line.tag} ${line.text}`);
    const stopped = lines.findIndex((line) => line === 'closer stopped (shutdown)');
    const left = lines.findIndex((line) => line.startsWith('net shutdown:'));
    assert.ok(stopped >= 0 && stopped < left, `the mod stops before the drain ends:\n${lines.slice(-6).join('\n')}`);
    // The outbox holds the unacknowledged readings and onStop's message, the last of them.
    assert.ok(report.left >= 2, `left ${report.left}`);
  });
});

describe('clean shutdown: what mote sim says it left behind', function () {
  this.timeout(120_000);

  const simToEnd = async (args: string[]) => {
    const child = spawnMote(['sim', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    return { code, output };
  };

  // Found by a review: without --device-dir it said the messages "stay in the device's outbox",
  // but that outbox is in a temporary folder of the run's own that no later run reads.
  it('without --device-dir it names the run\'s device folder, and a run on that folder sends what was left', async () => {
    let closing: Promise<void> | undefined;
    const aedes = await Aedes.createBroker({
      authorizePublish: (client, packet, done) => {
        // The broker goes away as the first reading reaches it, never acknowledging it.
        if (client?.id === 'left-dev' && packet.topic.includes('/telemetry/')) closing ??= held.close();
        else done(null);
      },
    });
    const held = await serveAedes(aedes);
    const [modDir] = modDirs([REPORTER]);
    let folder: string;
    try {
      const first = await simToEnd(['--mod', modDir, '--broker', held.url, '--device-id', 'left-dev', '--duration', '3s', '--warp', '--quiet']);
      assert.equal(first.code, 0, first.output);
      const said = /mote: (\d+) message\(s\) \(seq 1-(\d+)\) were not acknowledged by the broker in time; they stay in the outbox of this run's device folder (\S+); run mote sim again with --device-dir (\S+) to send them\n/.exec(first.output);
      assert.ok(said, first.output);
      assert.equal(said[4], said[3]);
      folder = said[3];
    } finally {
      await (closing ?? held.close());
    }
    const server = await broker();
    const messages = brokerTap(server, 'left-dev');
    const second = await simToEnd(['--mod', modDir, '--broker', server.url, '--device-id', 'left-dev', '--device-dir', folder, '--duration', '1s', '--warp', '--quiet']);
    assert.equal(second.code, 0, second.output);
    const seqs = new Set(readings(messages, 'mote/v1/left-dev/telemetry/').map((reading) => reading.seq));
    for (const seq of [1, 2, 3]) assert.ok(seqs.has(seq), `seq ${seq} sent by the second run: ${[...seqs].join(' ')}`);
  });
});

describe('clean shutdown on Ctrl-C', function () {
  this.timeout(60_000);

  // Found by a review: Ctrl-C stopped the run loop and the drain then returned at once, so the
  // device never sent what was left nor its offline state (the broker's will came later, if ever).
  it('mote sim ended with Ctrl-C drains its outbox and leaves with a retained offline state', async () => {
    const server = await broker();
    const messages = brokerTap(server, 'cli-dev');
    const [modDir] = modDirs([REPORTER]);
    const child = spawnMote(['sim', '--mod', modDir, '--broker', server.url, '--device-id', 'cli-dev', '--quiet'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    await until(() => readings(messages, 'mote/v1/cli-dev/telemetry/').length >= 2, 'two readings', 30_000);
    child.kill('SIGINT');
    assert.equal(await exited, 0, output);
    // The device's own leave carries its clock and session; the broker's will for it is only {v, online}.
    const states = messages.filter((message) => message.topic === 'mote/v1/cli-dev/state').map((message) => JSON.parse(message.text));
    const last = states.at(-1);
    assert.ok(last?.online === false && typeof last.ts === 'number', `the device left with its own offline state, not the broker's will: ${JSON.stringify(states)}; output: ${output}`);
    assertEveryReading(readings(messages, 'mote/v1/cli-dev/telemetry/'), Math.max(...readings(messages, 'mote/v1/cli-dev/telemetry/').map((reading) => reading.seq)));
  });
});
