// The console shows the past from the database (issue 17): an hour of a battery device's life,
// published over MQTT to the `npm start` stack's broker and written by the stack's own recorder
// (its clock set an hour back and moved along with the device, the only thing warped), then a
// console page opened afterwards. None of it is retained on the broker, so what the page shows
// before the present can only come from the history: the hour's telemetry in the chart, the
// sleep timeline's asleep and online spans across the hour, and audit records at the device's time.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import type { Browser, Page } from 'playwright-core';
import { PROJECT_ROOT } from '../../simulator/module-map.ts';
import { startStack, type Stack } from '../../tools/stack/stack.ts';
import { haveChromium, launchChromium, type PageDocument } from './chromium.ts';

declare const document: PageDocument & { querySelectorAll(selector: string): ArrayLike<{ getAttribute(name: string): string | null; textContent: string | null }> };

const DEVICE = 'esp32-shed';
const MIN = 60_000;
/** For a person to look at (gitignored, as the other browser tests' screenshots). */
const SCREENSHOT = join(PROJECT_ROOT, 'test/browser/screenshots/history.png');

describe('the console shows the last hour from the history database (npm start, Chromium)', function () {
  this.timeout(180000);
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  // Set when the test runs, not when mocha loads the file (a full run loads every file first).
  let clock: number;
  let start: number;

  before(async function () {
    if (!haveChromium()) this.skip();
    start = clock = Date.now() - 54 * MIN; // its first readings, 4 minutes before its first wake, are inside the hour
    stack = await startStack({ port: 0, home: mkdtempSync(join(tmpdir(), 'mote-history-home-')), fleet: [], historyNow: () => clock });
    assert.equal(stack.history?.store.kind, 'sqlite');
    await stack.history!.link.subscribed;
    // The device's hour: every 10 minutes it wakes (online), reports the 5 readings it took in the last 4
    // minutes in one batch, and goes back to sleep 2 minutes later; its audit carries its own clock.
    const device = await mqtt.connectAsync(stack.broker.url, { clientId: DEVICE });
    const link = stack.history!.link.client;
    let seq = 1;
    const at = async (t: number, topic: string, payload: object) => {
      clock = t;
      // The recorder stamps a message when its subscription delivers it: wait for that, then write.
      const text = JSON.stringify(payload);
      const delivered = new Promise<void>((resolve) => {
        const heard = (heardTopic: string, body: Buffer) => {
          if (heardTopic === `mote/v1/${DEVICE}/${topic}` && body.toString() === text) (link.off('message', heard), resolve());
        };
        link.on('message', heard);
      });
      await device.publishAsync(`mote/v1/${DEVICE}/${topic}`, text, { qos: 1 });
      await delivered;
      await stack.history!.recorder.flush();
    };
    for (let wake = 0; wake < 6; wake++) {
      const t = start + wake * 10 * MIN;
      await at(t, 'state', { v: 1, online: true, ts: t, audit: [{ seq: wake, mod: 'climate-sleeper', kind: wake ? 'restart' : 'grant', detail: `wake ${wake}`, ts: t - 1000 }] });
      await at(t + 1000, 'telemetry/climate-sleeper', { v: 2, seq, ts: t - 4 * MIN, topic: 'temperature', dts: [0, MIN, 2 * MIN, 3 * MIN, 4 * MIN], items: [20 + wake, 20.5 + wake, 21 + wake, 21.5 + wake, 22 + wake] });
      seq += 5;
      await at(t + 2 * MIN, 'state', { v: 1, online: false, asleep: true, ts: t + 2 * MIN });
    }
    await device.endAsync();
    clock = Date.now();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  });

  after(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('draws the hour\'s readings, asleep and online spans and device-time audit records from the database', async () => {
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${stack.console.url}?device=${DEVICE}`);
    await page.waitForFunction(() => document.querySelector('body')?.getAttribute('data-history') === 'hour|esp32-shed', undefined, { timeout: 30000 });
    // The chart: 30 readings, each in its own minute bucket; live MQTT brought none of them.
    await page.waitForSelector('figure.telemetry[data-series="climate-sleeper/temperature"] svg[data-points]', { timeout: 30000 });
    const points = Number(await page.getAttribute('figure.telemetry[data-series="climate-sleeper/temperature"] svg', 'data-points'));
    assert.equal(points, 30, `the chart has ${points} points from the hour`);
    // The timeline spans the hour: six wakes, each online then asleep.
    const spans = await page.$$eval(`#timeline g[data-device="${DEVICE}"] rect`, (rects) => rects.map((rect) => ({ status: rect.getAttribute('class'), title: rect.textContent })));
    assert.equal(spans.filter((s) => s.status === 'span span-asleep').length, 6, JSON.stringify(spans));
    assert.equal(spans.filter((s) => s.status === 'span span-online').length, 6, JSON.stringify(spans));
    // The device row says asleep (its last stored presence) though it never spoke to this page.
    assert.match(await page.textContent(`tr[data-device="${DEVICE}"]`) ?? '', /asleep/);
    // The audit log: every wake's record, stamped with the device's time, not the page's.
    const audit = await page.$$eval('#detail .audit li', (items) => items.map((item) => item.textContent ?? ''));
    assert.equal(audit.filter((line) => /climate-sleeper wake \d/.test(line)).length, 6, audit.join('\n'));
    const shown = await page.evaluate((t) => new Date(t).toLocaleTimeString(), start - 1000);
    assert.ok(audit.some((line) => line.startsWith(shown) && /grant climate-sleeper wake 0/.test(line)), `no audit line at the device time ${shown}: ${audit.join(' | ')}`);
    mkdirSync(join(SCREENSHOT, '..'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    assert.deepEqual(errors, []);
  });
});
