// The simulator runs the firmware's XS: the engine it starts reports the XS version the SDK's
// sources declare (xs/sources/xsCommon.h), and its machine has what only that XS has.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { PROJECT_ROOT } from '../../simulator/module-map.ts';
import { firmwareXsVersion, reportedXsVersion, xsEngine } from '../../simulator/xs-engine.ts';
import { XsWorker, xsnapWorkerPath } from '../../simulator/xs-worker.ts';
import { forkServerBinary } from '../../simulator/xs-fork.ts';

describe('the simulator\'s XS engine', function () {
  this.timeout(180_000); // the first use may build the engine

  before(function () {
    if (!process.env.MODDABLE) this.skip(); // without the SDK there is no firmware XS to compare with
  });

  it('is the XS of the SDK named by MODDABLE (XS 17.7 in Moddable SDK 8.2.3)', () => {
    const engine = xsEngine();
    const expected = firmwareXsVersion(process.env.MODDABLE!);
    assert.equal(engine.source, 'sdk');
    assert.equal(engine.mismatch, undefined);
    assert.equal(xsnapWorkerPath(), engine.worker);
    assert.equal(reportedXsVersion(engine.worker), expected);
    assert.equal(engine.xsVersion, expected);
  });

  it('runs a machine with what that XS has and XS 13.3 has not (Error.isError, Uint8Array.fromBase64)', async () => {
    const worker = new XsWorker({ onQuery: () => new Uint8Array(), stdout: 'ignore' });
    try {
      const { reply } = await worker.evaluate(`
        globalThis.handleCommand = () => new TextEncoder().encode(JSON.stringify([typeof Error.isError, typeof Uint8Array.fromBase64]).slice(0)).buffer;
      `).then(() => worker.command(new Uint8Array()));
      assert.equal(Buffer.from(reply).toString('utf8'), '["function","function"]');
    } finally {
      await worker.close();
    }
  });

  it('meters computrons as XS 13 did (one per byte code), so crank and turn limits hold', async () => {
    // XS 17 counts 1 << 16 per byte code in 64 bits; the worker reports and limits computrons.
    const worker = new XsWorker({ onQuery: () => new Uint8Array(), stdout: 'ignore' });
    try {
      const { meter } = await worker.evaluate('let n = 0; for (let i = 0; i < 100000; i++) n++;');
      assert.ok(meter.compute > 1e6 && meter.compute < 4e6, `computrons for 100,000 loop turns: ${meter.compute}`);
      // A limit set from inside the machine (the watchdog's meter.limit does this) stops a runaway.
      await assert.rejects(worker.evaluate('const index = resetMeter(0, 0); resetMeter(index + 100000, index); for (;;) {}'));
      assert.equal(worker.exitReason, 'too much computation');
    } finally {
      await worker.close();
    }
  });

  it('the fork server that boots woken devices is linked from the same XS', () => {
    const binary = forkServerBinary();
    if (!binary) return; // no C compiler here: woken devices start from the snapshot instead
    assert.equal(reportedXsVersion(binary), firmwareXsVersion(process.env.MODDABLE!));
  });
});

describe('without MODDABLE', function () {
  this.timeout(60_000);

  it('falls back to the bundled XS and says which versions differ and how to get the matching one', function () {
    const env = { ...process.env };
    delete env.MODDABLE;
    const probe = spawnSync(process.execPath, ['--import', 'tsx', '-e', 'import("./simulator/xs-engine.ts").then((m) => console.log(JSON.stringify(m.xsEngine())))'], { env, encoding: 'utf8', cwd: PROJECT_ROOT });
    if (/not built/.test(probe.stderr)) this.skip(); // the bundled engine is built only by an install without MODDABLE
    assert.equal(probe.status, 0, probe.stderr);
    const engine = JSON.parse(probe.stdout);
    assert.equal(engine.source, 'bundled');
    assert.match(probe.stderr, new RegExp(`runs XS ${engine.xsVersion.replace(/\./g, '\\.')} .*not the firmware's XS \\(17\\.7 .*set MODDABLE`));
  });
});
