// The console's operator actions in Chromium (issue 20): what cannot be undone is asked first, roll
// back is offered only when the device keeps a previous version, a removed mod's row goes, a
// quarantined mod is released from its row, and a halted rollout names the devices that failed
// and why. One simulated device on the real XS engine, the same stack as `npm start`.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Dialog, Page } from 'playwright-core';
import { builtInBoard } from '../../simulator/boards.ts';
import { startStack, type Stack } from '../../tools/stack/stack.ts';
import { haveChromium, launchChromium, type PageDocument } from './chromium.ts';

declare const document: PageDocument; // in page functions, which run in the browser

const DEVICE = 'esp32-lab';

/** A mod folder in `modsDir/folder`: manifest and main.ts. */
function writeMod(modsDir: string, folder: string, id: string, version: string, main: string, permissions: object): string {
  const dir = join(modsDir, folder);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ modules: { '*': ['./main'] }, mote: { id, version, entry: 'main', permissions } }));
  writeFileSync(join(dir, 'main.ts'), main);
  return dir;
}

const TICK = (version: string) => `import Timer from "mote/timer";
export default { onStart(): void { Timer.repeat(() => trace("tick ${version}\\n"), 1000); } };`;

// Runs away once, 4 s after its first start (after the install's health check): the machine's
// meter stops it and the next boot quarantines it. Released, it remembers and behaves.
const RUNAWAY_ONCE = `import Timer from "mote/timer";
import storage from "mote/storage";
export default { onStart(): void {
  if (storage.get("ran") === true) { trace("behaving\\n"); return; }
  Timer.set(() => { storage.set("ran", true); for (;;) {} }, 4000);
} };`;

