/**
 * Real Chromium for the console tests (Debian's, driven by playwright-core). Every page fails its
 * test on a browser console.error or an uncaught exception; screenshots go to
 * test-results/console/<flow>-<step>.png; axe checks each page closed and with its drawer or
 * dialog open.
 */

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after } from 'node:test';
import AxeBuilder from '@axe-core/playwright';
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOTS = join(process.cwd(), 'test-results/console');

/**
 * Why the browser tests cannot run here, or undefined when they can. In CI a missing browser is a
 * failure, not a skip: `.ci/run` installs it.
 */
export function browserMissing(): string | undefined {
  if (existsSync(CHROMIUM)) return undefined;
  const reason = `no Chromium at ${CHROMIUM} (apt-get install chromium)`;
  if (process.env.CI) throw new Error(`CI needs the console's browser tests: ${reason}`);
  return reason;
}

let launched: Promise<Browser> | undefined;
// Registered here, at the file's top level: an `after` called inside a test would close the
// browser when that first test ends, under the feet of the next one.
after(async () => (await launched)?.close());

/** One browser per test file, closed after it. */
export function browser(): Promise<Browser> {
  if (launched === undefined) {
    launched = chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  }
  return launched;
}

export interface ConsolePage {
  readonly page: Page;
  readonly context: BrowserContext;
  /** Fails the test if the browser logged an error or threw; call at the end of each test. */
  readonly assertClean: () => void;
  readonly close: () => Promise<void>;
}

/**
 * A fresh browser context (its own cookies) at 1280×800, en-US, UTC, reduced motion. `baseURL`
 * is the server's origin, so `page.goto('/console/')` works.
 */
export async function openPage(baseURL: string): Promise<ConsolePage> {
  const context = await (await browser()).newContext({
    baseURL,
    viewport: { width: 1280, height: 800 },
    locale: 'en-US',
    timezoneId: 'UTC',
    reducedMotion: 'reduce',
    permissions: ['clipboard-read', 'clipboard-write'],
  });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    // Chromium logs every 4xx answer as an error; refusals are part of the console's contract (401
    // when signed out, 409 on a conflict) and each test asserts them where they matter. 5xx stays.
    if (message.type() === 'error' && !/^Failed to load resource: .* status of 4\d\d/.test(message.text()))
      problems.push(`console.error: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  return {
    page,
    context,
    assertClean: () => assert.deepEqual(problems, [], 'the browser logged errors'),
    close: () => context.close(),
  };
}

/**
 * test-results/console/<name>.png, animations off. The whole page, unless a drawer or dialog is
 * open (or `fullPage: false`): fixed to the viewport, it would leave the rest of a long page
 * uncovered.
 */
export async function screenshot(
  page: Page,
  name: string,
  options: { readonly fullPage?: boolean } = {},
): Promise<void> {
  await mkdir(SCREENSHOTS, { recursive: true });
  const overlay = (await page.locator('.ant-drawer-open, .ant-modal-wrap').count()) > 0;
  await page.screenshot({
    path: join(SCREENSHOTS, `${name}.png`),
    animations: 'disabled',
    fullPage: options.fullPage ?? !overlay,
  });
}

/** axe finds no serious or critical violation on the page as it is now (drawer or dialog open or not). */
export async function assertAccessible(page: Page, where: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(
    bad.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    [],
    `accessibility violations on ${where}`,
  );
}

/** Signs in through the sign-in page and waits for the shell. */
export async function signIn(page: Page, principal: string, password: string): Promise<void> {
  await page.goto('/console/signin');
  await page.getByLabel('Account ID or user principal name').fill(principal);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign In' }).click();
  await page.getByRole('navigation', { name: 'Console navigation' }).waitFor();
}

/** For `describe(..., { skip })`: the reason the browser tests skip here, or false. */
/**
 * Types `text` into a searchable select and picks the option showing it. The option is clicked
 * once it is on screen: pressing Enter right after typing picks nothing while the select's options
 * are still loading, which a loaded machine made the flows F10 and F12 run into.
 */
export async function pickOption(page: Page, combobox: Locator, text: string): Promise<void> {
  await combobox.fill(text);
  await page
    .locator('.ant-select-dropdown:visible .ant-select-item-option')
    .filter({ hasText: text })
    .first()
    .click();
}

export const skipWithoutBrowser = (): string | false => browserMissing() ?? false;
