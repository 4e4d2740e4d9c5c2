// Debian's Chromium driven by playwright-core (no browser download: .ci/run apt-installs it).
// The flags keep a headless Chromium on a machine without network from waiting on services.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env.MOTE_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export function haveChromium(): boolean {
  return existsSync(CHROMIUM);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true, timeout: 30000 });
}

/** The little of the DOM that page functions in these tests touch (tooling has no DOM types). */
export interface PageElement { getAttribute(name: string): string | null; textContent: string | null }
export interface PageDocument { querySelector(selector: string): PageElement | null }
