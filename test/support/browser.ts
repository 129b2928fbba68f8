/**
 * @module A real browser for the dashboard tests and bench: playwright-core driving
 * Debian's Chromium at /usr/bin/chromium (BATON_TEST_CHROMIUM to override) with the
 * flags that keep it from reaching the network on its own. Never downloads a browser.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env['BATON_TEST_CHROMIUM'] ?? '/usr/bin/chromium';

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export const hasChromium = (): boolean => existsSync(CHROMIUM);

export async function launchChromium(): Promise<Browser> {
  if (!hasChromium()) throw new Error(`No Chromium at ${CHROMIUM}: install Debian's package (apt-get install chromium) or set BATON_TEST_CHROMIUM.`);
  return chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true });
}
