// The first-run experience in Chromium: the same stack as `npm start` (broker, three simulated
// devices on the real XS engine, console), on free ports in a temporary home. The screenshot is
// written to test/browser/screenshots/console.png (gitignored) for a person to look at.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { PROJECT_ROOT } from '../../simulator/module-map.ts';
import { startStack, type Stack } from '../../tools/stack/stack.ts';
import { haveChromium, launchChromium, type PageDocument } from './chromium.ts';

declare const document: PageDocument; // in page functions, which run in the browser

export const SCREENSHOT = join(PROJECT_ROOT, 'test/browser/screenshots/console.png');

function points(page: Page, series: string): Promise<number> {
  return page.$eval(`figure[data-series="${series}"] svg`, (svg) => Number(svg.getAttribute('data-points'))).catch(() => 0);
}

describe('first run (npm start) in Chromium', function () {
  this.timeout(120000);
  let stack: Stack;
  let browser: Browser;

  before(async function () {
    if (!haveChromium()) this.skip();
    stack = await startStack({ port: 0, home: mkdtempSync(join(tmpdir(), 'mote-home-')) });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('shows the three devices online with their mods, and a live telemetry chart', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 950 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${stack.console.url}?device=esp32-kitchen`);
    for (const id of ['esp32-kitchen', 'esp32-greenhouse', 'picow-hallway']) await page.waitForSelector(`tr[data-device="${id}"] .status-online`);
    assert.match(await page.textContent('tr[data-device="esp32-kitchen"]') ?? '', /thermometer, blink/);
    assert.match(await page.textContent('tr[data-device="picow-hallway"]') ?? '', /blink/);
    await page.waitForFunction(() => Number(document.querySelector('figure[data-series="thermometer/temperature/celsius"] svg')?.getAttribute('data-points')) >= 2, null, { timeout: 30000 });
    const before = await points(page, 'thermometer/temperature/celsius');
    await page.waitForFunction((n) => Number(document.querySelector('figure[data-series="thermometer/temperature/celsius"] svg')?.getAttribute('data-points')) > n, before, { timeout: 30000 });
    mkdirSync(join(SCREENSHOT, '..'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    assert.deepEqual(errors, []);
  });
});
