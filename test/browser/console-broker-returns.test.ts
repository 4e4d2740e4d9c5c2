// The console's banner through the relay when the broker goes, comes back and goes again: each
// outage names the relay's socket error, and the return clears it (tools/console/relay.ts keeps
// the last attempt's outcome; web/app.js reads it after every failed attempt).
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { Aedes } from 'aedes';
import type { Browser } from 'playwright-core';
import { startConsole, type ConsoleServer } from '../../tools/console/server.ts';
import { haveChromium, launchChromium, type PageDocument } from './chromium.ts';

declare const document: PageDocument; // in page functions, which run in the browser

/** A TCP broker that can be taken down (its clients cut off) and brought back on the same port. */
class RestartableBroker {
  #server: Server | undefined;
  readonly #sockets = new Set<Socket>();
  port = 0;

  constructor(private readonly aedes: Aedes) {}

  async up(): Promise<void> {
    const server = createServer((socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
      this.aedes.handle(socket);
    });
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as { port: number }).port;
    this.#server = server;
  }

  async down(): Promise<void> {
    const server = this.#server!;
    this.#server = undefined;
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

const REFUSED = /cannot reach the broker at mqtt:\/\/127\.0\.0\.1:\d+ from the console server: connect ECONNREFUSED/;

describe('console banner when the relayed broker comes back and goes again, in Chromium', function () {
  this.timeout(90000);
  let aedes: Aedes;
  let broker: RestartableBroker;
  let browser: Browser;
  let server: ConsoleServer | undefined;

  before(async function () {
    if (!haveChromium()) this.skip();
    aedes = await Aedes.createBroker();
    broker = new RestartableBroker(aedes);
    await broker.up();
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await broker?.down().catch(() => {});
    aedes?.close();
  });

  it('names the refusal at each outage and clears it when the broker is back', async () => {
    server = await startConsole({ broker: `mqtt://127.0.0.1:${broker.port}` });
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(server.url);
    await page.waitForSelector('.connection.connected');
    for (let outage = 1; outage <= 2; outage++) {
      await broker.down();
      await page.waitForSelector('.connection.disconnected');
      await page.waitForFunction((source) => new RegExp(source).test(document.querySelector('#banner')?.textContent ?? ''), REFUSED.source, { timeout: 30000 });
      await broker.up();
      await page.waitForSelector('.connection.connected', { timeout: 30000 });
      await page.waitForFunction(() => (document.querySelector('#banner')?.textContent ?? '') === '', undefined, { timeout: 10000 });
    }
    assert.deepEqual(errors, []);
    await page.close();
  });
});
