// Per-mod log levels (runtime/log-levels, mote/log) on the real XS engine and a real broker: a
// line below the mod's level is dropped before the console and the `log` topic; the operator
// sets the level with a retained `log-level/<modId>` message; the device keeps it across a
// reboot; a bad level is named and not applied.
import assert from 'node:assert/strict';
import { bootNetDevice, broker, brokerTap, consumer, driveUntil, modDirs } from '../net/helpers.ts';
import type { SimulatedDevice } from '../../simulator/device.ts';

// Logs one line at each level every second, through mote/log and console.
const chatty = {
  id: 'chatty',
  permissions: { timers: { max: 1, minInterval: 1000 } },
  main: `import Timer from "mote/timer";
import log from "mote/log";
let n = 0;
export default { onStart() { Timer.repeat(() => {
  n++;
  log.error("e", n); log.warn("w", n); log.info("i", n); log.debug("d", n);
  (console as any).debug("cd", n);
  if (log.enabled("debug")) trace("level " + log.level());
}, 1000); } };`,
};

const linesOf = (device: SimulatedDevice, since = 0) => device.logLines.filter((line) => line.tag === 'chatty' && line.time >= since).map((line) => line.text.replace(/\n$/, ''));
const kinds = (lines: string[]) => [...new Set(lines.map((line) => line.split(' ')[0]))].sort();

describe('per-mod log levels (simulator, real broker)', function () {
  this.timeout(120000);

  it('keeps info and above by default, and sends each line with its level on the log topic', async () => {
    const server = await broker();
    const tap = brokerTap(server);
    const { device } = await bootNetDevice(modDirs([chatty]), { broker: server.url });
    await driveUntil(device, () => tap.some((message) => message.topic === 'mote/v1/dev1/log' && message.text.includes('"i 3"')), 'three rounds of log lines');
    assert.deepEqual(kinds(linesOf(device)), ['e', 'i', 'w']);
    const sent = tap.filter((message) => message.topic === 'mote/v1/dev1/log').map((message) => JSON.parse(message.text)).filter((line) => line.tag === 'chatty');
    assert.deepEqual(sent.find((line) => line.text === 'e 1'), { ts: sent.find((line) => line.text === 'e 1').ts, tag: 'chatty', level: 'error', text: 'e 1' });
    assert.ok(sent.some((line) => line.level === 'warn' && line.text === 'w 1'));
    assert.ok(!sent.some((line) => line.level === 'debug'));
  });

  it('follows a retained log-level message, names a bad one, and keeps the level across a reboot', async () => {
    const server = await broker();
    const dirs = modDirs([chatty]);
    const { device, deviceDir } = await bootNetDevice(dirs, { broker: server.url });
    const { client: operator } = await consumer(server.url, []);
    await driveUntil(device, () => linesOf(device).includes('i 2'), 'the mod logging');

    await operator.publishAsync('mote/v1/dev1/log-level/chatty', 'debug', { retain: true });
    await driveUntil(device, () => device.logLines.some((line) => line.tag === 'host' && line.text.includes('log level of chatty: debug')), 'the device taking the level');
    let since = device.clock.now;
    await driveUntil(device, () => linesOf(device, since).some((line) => line.startsWith('cd ')), 'debug lines');
    await device.runFor(2000);
    assert.deepEqual(kinds(linesOf(device, since)), ['cd', 'd', 'e', 'i', 'level', 'w']);
    assert.ok(linesOf(device, since).includes('level debug'));

    await operator.publishAsync('mote/v1/dev1/log-level/chatty', '{"level":"error"}', { retain: true });
    await driveUntil(device, () => device.logLines.some((line) => line.tag === 'host' && line.text.includes('log level of chatty: error')), 'the error level');
    since = device.clock.now + 1;
    await device.runFor(3000);
    assert.deepEqual(kinds(linesOf(device, since)), ['e']);

    await operator.publishAsync('mote/v1/dev1/log-level/chatty', 'loud', { retain: false });
    await driveUntil(device, () => device.logLines.some((line) => line.text.includes('log level "loud" is not one of error, warn, info, debug')), 'the refusal of a bad level');
    since = device.clock.now + 1;
    await device.runFor(2000);
    assert.deepEqual(kinds(linesOf(device, since)), ['e']);
    await device.shutdown();

    // Rebooted without a network: the level it was given still applies from the first line.
    const again = await bootNetDevice(dirs, { broker: 'mqtt://127.0.0.1:1', deviceDir, powerOn: false });
    await again.device.runFor(3000);
    assert.deepEqual(kinds(linesOf(again.device)), ['e']);
  });
});
