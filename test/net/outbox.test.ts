// The flash outbox on the real XS engine over the simulator's NOR flash model.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtInBoard } from '../../simulator/boards.ts';
import { SimulatedDevice } from '../../simulator/device.ts';
import { linesOf } from '../xs/helpers.ts';

async function runIn(deviceDir: string, body: string, cutPowerAtFlashOp?: number): Promise<string[]> {
  const file = join(mkdtempSync(join(tmpdir(), 'mote-outbox-')), 'main.ts');
  writeFileSync(file, `
import Flash from "flash";
import { Outbox } from "net/outbox";
let dropped = 0;
const counter = { get: () => dropped, set: (v: number) => { dropped = v; } };
const message = (n: number, size = 10) => ({ topic: "mote/v1/d/telemetry/m/x", body: JSON.stringify({ n, pad: "p".repeat(size) }), ts: n, qos: 1 as const, retain: false, batch: true, raw: false });
const show = (box: Outbox) => trace(box.entries.map((e) => e.seq + (e.sent ? "s" : "") + "=" + JSON.parse(box.body(e)).n).join(",") + " next " + box.nextSeq + " dropped " + box.dropped);
${body}
`);
  const device = new SimulatedDevice({ board: builtInBoard('esp32'), warp: true, deviceDir, powerOn: false, cutPowerAtFlashOp });
  await device.run(file).catch((error) => {
    if (!device.storage.poweredOff) throw error;
  });
  await device.shutdown();
  if (!device.storage.poweredOff) assert.deepEqual(device.uncaught, []);
  flashOps = device.storage.flashOps;
  return linesOf(device, 'host');
}

let flashOps = 0;

// Appends (some crossing into new blocks), sends and acknowledgements, each traced once done.
const WORKLOAD = `
const box = new Outbox(new Flash("outbox"), { maxMessages: 100, dropped: counter });
for (let n = 1; n <= 12; n++) {
  box.append(message(n, n % 4 === 0 ? 1500 : 10 + n));
  trace("stored " + n);
  if (n % 3 === 0) { box.markSent(box.entries[0], false); trace("sent " + box.entries[0].seq); }
  if (n % 5 === 0) { const seq = box.entries[0].seq; box.acknowledge(seq); trace("acked " + seq); }
}
`;
const REOPEN = `
const box = new Outbox(new Flash("outbox"), { maxMessages: 100, dropped: counter });
show(box);
box.append(message(box.nextSeq));
show(new Outbox(new Flash("outbox"), { maxMessages: 100, dropped: counter }));
`;

