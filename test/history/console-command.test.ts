// `mote console` records too (issue 17): run as a user runs it, against a broker of its own,
// with --history FILE, it writes what the fleet publishes there and serves it under /api/history;
// and the console's operator jobs reach the recorder when they finish.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { PROJECT_ROOT } from '../../simulator/module-map.ts';
import { startBroker, type EmbeddedBroker } from '../../tools/broker.ts';
import { JobList } from '../../tools/console/jobs.ts';
import { openHistory } from '../../tools/history/open-store.ts';
import { spawnMote } from '../harness/children.ts';

describe('mote console records the history', function () {
  this.timeout(60000);
  let broker: EmbeddedBroker;
  let dir: string;

  before(async () => {
    broker = await startBroker({ port: 0 });
    dir = mkdtempSync(join(tmpdir(), 'mote-console-history-'));
  });
  after(async () => {
    await broker.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes a device\'s readings and presence to --history FILE and serves them', async () => {
    const file = join(dir, 'fleet.db');
    const child = spawnMote(['console', '--broker', broker.url, '--port', '0', '--history', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let output = '';
      child.stderr.on('data', (chunk) => (output += chunk));
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (chunk) => {
          output += chunk;
          const match = /mote console: (http:\/\/\S+)/.exec(output);
          if (match) resolve(match[1]);
        });
        child.once('exit', (code) => reject(new Error(`mote console exited ${code}: ${output}`)));
      });
      assert.match(output, new RegExp(`history ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`));
      const device = await mqtt.connectAsync(broker.url, { clientId: 'dev-9' });
      await device.publishAsync('mote/v1/dev-9/state', JSON.stringify({ v: 1, online: true }), { qos: 1, retain: true });
      await device.publishAsync('mote/v1/dev-9/telemetry/meter/power', JSON.stringify({ seq: 1, ts: Date.now(), data: { watts: 42 } }), { qos: 1 });
      await device.endAsync();
      const series = async () => (await (await fetch(`${url}api/history/telemetry?device=dev-9&range=hour`)).json()) as { series: { key: string; points: { v: number }[] }[] };
      for (let i = 0; (await series()).series.length === 0; i++) {
        if (i > 100) throw new Error('the reading never reached the history');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.deepEqual((await series()).series.map((s) => [s.key, s.points.map((p) => p.v)]), [['meter/power/watts', [42]]]);
      const timeline = await (await fetch(`${url}api/history/timeline?range=hour`)).json() as { devices: Record<string, { status: string }[]> };
      assert.deepEqual(timeline.devices['dev-9'].map((s) => s.status), ['online']);
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGINT');
      await exited;
    }
    // Read by another process afterwards: the file holds it.
    const store = (await openHistory(file, file))!;
    assert.equal((await store.telemetry({ device: 'dev-9', since: 0 })).length, 1);
    await store.close();
  });

  it('hands each finished operator job, done or failed, to the recorder', async () => {
    const settled: { label: string; state: string; message?: string }[] = [];
    const jobs = new JobList((job) => settled.push(job));
    jobs.run('install blink on dev-1', async () => 'installed blink 1.1.0');
    jobs.run('roll out blink to 2 device(s)', async () => {
      throw new Error('phase 1 halted: dev-2 refused (downgrade)');
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    assert.deepEqual(settled.map(({ label, state, message }) => [label, state, message]).sort(), [
      ['install blink on dev-1', 'done', 'installed blink 1.1.0'],
      ['roll out blink to 2 device(s)', 'failed', 'phase 1 halted: dev-2 refused (downgrade)'],
    ]);
  });
});
