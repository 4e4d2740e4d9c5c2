// The claim flow and the clone alert in the console, in Chromium, with real simulated devices on
// the embedded broker with identity: a provisioned, unclaimed device announces its claim code; the
// console shows the code and its QR code; `mote claim CODE` binds it and the entry goes; a clone
// of another device is refused and the console and `mote alerts` both say so.
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { startConsole, type ConsoleServer } from '../../tools/console/server.ts';
import { bootNetDevice, broker } from '../net/helpers.ts';
import { cloneDir, provisionedDir, runCli, tempRegistry } from '../identity/helpers.ts';
import { haveChromium, launchChromium, type PageDocument } from './chromium.ts';

declare const document: PageDocument & { querySelectorAll(selector: string): ArrayLike<PageElement & { complete?: boolean; naturalWidth?: number }> };
type PageElement = NonNullable<ReturnType<PageDocument['querySelector']>>;


describe('console: claim codes with QR codes, clone alerts (Chromium)', function () {
  this.timeout(120_000);
  let browser: Browser | undefined;
  let server: ConsoleServer | undefined;

  before(async function () {
    if (!haveChromium()) this.skip();
    browser = await launchChromium();
  });
  after(async () => {
    await server?.close();
    await browser?.close();
  });

  it('shows an unclaimed device\'s code and QR code until `mote claim` takes it; alerts a clone', async () => {
    const registry = tempRegistry();
    const operator = registry.addOperator('ops');
    const mqttBroker = await broker({ identity: registry });
    const fresh = provisionedDir(registry, 'porch-1', mqttBroker.url);
    const watched = provisionedDir(registry, 'garage-1', mqttBroker.url);
    const login = ['--broker', mqttBroker.url, '--username', operator.user, '--password', operator.password];
    server = await startConsole({ broker: mqttBroker.url, username: operator.user, password: operator.password });
    const page = await browser!.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(server.url);

    const device = await bootNetDevice([], { broker: mqttBroker.url, deviceId: 'porch-1', deviceDir: fresh.dir, warp: false });
    const run = device.device.runFor(60_000);
    await page.waitForSelector('.claim[data-device="porch-1"] .claim-code', { timeout: 30_000 });
    assert.equal(await page.textContent('.claim[data-device="porch-1"] .claim-code'), fresh.login.claimCode);
    await page.waitForFunction(() => {
      const image = document.querySelectorAll('.claim[data-device="porch-1"] img.claim-qr')[0];
      return !!image && image.complete === true && (image.naturalWidth ?? 0) > 0;
    }, undefined, { timeout: 10_000 });
    assert.match(await page.textContent('.claim[data-device="porch-1"]') ?? '', new RegExp(`mote claim ${fresh.login.claimCode}`));

    const claimed = await runCli(['claim', fresh.login.claimCode!.toLowerCase().replace('-', ' '), '--fleet', 'home', ...login, '--registry', registry.file]);
    assert.equal(claimed.code, 0, claimed.out);
    assert.match(claimed.out, /claimed porch-1 for fleet "home"/);
    await page.waitForSelector('.claim[data-device="porch-1"]', { state: 'detached', timeout: 30_000 });
    assert.equal(device.device.storage.preferenceGet('mote-net', 'claimed'), 'home');

    // A clone of garage-1 while garage-1 is online.
    const original = await bootNetDevice([], { broker: mqttBroker.url, deviceId: 'garage-1', deviceDir: watched.dir, warp: false });
    const originalRun = original.device.runFor(60_000);
    await page.waitForSelector('.claim[data-device="garage-1"]', { timeout: 30_000 }); // it is online (announcing)
    const clone = await bootNetDevice([], { broker: mqttBroker.url, deviceId: 'garage-1', deviceDir: cloneDir(watched.dir), warp: false });
    const cloneRun = clone.device.runFor(20_000);
    await page.waitForSelector('.identity-alert[data-device="garage-1"]', { timeout: 30_000 });
    assert.match(await page.textContent('.identity-alert[data-device="garage-1"]') ?? '', /clone of garage-1.*second device logged in as garage-1/s);
    const alerts = await runCli(['alerts', ...login]);
    assert.equal(alerts.code, 1);
    assert.match(alerts.out, /^CLONE garage-1 at .*refused 127\.0\.0\.1:\d+/m);
    await page.screenshot({ path: 'test/browser/screenshots/identity.png', fullPage: true });
    assert.deepEqual(errors, []);
    for (const running of [device, original, clone]) running.device.stop();
    await Promise.allSettled([run, originalRun, cloneRun]);
  });
});
