// A flaky Wi-Fi link is not a broker that refuses a message. The outbox drops a message the broker
// closes the connection on each time it is sent alone (NATS refuses a "." in a topic: it would
// wedge the outbox for ever); a link that drops every few seconds closes connections with a
// reading alone in flight just as often. Found by a fresh review: with 1 s latency and the link
// up 2.5 s at a time, readings were dropped as "refused by the broker" though every one of them
// could be delivered.
import assert from 'node:assert/strict';
import { linesOf } from '../xs/helpers.ts';
import { bootNetDevice, broker, brokerTap, driveUntil, modDirs, readings } from './helpers.ts';
import { REPORTER, assertEveryReading } from './scenarios.ts';

/** Down 600 ms every 3 s for the first minute. */
function flakyWindows(): { from: number; to: number }[] {
  const windows = [];
  for (let from = 2_500; from < 60_000; from += 3_000) windows.push({ from, to: from + 600 });
  return windows;
}

describe('a flaky link', function () {
  this.timeout(120_000);

  it('drops no reading as refused by the broker: every reading of a minute of short connections arrives', async () => {
    const server = await broker();
    const messages = brokerTap(server);
    const { device } = await bootNetDevice(modDirs([REPORTER]), { broker: server.url, link: { latencyMs: 1_000, down: flakyWindows() } });
    await device.runFor(60_000);
    const made = 60;
    await driveUntil(device, () => new Set(readings(messages).map((reading) => reading.seq)).size >= made, `the ${made} readings`, 60_000);
    const dropped = linesOf(device, 'net').filter((line) => line.includes('dropped'));
    assert.deepEqual(dropped, [], 'nothing was dropped');
    assertEveryReading(readings(messages), made);
  });
});
