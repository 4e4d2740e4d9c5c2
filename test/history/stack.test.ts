// `npm start` records: the stack's recorder writes a real simulated device's life to the embedded
// database (the default .mote/history.db, here in a temporary home), as it happens, in real time:
// the example mod's install steps, the battery sensor's readings, and its online and asleep spans.
// And a second start on the same home resumes the same database.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_FLEET } from '../../tools/stack/fleet.ts';
import { startStack, type Stack } from '../../tools/stack/stack.ts';

const SLEEPER = 'esp32-attic';

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

describe('npm start records the fleet\'s history in the embedded database', function () {
  this.timeout(300_000);
  let stack: Stack | undefined;
  const home = mkdtempSync(join(tmpdir(), 'mote-history-stack-'));

  after(async () => stack?.close());

  it(`writes ${SLEEPER}'s install, readings and sleep spans to <home>/history.db`, async () => {
    const started = Date.now();
    stack = await startStack({ port: 0, home, fleet: DEMO_FLEET.filter((device) => device.id === SLEEPER) });
    const store = stack.history!.store;
    assert.equal(store.where, join(home, 'history.db'));
    assert.ok(existsSync(join(home, 'history.db')));
    const device = SLEEPER;
    await until('the install of climate-sleeper, confirmed', async () => ((await store.ota({ device, since: started })).some((r) => r.mod === 'climate-sleeper' && r.step === 'confirmed') ? true : undefined), 180_000);
    const spans = await until('asleep, then online again', async () => {
      const rows = await store.states({ device, since: started });
      const asleep = rows.findIndex((r) => r.status === 'asleep');
      return asleep >= 0 && rows.slice(asleep).some((r) => r.status === 'online') ? rows : undefined;
    }, 180_000);
    assert.equal(spans[0].status, 'online');
    const readings = await until('readings of climate-sleeper', async () => {
      const rows = (await store.telemetry({ device, since: started - 60_000 })).filter((r) => r.mod === 'climate-sleeper' && r.value !== null);
      return rows.length ? rows : undefined;
    }, 120_000);
    assert.ok(readings.every((r) => Number.isFinite(r.value) && r.seq !== null), JSON.stringify(readings.slice(0, 3)));
    const audit = await store.audit({ device, since: started, limit: 50 });
    assert.ok(audit.some((r) => r.mod === 'climate-sleeper' && r.kind === 'grant' && r.deviceTs >= started - 60_000), JSON.stringify(audit));
    await stack.close();
    // The next start on the same home: the same database, its rows still there.
    stack = await startStack({ port: 0, home, fleet: DEMO_FLEET.filter((d) => d.id === SLEEPER) });
    assert.ok((await stack.history!.store.telemetry({ device, since: started - 60_000 })).length >= readings.length);
  });
});
