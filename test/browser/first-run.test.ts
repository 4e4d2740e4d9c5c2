// The first-run experience in Chromium: the same stack as `npm start` (broker, four simulated
// devices on the real XS engine, console; esp32-attic's sleep is test/browser/sleep-timeline),
// on free ports in a temporary home. The screenshot is written to
// test/browser/screenshots/console.png (gitignored) for a person to look at.
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
  let page: Page | undefined;

  before(async function () {
    if (!haveChromium()) this.skip();
    mkdirSync(join(SCREENSHOT, '..'), { recursive: true });
    stack = await startStack({ port: 0, home: mkdtempSync(join(tmpdir(), 'mote-home-')) });
    browser = await launchChromium();
  });

  afterEach(async function () {
    // On a failure, keep what the page showed.
    if (this.currentTest?.state === 'failed' && page) await page.screenshot({ path: SCREENSHOT.replace(/\.png$/, '-failed.png'), fullPage: true }).catch(() => {});
  });

  after(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('shows the devices with their mods, installs a mod on one and charts its telemetry live', async () => {
    const installed = await stack.firstInstalls;
    assert.deepEqual(installed, { 'esp32-kitchen': ['thermometer', 'blink'], 'esp32-greenhouse': ['climate-logger'], 'picow-hallway': ['blink'], 'esp32-attic': ['climate-sleeper'] });
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${stack.console.url}?device=esp32-greenhouse`);
    for (const id of ['esp32-kitchen', 'esp32-greenhouse', 'picow-hallway']) await page.waitForSelector(`tr[data-device="${id}"] .status-online`);
    await page.waitForFunction(() => /thermometer, blink/.test(document.querySelector('tr[data-device="esp32-kitchen"]')?.textContent ?? ''));
    assert.match(await page.textContent('tr[data-device="picow-hallway"]') ?? '', /blink/);
    assert.match(await page.textContent('tr[data-device="esp32-greenhouse"]') ?? '', /climate-logger/);

    // Install the thermometer on the greenhouse device from the console.
    await page.selectOption('#detail .install-form select', 'thermometer.mote');
    await page.click('#detail .install-form button');
    await page.waitForSelector('.job-done', { timeout: 60000 });
    assert.match(await page.textContent('.job-done') ?? '', /install thermometer\.mote on esp32-greenhouse.*thermometer 1\.1\.0 on esp32-greenhouse: confirmed/s);
    await page.waitForSelector('#detail tr.mod[data-mod="thermometer"] .state-running');
    assert.match(await page.textContent('#detail tr.mod[data-mod="thermometer"] .grants') ?? '', /i2c bus 0 address 0x48.*mqtt publish "telemetry\/#"/);
    assert.match(await page.textContent('#detail .audit') ?? '', /grant thermometer i2c bus 0 address 0x48/);
    assert.match(await page.textContent('tr[data-device="picow-hallway"]') ?? '', /pico-w.*host 0\.1\.0/s);
    await page.waitForFunction(() => /\[thermometer\] temperature \d+\.\d\d C/.test(document.querySelector('#detail .log')?.textContent ?? ''));

    const series = 'thermometer/temperature/celsius';
    await page.waitForFunction((key) => Number(document.querySelector(`figure[data-series="${key}"] svg`)?.getAttribute('data-points')) >= 2, series, { timeout: 30000 });
    const before = await points(page, series);
    await page.waitForFunction(([key, n]) => Number(document.querySelector(`figure[data-series="${key}"] svg`)?.getAttribute('data-points')) > Number(n), [series, before], { timeout: 30000 });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    assert.deepEqual(errors, []);
  });
});
