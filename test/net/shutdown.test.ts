// A clean shutdown drains the outbox within a bounded grace period and says what it leaves
// behind (host/network SHUTDOWN_GRACE_MS, Session.drain, SimulatedNetwork.drain).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../simulator/module-map.ts';
import { bootNetDevice, broker, brokerTap, driveUntil, modDirs, readings, until } from './helpers.ts';
import { REPORTER, assertEveryReading } from './scenarios.ts';
import { spawnMote } from '../harness/children.ts';

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
