// Fair shares hold in flash, not only in counted bytes: records never span blocks, so a message
// that does not fit what is left of a block leaves that rest unused until the ring comes round.
// A mod whose messages each just overfill half a block wastes about as much flash as it stores;
// if only its records were counted, the ring would wrap within the other mods' shares and drop
// their oldest readings (found by a review attacking the outbox with such a mod).
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtInBoard } from '../../simulator/boards.ts';
import { SimulatedDevice } from '../../simulator/device.ts';
import { linesOf } from '../xs/helpers.ts';

async function traceOf(body: string): Promise<string[]> {
  const file = join(mkdtempSync(join(tmpdir(), 'mote-outbox-')), 'main.ts');
  writeFileSync(file, `
import Flash from "flash";
import { Outbox, OutboxShareError } from "net/outbox";
let dropped = 0;
const counter = { get: () => dropped, set: (v: number) => { dropped = v; } };
const lost: string[] = [];
const onDrop = (owner: string, seq: number, reason: string) => { if (seq) lost.push(owner + " seq " + seq + ": " + reason); };
const message = (mod: string, n: number, size: number) =>
  ({ topic: "mote/v1/d/telemetry/" + mod + "/x", body: JSON.stringify({ n, pad: String.fromCharCode(65 + (n % 26)).repeat(size) }), ts: n, qos: 1 as const, retain: false, batch: false, raw: false });
${body}
`);
  const device = new SimulatedDevice({ board: builtInBoard('esp32'), warp: true, deviceDir: mkdtempSync(join(tmpdir(), 'mote-device-')), powerOn: false });
  await device.run(file);
  await device.shutdown();
  assert.deepEqual(device.uncaught, []);
  return linesOf(device, 'host');
}

const attack = (reboot: boolean) => `
let box = new Outbox(new Flash("outbox"), { maxMessages: 2000, dropped: counter, onDrop });
box.append(message("victim", 0, 4));
let hog = 0, victim = 0, victimRefused = 0;
// Each hog record (about 2,090 bytes) overfills half a 4 KB block: one per block.
for (let n = 1; n < 100; n++) {
  ${reboot ? 'if (n === 6) box = new Outbox(new Flash("outbox"), { maxMessages: 2000, dropped: counter, onDrop });' : ''}
  try { box.append(message("hog", n, 2030)); hog++; } catch (error) { if (!(error instanceof OutboxShareError)) throw error; break; }
}
for (let n = 1; n <= 1200; n++) {
  try { box.append(message("victim", n, 4)); victim++; } catch (error) { if (!(error instanceof OutboxShareError)) throw error; victimRefused++; }
}
trace("hog stored " + hog + ", victim stored " + victim + ", refused " + victimRefused);
trace("lost: " + (lost.join("; ") || "none"));
trace("oldest: " + box.entries[0].seq);
`;

describe('outbox fair shares in flash (modules/net/outbox)', () => {
  it('a mod whose messages waste half a block each cannot make the ring wrap over another mod within its share', async function () {
    this.timeout(120_000);
    const [stored, lost, oldest] = await traceOf(attack(false));
    assert.match(stored, /^hog stored \d+, victim stored \d+/);
    assert.equal(lost, 'lost: none', stored);
    assert.equal(oldest, 'oldest: 1', 'the victim\'s first reading is still waiting');
  });

  it('the waste is read back from flash at boot: a reboot amid the mod\'s messages gives it no more room', async function () {
    this.timeout(120_000);
    const [straight] = await traceOf(attack(false));
    const [rebooted, lost] = await traceOf(attack(true));
    assert.equal(rebooted, straight);
    assert.equal(lost, 'lost: none');
  });
});
