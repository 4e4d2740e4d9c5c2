// climate-sleeper's period is the operator's to set through the mod's desired state: a retained
// {"periodMs": N} is applied at the first connection, kept in the mod's storage for the wakes
// in between (radio down), and reported back; a bad one is refused, reported with why, and the
// period stays. Warped time, a real broker.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { loadBoardFile } from '../../../simulator/boards.ts';
import { SimulatedDevice } from '../../../simulator/device.ts';
import { buildMod } from '../../../simulator/mod-build.ts';
import { PROJECT_ROOT } from '../../../simulator/module-map.ts';
import { attachNetwork } from '../../../simulator/network/index.ts';
import { buildReport } from '../../../simulator/report.ts';
import { startBroker, type EmbeddedBroker } from '../../../tools/broker.ts';
import { consumer, until } from '../../../test/net/helpers.ts';

const MOD = join(PROJECT_ROOT, 'mods/climate-sleeper');
const MINUTE = 60_000;
const DESIRED = 'mote/v1/dev1/desired/climate-sleeper';
const REPORTED = 'mote/v1/dev1/reported/climate-sleeper';

/** Samples taken: SHT4x "measure T & RH, high precision" commands (0xFD). */
function samples(device: SimulatedDevice): number {
  return device.i2c.transactions.filter((t) => t.op === 'write' && t.bytes[0] === 0xfd).length;
}

describe('climate-sleeper period from its desired state', function () {
  this.timeout(120000);
  let server: EmbeddedBroker;
  let device: SimulatedDevice | undefined;
  const closers: (() => Promise<void>)[] = [];

  beforeEach(async () => {
    server = await startBroker();
  });

  afterEach(async () => {
    await device?.shutdown();
    device = undefined;
    for (const close of closers.splice(0)) await close();
    await server.close();
  });

  async function runWithDesired(desired: string, minutes: number) {
    const operator = await mqtt.connectAsync(server.url);
    await operator.publishAsync(DESIRED, desired, { retain: true, qos: 1 });
    await operator.endAsync();
    const { client, messages } = await consumer(server.url, [REPORTED]);
    closers.push(() => client.endAsync());
    device = new SimulatedDevice({ board: loadBoardFile(join(MOD, 'sim-board.json')), mods: [buildMod(MOD)], warp: true });
    attachNetwork(device, { broker: server.url, deviceId: 'dev1', epochAtBoot: Date.UTC(2004, 2, 4) });
    await device.boot();
    await device.runFor(minutes * MINUTE);
    await until(() => messages.length > 0, 'the reported state');
    const report = await buildReport(device);
    return { reported: JSON.parse(messages.at(-1)!.text), report, samples: samples(device) };
  }

  it('samples every 20 s through deep sleep when the operator asks for it, and reports the period', async () => {
    const { reported, report, samples: taken } = await runWithDesired('{"periodMs":20000}', 10);
    // 10 minutes at 20 s: about 30 samples (the default 5 minutes would take 2 or 3).
    assert.ok(taken >= 27 && taken <= 33, `${taken} samples in 10 minutes`);
    assert.ok(report.power.deepSleeps >= 25, `${report.power.deepSleeps} deep sleeps`);
    assert.deepEqual(reported, { periodMs: 20000 });
    assert.deepEqual(report.mods.map((mod) => [mod.id, mod.state, mod.errors, mod.denials]), [['climate-sleeper', 'running', 0, 0]]);
  });

  it('refuses a period below the 10 s its grant allows, says why in reported, and keeps 5 minutes', async () => {
    const { reported, report, samples: taken } = await runWithDesired('{"periodMs":1000}', 16);
    assert.ok(taken >= 3 && taken <= 5, `${taken} samples in 16 minutes`);
    assert.equal(reported.periodMs, 300000);
    assert.match(reported.error, /periodMs must be a whole number of ms from 10000 to 86400000, got 1000; the period stays 300000 ms/);
    assert.deepEqual(report.mods.map((mod) => [mod.id, mod.state, mod.errors]), [['climate-sleeper', 'running', 0]]);
  });
});
