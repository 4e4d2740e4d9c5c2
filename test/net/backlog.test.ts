// The outbox's backlog after an outage goes out read back from flash a batch at a time: the
// bodies of a batch's consecutive entries come from one read of their block, not one read (and
// one decoding of the block up to it) per reading. On a loaded machine each read is a round trip
// to Node that waits for the scheduler, so a read per reading made the recovery of a long outage
// take seconds of wall time per hundred readings (the Mosquitto outage test's 30 s timeout).
import assert from 'node:assert/strict';
import { bootNetDevice, broker, brokerTap, driveUntil, modDirs, readings } from './helpers.ts';
import { REPORTER, assertEveryReading } from './scenarios.ts';

describe('the outbox backlog after an outage', () => {
  it('300 waiting readings go out with one flash read per batch, every one of them, in order', async () => {
    const server = await broker();
    const received = brokerTap(server);
    const { device, network } = await bootNetDevice(modDirs([REPORTER]), { broker: server.url });
    await device.runFor(5_500);
    network.setLink(false);
    await device.runFor(300_000);
    const storage = device.storage;
    const read = storage.flashRead.bind(storage);
    let reads = 0;
    storage.flashRead = (partition, offset, length) => {
      if (partition === 'outbox') reads++;
      return read(partition, offset, length);
    };
    network.setLink(true);
    await device.runFor(60_000);
    const total = 365; // one a virtual second for 365.5 s
    await driveUntil(device, () => new Set(readings(received).map((r) => r.seq)).size >= total, `${total} distinct readings`);
    assertEveryReading(readings(received), total);
    // About 270 readings were no longer among the 32 bodies kept in RAM: in batches of up to 32,
    // a batch that spans two blocks reading each once.
    assert.ok(reads >= 1 && reads <= 14, `the backlog took ${reads} flash reads (at most one per batch expected; one per reading, over 300, before)`);
  });
});