describe('the flash outbox (modules/net/outbox) on XS', () => {
  it('a power cut at any flash write or erase loses no message whose append returned, and leaves no garbage', async function () {
    this.timeout(300_000);
    await runIn(mkdtempSync(join(tmpdir(), 'mote-device-')), WORKLOAD);
    const total = flashOps;
    // Each append commits its record in one write (format 3: the CRC vouches for it; format 2
    // wrote the record and then its commit byte, 33 operations here).
    assert.equal(total, 21, '12 appends (one write each), 3 sent marks (a repeat mark writes nothing), 2 acknowledgements, 2 blocks opened (erase + header each)');
    for (let cut = 1; cut <= total; cut++) {
      const dir = mkdtempSync(join(tmpdir(), 'mote-device-'));
      const before = await runIn(dir, WORKLOAD, cut);
      const stored = before.filter((line) => line.startsWith('stored ')).map((line) => Number(line.slice(7)));
      const acked = new Set(before.filter((line) => line.startsWith('acked ')).map((line) => Number(line.slice(6))));
      const [listed, after] = await runIn(dir, REOPEN);
      const entries = listed.split(' next ')[0].split(',').filter(Boolean).map((item) => item.replace('s', '').split('=').map(Number));
      for (const [seq, n] of entries) assert.equal(seq, n, `cut at op ${cut}: seq ${seq} holds the body of ${n}`);
      const present = new Set(entries.map(([seq]) => seq));
      for (const n of stored) if (!acked.has(n)) assert.ok(present.has(n), `cut at op ${cut}: message ${n} was stored (its append returned) but is gone: ${listed}`);
      for (const seq of present) assert.ok(seq <= stored.length + 1, `cut at op ${cut}: seq ${seq} was never appended`);
      assert.match(after, /next \d+ dropped 0$/, `cut at op ${cut}: the outbox works after the reboot`);
    }
  });

  it('keeps unacknowledged messages and their sent marks across a reboot; the sequence continues', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mote-device-'));
    const first = await runIn(dir, `
const box = new Outbox(new Flash("outbox"), { maxMessages: 100, dropped: counter });
for (let n = 1; n <= 5; n++) box.append(message(n));
box.markSent(box.entries[0]);
box.markSent(box.entries[1]);
box.acknowledge(1);
box.acknowledge(3);
show(box);
`);
    assert.deepEqual(first, ['2s=2,4=4,5=5 next 6 dropped 0']);
    const second = await runIn(dir, `
const box = new Outbox(new Flash("outbox"), { maxMessages: 100, dropped: counter });
show(box);
box.append(message(6));
show(box);
`);
    assert.deepEqual(second, ['2s=2,4=4,5=5 next 6 dropped 0', '2s=2,4=4,5=5,6=6 next 7 dropped 0']);
  });

  it('acknowledges the consecutive entries of a batch and scattered ones alike; a reboot agrees', async () => {
    const lines = await runIn(mkdtempSync(join(tmpdir(), 'mote-device-')), `
const box = new Outbox(new Flash("outbox"), { maxMessages: 100, dropped: counter });
for (let n = 1; n <= 8; n++) box.append(message(n));
box.acknowledgeAll([2, 3, 4]);
box.acknowledgeAll([8, 6]);
box.acknowledgeAll([5, 99]);
show(box);
show(new Outbox(new Flash("outbox"), { maxMessages: 100, dropped: counter }));
`);
    assert.deepEqual(lines, ['1=1,7=7 next 9 dropped 0', '1=1,7=7 next 9 dropped 0']);
  });

  it('reads bodies back from flash in any order, across blocks, past those kept in RAM', async () => {
    const lines = await runIn(mkdtempSync(join(tmpdir(), 'mote-device-')), `
const box = new Outbox(new Flash("outbox"), { maxMessages: 200, dropped: counter });
// 120 messages, every seventh about 1 KB: several blocks, more than the 32 bodies kept in RAM.
for (let n = 1; n <= 120; n++) box.append(message(n, n % 7 === 0 ? 1000 : n % 13));
const again = new Outbox(new Flash("outbox"), { maxMessages: 200, dropped: counter });
const entries = again.entries;
const order = [119, 0, 60, 61, 5, 90, 91, 92, 30];
for (let i = entries.length - 1; i >= 0; i--) if (order.indexOf(i) < 0) order.push(i);
const wrong = order.filter((i) => JSON.parse(again.body(entries[i])).n !== entries[i].seq);
trace(entries.length + " entries, " + wrong.length + " bodies wrong");
`);
    assert.deepEqual(lines, ['120 entries, 0 bodies wrong']);
  });

  it('when full, drops the oldest and counts them (by message count and by flash space)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mote-device-'));
    const lines = await runIn(dir, `
const box = new Outbox(new Flash("outbox"), { maxMessages: 3, dropped: counter });
for (let n = 1; n <= 5; n++) box.append(message(n));
show(box);
const big = new Outbox(new Flash("outbox"), { maxMessages: 10000, dropped: counter });
// 64 KB partition, 16 blocks: ~1 KB records, 3 per block; writing 60 wraps the ring.
for (let n = 6; n <= 65; n++) big.append(message(n, 1200));
trace(big.entries.length + " live, first " + big.entries[0].seq + ", last " + big.entries[big.entries.length - 1].seq + ", dropped " + big.dropped);
const again = new Outbox(new Flash("outbox"), { maxMessages: 10000, dropped: counter });
trace(again.entries.length + " live after reopening, first " + again.entries[0].seq + ", next " + again.nextSeq);
try { big.append(message(0, 5000)); } catch (e) { trace((e as Error).message); }
`);
    assert.equal(lines[0], '3=3,4=4,5=5 next 6 dropped 2');
    const [live, first, last] = lines[1].match(/\d+/g)!.map(Number);
    assert.equal(last, 65);
    assert.equal(first + live - 1, 65, 'the survivors are the newest, contiguous');
    assert.ok(live >= 42 && live <= 48, `about 15 blocks of 3 records survive (${live})`);
    // Nothing was acknowledged: every message not live was dropped, and counted.
    assert.equal(Number(lines[1].match(/dropped (\d+)/)![1]), 65 - live);
    assert.equal(lines[2], `${live} live after reopening, first ${first}, next 66`);
    assert.match(lines[3], /larger than the outbox's 4065-byte limit/);
  });

  it('a record torn by a power cut is skipped; the next append goes after it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mote-device-'));
    const lines = await runIn(dir, `
const flash = new Flash("outbox");
const box = new Outbox(flash, { maxMessages: 100, dropped: counter });
box.append(message(1));
box.append(message(2));
// A third record whose body reached flash but whose commit byte did not (power cut).
const end = box.entries[1].offset + box.entries[1].length;
flash.write(end + 1, 3, Uint8Array.of(60, 0, 99));
const again = new Outbox(flash, { maxMessages: 100, dropped: counter });
show(again);
again.append(message(3));
show(new Outbox(flash, { maxMessages: 100, dropped: counter }));
`);
    assert.deepEqual(lines, ['1=1,2=2 next 3 dropped 0', '1=1,2=2,3=3 next 4 dropped 0']);
  });

  it('reads the blocks an older host wrote in format 2 after an upgrade, and appends in a new block', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mote-device-'));
    const lines = await runIn(dir, `
const flash = new Flash("outbox");
// Block 0 as format 2 wrote it: header "MOB" 2, base seq 7, base ts 1000; two committed records
// (11-byte header, the first with its topic inline), the second unsent one acknowledged already.
const topic = "mote/v1/d/telemetry/m/x";
const header = new Uint8Array(16);
header.set([0x4d, 0x4f, 0x42, 2]);
new DataView(header.buffer).setUint32(4, 7, true);
new DataView(header.buffer).setFloat64(8, 1000, true);
flash.erase(0);
flash.write(0, 16, header);
const record = (seqDelta, withTopic, body, state) => {
  const topicBytes = withTopic ? Array.from(topic, (c) => c.charCodeAt(0)) : [];
  const bodyBytes = Array.from(body, (c) => c.charCodeAt(0));
  const length = 11 + (withTopic ? 2 + topicBytes.length : 0) + bodyBytes.length;
  const bytes = new Uint8Array(length);
  const view = new DataView(bytes.buffer);
  bytes[0] = state;
  view.setUint16(1, length, true);
  view.setUint16(3, seqDelta, true);
  view.setUint32(5, seqDelta * 10, true);
  bytes[9] = 1 | 8 | (withTopic ? 0x20 : 0);
  bytes[10] = 0;
  let at = 11;
  if (withTopic) { view.setUint16(at, topicBytes.length, true); bytes.set(topicBytes, at + 2); at += 2 + topicBytes.length; }
  bytes.set(bodyBytes, at);
  return bytes;
};
const a = record(0, true, JSON.stringify({ n: 7 }), 0x7f);
const b = record(1, false, JSON.stringify({ n: 8 }), 0x7f & ~0x40);
const c = record(2, false, JSON.stringify({ n: 9 }), 0x7f & ~0x20);
flash.write(16, a.length, a);
flash.write(16 + a.length, b.length, b);
flash.write(16 + a.length + b.length, c.length, c);
const box = new Outbox(flash, { maxMessages: 100, dropped: counter });
show(box);
trace("ts " + box.entries.map((e) => e.ts).join(","));
box.append(message(10));
trace("new record in block " + Math.floor(box.entries[2].offset / flash.blockSize));
show(new Outbox(flash, { maxMessages: 100, dropped: counter }));
`);
    assert.deepEqual(lines, ['7=7,9s=9 next 10 dropped 0', 'ts 1000,1020', 'new record in block 1', '7=7,9s=9,10=10 next 11 dropped 0']);
  });
});
