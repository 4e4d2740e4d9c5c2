// The demo shows sleep (issue 20): in the `npm start` stack, esp32-attic runs climate-sleeper
// alone on a 20 s period with a 10 s command/OTA poll, so from the first minute the console's
// sleep timeline shows it asleep and then awake again, and its row says asleep. Real time, the
// same stack as `npm start` on free ports in a temporary home; it waits on the page, not on a
// clock, with timeouts generous enough for a loaded 2-core machine.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { PROJECT_ROOT } from '../../simulator/module-map.ts';
import { startStack, type Stack } from '../../tools/stack/stack.ts';
import { haveChromium, launchChromium } from './chromium.ts';

/** The little of the DOM the page function touches (tooling has no DOM types). */
interface TimelineDocument { querySelector(selector: string): { querySelectorAll(selector: string): ArrayLike<{ getAttribute(name: string): string | null }> } | null }
declare const document: TimelineDocument;

const SLEEPER = 'esp32-attic';
/** For a person to look at (gitignored, as first-run's console.png). */
const SCREENSHOT = join(PROJECT_ROOT, 'test/browser/screenshots/sleep-timeline.png');

describe('the demo shows sleep: the console timeline (npm start, Chromium)', function () {
  this.timeout(240000);
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  let started: number;

  before(async function () {
    if (!haveChromium()) this.skip();
    started = Date.now();
    stack = await startStack({ port: 0, home: mkdtempSync(join(tmpdir(), 'mote-sleep-home-')) });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  });

  after(async () => {
    await browser?.close();
    await stack?.close();
  });

  it(`shows ${SLEEPER} running climate-sleeper, asleep, then awake again in the sleep timeline`, async () => {
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(stack.console.url);
    // The device list says it sleeps, and what it runs.
    await page.waitForSelector(`tr[data-device="${SLEEPER}"] .status-asleep`, { timeout: 180000 });
    await page.waitForFunction((id) => /climate-sleeper/.test((document.querySelector(`tr[data-device="${id}"]`) as unknown as { textContent: string } | null)?.textContent ?? ''), SLEEPER, { timeout: 60000 });
    // Its timeline row: an asleep span, and an online (awake) span after it: a wake, not the boot.
    await page.waitForFunction((id) => {
      const row = document.querySelector(`#timeline g[data-device="${id}"]`);
      const spans = row ? Array.from(row.querySelectorAll('rect'), (rect) => rect.getAttribute('class') ?? '') : [];
      const asleep = spans.indexOf('span span-asleep');
      return asleep >= 0 && spans.indexOf('span span-online', asleep) > asleep;
    }, SLEEPER, { timeout: 180000 });
    const spans = await page.$$eval(`#timeline g[data-device="${SLEEPER}"] rect`, (rects) => rects.map((rect) => rect.getAttribute('class')));
    assert.ok(spans.includes('span span-asleep') && spans.includes('span span-online'), spans.join(', '));
    console.log(`      (${SLEEPER} asleep then awake in the timeline ${((Date.now() - started) / 1000).toFixed(1)} s after the start)`);
    // The other devices' rows stay as they were: blink keeps picow-hallway awake.
    await page.waitForSelector('tr[data-device="picow-hallway"] .status-online', { timeout: 60000 });
    mkdirSync(join(SCREENSHOT, '..'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    assert.deepEqual(errors, []);
  });
});
