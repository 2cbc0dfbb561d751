import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseCidr } from '../../src/net/cidr.js';
import {
  assertAccessible,
  openPage,
  screenshot,
  signIn,
  skipWithoutBrowser,
} from './support/console-browser.js';
import { startConsoleServer } from './support/console-server.js';
import { accountPolicy, openAccountPanel } from './support/nac-panel.js';

/** The core parser's own words for an entry, as the chip must show them. */
function parserError(entry: string): { code: string; message: string } {
  const parsed = parseCidr(entry);
  assert.ok(!parsed.ok, `${entry} parses`);
  return parsed.error;
}

describe('F3 the account-level panel: live chips, the parser errors, Submit blocked', {
  skip: skipWithoutBrowser(),
}, () => {
  test('a pasted list with a bad entry: error, warning, canonical chip; Submit once fixed', async () => {
    const s = await startConsoleServer();
    const { page, assertClean, close } = await openPage(s.url);
    page.setDefaultTimeout(10_000);
    await signIn(page, s.accountId, s.rootPassword);
    await page.goto('/console/settings');
    await page.getByRole('heading', { name: 'Network Access Control' }).waitFor();
    await assertAccessible(page, 'Settings');
    const drawer = await openAccountPanel(page);
    await assertAccessible(page, 'the account-level panel, never set');

    await drawer.getByRole('radio', { name: 'Enable' }).check();
    await drawer.getByRole('button', { name: 'Add Public Network Statement' }).click();
    const entries = drawer.getByRole('textbox', { name: 'Public network entries' });
    await entries.fill('203.0.113.1, 127.1;192.0.2.1/24');

    const chips = drawer.getByRole('list', { name: 'Public statement chips' });
    await chips.getByRole('button', { name: '203.0.113.1 (valid)' }).waitFor();
    await chips.getByRole('button', { name: '127.1 (error)' }).waitFor();
    await chips.getByRole('button', { name: '192.0.2.0/24 (warning)' }).waitFor();
    assert.equal(await chips.getByRole('listitem').count(), 3);
    const bad = parserError('127.1');
    await drawer.getByText(`Error: 127.1: ${bad.message} (${bad.code})`).waitFor();
    await drawer.getByText(/^Warning: 192\.0\.2\.0\/24: .*host bits/i).waitFor();
    await drawer.getByText('3 / 50 entries').waitFor();

    // Blocked, and saying why where the pointer is.
    const submit = drawer.getByRole('button', { name: 'Submit' });
    assert.equal(await submit.isDisabled(), true);
    await submit.locator('xpath=..').hover();
    await page.getByRole('tooltip', { name: 'Fix the error first' }).waitFor();
    // The chip explains itself when clicked.
    await drawer.getByText(/^Warning: 192\.0\.2\.0\/24: /).scrollIntoViewIfNeeded();
    await chips.getByRole('button', { name: '127.1 (error)' }).click();
    await page.getByRole('tooltip').getByText(`${bad.message} (${bad.code})`).waitFor();
    await screenshot(page, 'acct-panel-errors', { fullPage: false });
    await assertAccessible(page, 'the account-level panel with errors');
    await page.keyboard.press('Escape');
    assert.deepEqual(await accountPolicy(s), { policy: '{}', version: 0 });

    await entries.fill('203.0.113.1, 192.0.2.1/24');
    await chips.getByRole('button', { name: '192.0.2.0/24 (warning)' }).waitFor();
    await drawer.getByText('Error: 127.1', { exact: false }).waitFor({ state: 'detached' });
    assert.equal(await submit.isEnabled(), true);
    await drawer.getByText(/^Warning: 192\.0\.2\.0\/24: /).scrollIntoViewIfNeeded();
    await screenshot(page, 'acct-panel-valid', { fullPage: false });

    await submit.click();
    const confirm = page.getByRole('dialog', { name: 'Confirm Submission' });
    await confirm.getByText('+ 192.0.2.0/24').waitFor();
    await confirm
      .getByRole('textbox', { name: `Enter the account ID ${s.accountId} to confirm` })
      .fill(s.accountId);
    await confirm.getByRole('button', { name: 'OK' }).click();
    const receipt = page.getByRole('dialog', { name: 'Propagation receipt' });
    await receipt.getByText(/^Enforced by 1 of 1 nodes at /).waitFor();
    const stored = await accountPolicy(s);
    assert.deepEqual(JSON.parse(stored.policy), {
      Version: 1,
      Status: 'Active',
      Statements: [{ Type: 'ClassicWhiteList', IPList: ['203.0.113.1', '192.0.2.0/24'] }],
    });
    await receipt
      .getByRole('heading', { name: `Committed as policy version ${stored.version} at ` })
      .waitFor();
    assertClean();
    await close();
  });
});
