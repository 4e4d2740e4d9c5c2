// Remote configuration from the console (issue 18): on a device that deep-sleeps between radio
// sessions (every 5 s here: preference mote-power/radio-poll-ms), the operator sets a value in the
// console's configuration panel while the device sleeps; a value outside the schema is refused in
// the page with the schema's reason and nothing is sent; a good one shows as waiting, then as
// applied once the device woke and took it, and the mod was told after that wake. Real time, a
// real Aedes broker, the console server and Debian's Chromium. It waits on the page, with timeouts
// generous enough for a loaded 2-core machine (the panel polls the server every 2 s, flags every 5 s).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { PROJECT_ROOT } from '../../simulator/module-map.ts';
import { startConsole, type ConsoleServer } from '../../tools/console/server.ts';
import mqtt from 'mqtt';
import { broker, bootNetDevice, consumer, modDirs, until } from '../net/helpers.ts';
import { configuredMod } from '../config/fixtures.ts';
import { applyConfigFlag, readFleet } from '../../tools/config/flag-apply.ts';
import { haveChromium, launchChromium, type PageDocument } from './chromium.ts';

declare const document: PageDocument;

const SCREENSHOT = join(PROJECT_ROOT, 'test/browser/screenshots/config.png');
const SLEEPER = configuredMod('sleeper', `
import config from "mote/config";
import power from "mote/power";
export default {
  onStart() {
    trace("boot level=" + config.get("level"));
    config.onChange((changed: readonly string[]) => trace("changed " + changed.join(",") + " level=" + config.get("level")));
    power.every(60000, () => {}, { name: "tick", slack: 1000 });
  },
};`, { permissions: { power: { minWakeInterval: 60000, maxHoldAwake: 1000 } } });

describe('configuration from the console on a sleeping device (Chromium)', function () {
  this.timeout(360000);
  let browser: Browser | undefined;
  let console: ConsoleServer | undefined;

  before(function () {
    if (!haveChromium()) this.skip();
  });

  after(async () => {
    await browser?.close();
    await console?.close();
  });

  it('refuses a bad value in the page, applies a good one after the device wakes, and shows a flag outcome per cohort', async () => {
    const server = await broker();
    const { messages: sent } = await consumer(server.url, ['mote/v1/+/config/#']);
    const deviceDir = mkdtempSync(join(tmpdir(), 'mote-config-browser-'));
    writeFileSync(join(deviceDir, 'preferences.json'), JSON.stringify({ 'mote-net': { board: 'esp32' }, 'mote-power': { 'radio-poll-ms': 5000 } }));
    const { device } = await bootNetDevice(modDirs([SLEEPER]), { broker: server.url, deviceDir, warp: false });
    const running = device.runFor(10 * 60_000);
    try {
      console = await startConsole({ broker: server.url, port: 0 });
      browser = await launchChromium();
      const page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(`${console.url}?device=dev1`);
      const block = '.config-mod[data-mod="sleeper"]';
      await page.waitForSelector(`${block} input[name="level"]`, { timeout: 60000 });
      await until(() => device.sleep.asleep, 'the device to deep-sleep', 60000);

      await page.fill(`${block} input[name="level"]`, '42');
      await page.click(`${block} button[type="submit"]`);
      await page.waitForSelector(`${block} .config-error:not([hidden])`, { timeout: 30000 });
      assert.equal(await page.textContent(`${block} .config-error`), 'refused, nothing sent: level must be an integer from 0 to 10, got 42');
      assert.equal(sent.length, 0, 'nothing reached the broker');

      await until(() => device.sleep.asleep, 'the device to deep-sleep again', 60000);
      const setAt = device.clock.now;
      await page.fill(`${block} input[name="level"]`, '9');
      await page.click(`${block} button[type="submit"]`);
      await page.waitForFunction((selector) => /version 1 (sent|set): waiting for the device/.test(document.querySelector(selector)?.textContent ?? ''), `${block} .config-status`, { timeout: 30000 });
      await page.waitForFunction((selector) => /^version 1 applied/.test(document.querySelector(selector)?.textContent ?? ''), `${block} .config-status`, { timeout: 90000 });
      assert.match(await page.textContent(`${block} .config-applied`) ?? '', /level=9/);

      const changed = device.logLines.find((line) => line.tag === 'sleeper' && line.text.startsWith('changed'));
      assert.equal(changed?.text.trim(), 'changed level level=9');
      const wake = device.sleep.stats().wakeTimes.find((time) => time > setAt);
      assert.ok(wake !== undefined && wake <= changed!.time, `applied after a wake (set at ${setAt}, wakes ${device.sleep.stats().wakeTimes.join(', ')}, applied at ${changed!.time})`);
      // A flag on a cohort of one: the console's flags table shows each cohort's outcome as the
      // device reports it (in effect once the sleeping device woke and applied it).
      const operator = await mqtt.connectAsync(server.url, { reconnectPeriod: 0 });
      await applyConfigFlag(operator, { v: 1, kind: 'config', name: 'turbo', mod: 'sleeper', key: 'fast', on: true, off: false, cohort: { devices: 'dev1' }, devices: 'all', assigned: {}, ts: 0 }, await readFleet(operator, 'sleeper'));
      await operator.endAsync();
      const on = 'tr.flag-cohort[data-flag="turbo"][data-cohort="on"]';
      await page.waitForSelector(on, { timeout: 60000 });
      assert.equal(await page.textContent(`${on} .cohort-devices`), '1');
      await page.waitForFunction((selector) => document.querySelector(selector)?.textContent === '1', `${on} .cohort-applied`, { timeout: 90000 });
      assert.equal(await page.textContent('tr.flag-cohort[data-flag="turbo"][data-cohort="off"] .cohort-devices'), '0');
      // The form follows what the flag set on this device (fields the operator did not touch).
      await page.waitForFunction((selector) => (document.querySelector(selector) as unknown as { value: string } | null)?.value === 'true', `${block} select[name="fast"]`, { timeout: 30000 });
      assert.equal(await page.inputValue(`${block} input[name="level"]`), '9');
      mkdirSync(join(SCREENSHOT, '..'), { recursive: true });
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
      assert.deepEqual(errors, []);
    } finally {
      device.stop();
      await running;
    }
  });
});
