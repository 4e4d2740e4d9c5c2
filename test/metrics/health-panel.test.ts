// The console's health panel in Chromium, fed by real simulated devices (the host on the real XS
// engine, metrics every 10 s of warped time) through a real broker and the console's relay: a
// device whose mod leaks memory is flagged "heap creeping" from its own metrics, the healthy one
// is not; a device the test publisher plays (a Pico W stuck offline-ish, resetting) is flagged
// for its outbox and its resets. Charts show each device's reports.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { startConsole, type ConsoleServer } from '../../tools/console/server.ts';
import { haveChromium, launchChromium } from '../browser/chromium.ts';
import { bootNetDevice, broker, brokerTap, consumer, driveUntil, modDirs } from '../net/helpers.ts';
import type { EmbeddedBroker } from '../../tools/broker.ts';
import { PROJECT_ROOT } from '../../simulator/module-map.ts';

const ticker = (id: string, leak: boolean) => ({
  id,
  permissions: { timers: { max: 1, minInterval: 1000 } },
  main: `import Timer from "mote/timer";
const kept: number[][] = [];
export default { onStart() { Timer.repeat(() => { const block = new Array(1000).fill(kept.length); ${leak ? 'kept.push(block);' : ''} }, 1000); } };`,
});

async function runDevice(server: EmbeddedBroker, id: string, leak: boolean, reports: number): Promise<void> {
  const deviceDir = mkdtempSync(join(tmpdir(), `mote-health-${id}-`));
  writeFileSync(join(deviceDir, 'preferences.json'), JSON.stringify({ 'mote-net': { board: 'esp32', 'metrics-ms': 10_000 } }));
  const tap = brokerTap(server, id);
  const { device } = await bootNetDevice(modDirs([ticker(`${id}-mod`, leak)]), { broker: server.url, deviceDir, deviceId: id });
  await driveUntil(device, () => tap.filter((message) => message.topic === `mote/v1/${id}/metrics`).length >= reports, `${reports} metrics reports from ${id}`, 90_000);
  await device.shutdown();
}

describe('console health panel (Chromium, real devices and broker)', function () {
  this.timeout(240000);
  let browser: Browser;
  let consoleServer: ConsoleServer;

  before(async function () {
    if (!haveChromium()) this.skip();
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await consoleServer?.close();
  });

  it('charts each device and flags the leaking, the stuck and the resetting ones', async function () {
    if (!process.env.MODDABLE) this.skip(); // the heap figure comes from the SDK engine (simulator/xs-engine.ts)
    const server = await broker();
    consoleServer = await startConsole({ broker: server.url });
    const page = await browser.newPage({ viewport: { width: 1400, height: 1200 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(consoleServer.url);
    await page.waitForSelector('.connection.connected');
    await page.waitForSelector('#health-devices .empty');

    await runDevice(server, 'esp32-healthy', false, 8);
    await runDevice(server, 'esp32-leaky', true, 8);
    const { client: publisher } = await consumer(server.url, []);
    for (let i = 0; i < 6; i++) {
      const report = { v: 1, ts: Date.now() + i * 60_000, uptimeMs: 3_600_000 + i * 60_000, heapUsed: 90_000, resetReason: i >= 2 ? 'reset' : 'timer', resets: i >= 4 ? 2 : i >= 2 ? 1 : 0, boots: 40 + i, wakes: 38, outboxDepth: i * 15, outboxBytes: i * 900, outboxDropped: 0, radioOnMs: 60_000, modErrors: { 'climate-sleeper': 0 }, errors: 0 };
      await publisher.publishAsync('mote/v1/picow-stuck/metrics', JSON.stringify(report), { qos: 1, retain: true });
    }

    const flagsOf = (id: string) => page.$$eval(`.health-device[data-device="${id}"] .health-flag`, (items) => items.map((item) => `${item.getAttribute('data-rule')}: ${item.textContent}`));
    await page.waitForSelector('.health-device[data-device="esp32-leaky"] .health-flag[data-rule="heap"]', { timeout: 30_000 });
    await page.waitForSelector('.health-device[data-device="picow-stuck"] .health-flag[data-rule="outbox"]', { timeout: 30_000 });
    assert.deepEqual(await flagsOf('esp32-healthy'), []);
    assert.match((await flagsOf('esp32-leaky')).join('\n'), /^heap: heap creeping: [\d.]+ KB → [\d.]+ KB \(\+\d+ %\) over \d+ reports of this boot$/);
    assert.deepEqual((await flagsOf('picow-stuck')).map((flag) => flag.split(':')[0]), ['resets', 'outbox']);
    assert.match((await flagsOf('picow-stuck')).join('\n'), /outbox growing: 0 → 75 messages over 6 reports/);
    // Flagged devices first; every real device's heap chart has its reports.
    const order = await page.$$eval('.health-device', (cards) => cards.map((card) => card.getAttribute('data-device')));
    assert.deepEqual(order.slice(-1), ['esp32-healthy']);
    for (const id of ['esp32-healthy', 'esp32-leaky']) {
      const points = await page.$eval(`.health-device[data-device="${id}"] figure[data-series="heap"] svg`, (svg) => Number(svg.getAttribute('data-points')));
      assert.ok(points >= 7, `${id}: ${points} heap points`);
    }
    assert.match(await page.textContent('.health-device[data-device="esp32-healthy"] h3') ?? '', /last boot: power-on · boots 1 · wakes 0 · resets 0/);
    await page.locator('#health-panel').screenshot({ path: join(PROJECT_ROOT, 'test/browser/screenshots/health-panel.png') });
    assert.deepEqual(errors, []);
    await page.close();
  });
});