describe('console operator actions in Chromium', function () {
  this.timeout(180000);
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  const dialogs: string[] = [];
  let answer = false;

  before(async function () {
    if (!haveChromium()) this.skip();
    const modsDir = mkdtempSync(join(tmpdir(), 'mote-console-mods-'));
    const tick = writeMod(modsDir, 'tick', 'tick', '1.0.0', TICK('1.0.0'), { timers: { max: 1, minInterval: 100 } });
    writeMod(modsDir, 'tick-next', 'tick', '1.0.1', TICK('1.0.1'), { timers: { max: 1, minInterval: 100 } });
    writeMod(modsDir, 'runaway-once', 'runaway-once', '1.0.0', RUNAWAY_ONCE, { timers: { max: 1, minInterval: 100 }, storage: { bytes: 64 } });
    stack = await startStack({ port: 0, home: mkdtempSync(join(tmpdir(), 'mote-console-home-')), modsDir, fleet: [{ id: DEVICE, board: () => builtInBoard('esp32'), mods: [tick] }] });
    assert.deepEqual(await stack.firstInstalls, { [DEVICE]: ['tick'] });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on('dialog', (dialog: Dialog) => {
      dialogs.push(dialog.message());
      void (answer ? dialog.accept() : dialog.dismiss());
    });
    await page.goto(`${stack.console.url}?device=${DEVICE}`);
    await page.waitForSelector(`#detail tr.mod[data-mod="tick"] .state-running`);
  });

  after(async () => {
    await browser?.close();
    await stack?.close();
  });

  const row = (mod: string) => `#detail tr.mod[data-mod="${mod}"]`;
  const buttons = (mod: string) => page.$$eval(`${row(mod)} button`, (list) => list.map((button) => button.textContent));

  it('has a favicon', async () => {
    const icon = await page.$eval('link[rel="icon"]', (link) => link.getAttribute('href'));
    const response = await page.request.get(new URL(icon!, stack.console.url).href);
    assert.equal(response.status(), 200);
    assert.match(response.headers()['content-type'], /image\/svg\+xml/);
    assert.equal((await page.request.get(new URL('/favicon.ico', stack.console.url).href)).status(), 200);
  });

  it('offers roll back only once there is a previous version', async () => {
    assert.deepEqual(await buttons('tick'), ['remove']);
    await page.selectOption('#detail .install-form select', 'tick-next.mote');
    await page.click('#detail .install-form button');
    await page.waitForFunction(() => /tick 1\.0\.1 on esp32-lab: confirmed/.test(document.querySelector('#jobs')?.textContent ?? ''), undefined, { timeout: 60000 });
    await page.waitForFunction((selector) => /roll back/.test(document.querySelector(selector)?.textContent ?? ''), `${row('tick')} .mod-actions`);
    assert.deepEqual(await buttons('tick'), ['roll back', 'remove']);
  });

  it('a halted rollout names the device that failed and why', async () => {
    // 1.0.0 is older than the 1.0.1 now installed: the device refuses it and the phase fails.
    answer = true;
    await page.selectOption('#rollout-package', 'tick.mote');
    await page.click('#rollout-form button');
    await page.waitForSelector('.job-failed', { timeout: 60000 });
    assert.match(dialogs.at(-1)!, /Roll out tick\.mote to all 1 device\(s\) in phases 1, 10, 50, 100 %\?/);
    assert.match(await page.textContent('.job-failed') ?? '', /halted at phase 1 \(1 %\).*failed: esp32-lab: refused: .*1\.0\.0.*1\.0\.1/s);
  });

  it('a slow click reaches its button though the console redraws under it', async () => {
    // The console redraws every second; it used to rewrite the whole table, so a redraw between
    // mousedown and mouseup took the button away and the click went to the table: "remove" did
    // nothing (seen in CI as a missing dialog). Held for 2.5 s, the click spans two redraws.
    answer = false;
    const before = dialogs.length;
    const button = (await page.$(`${row('tick')} button[data-action="remove"]`))!;
    const deviceRow = (await page.$(`#devices tr[data-device="${DEVICE}"]`))!;
    const box = (await button.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await new Promise((resolve) => setTimeout(resolve, 2500));
    await page.mouse.up();
    assert.equal(dialogs.length, before + 1, 'the click asked its question');
    assert.match(dialogs.at(-1)!, /Remove tick from esp32-lab\?/);
    assert.ok(await button.evaluate((element) => element.isConnected), 'the remove button outlived the redraws');
    assert.ok(await deviceRow.evaluate((element) => element.isConnected), 'the device row outlived the redraws');
  });

  it('asks before removing; a removed mod disappears from the device', async () => {
    answer = false;
    const jobs = await page.$$('.job');
    await page.click(`${row('tick')} button[data-action="remove"]`);
    assert.match(dialogs.at(-1)!, /Remove tick from esp32-lab\?/);
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal((await page.$$('.job')).length, jobs.length, 'dismissed: nothing was started');
    answer = true;
    await page.click(`${row('tick')} button[data-action="remove"]`);
    await page.waitForFunction(() => /remove tick from esp32-lab: removed/.test(document.querySelector('#jobs')?.textContent ?? ''), undefined, { timeout: 60000 });
    await page.waitForFunction((selector) => document.querySelector(selector) === null, row('tick'));
  });

  it('releases a quarantined mod from its row', async () => {
    await page.selectOption('#detail .install-form select', 'runaway-once.mote');
    await page.click('#detail .install-form button');
    await page.waitForFunction(() => /runaway-once 1\.0\.0 on esp32-lab: confirmed/.test(document.querySelector('#jobs')?.textContent ?? ''), undefined, { timeout: 60000 });
    await page.waitForSelector(`${row('runaway-once')} .state-quarantined`, { timeout: 60000 });
    assert.deepEqual(await buttons('runaway-once'), ['release', 'remove']);
    await page.click(`${row('runaway-once')} button[data-action="release"]`);
    await page.waitForFunction(() => /release runaway-once on esp32-lab: released/.test(document.querySelector('#jobs')?.textContent ?? ''), undefined, { timeout: 60000 });
    await page.waitForSelector(`${row('runaway-once')} .state-running`, { timeout: 30000 });
    await page.waitForFunction(() => /\[runaway-once\] behaving/.test(document.querySelector('#detail .log')?.textContent ?? ''));
  });
});
