/**
 * Policy history and Propagation over ListAccessKeyPolicyHistory. Two account-level versions are
 * set by signed calls (the first with an entry description, the second from an "SDK", dropping
 * it); the history page shows each version side by side with the one before, and restoring the
 * first goes through the panel and the confirm dialog, after which a signed
 * GetAccessKeyPolicyForAccount answers the first version's document, with its description back.
 * Propagation lists the account's recent versions, each with its receipt.
 */

import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { expectSuccess } from '../support/server-harness.js';
import {
  assertAccessible,
  browser,
  type ConsolePage,
  openPage,
  screenshot,
  signIn,
  skipWithoutBrowser,
} from './support/console-browser.js';
import { startConsoleServer } from './support/console-server.js';

const IMS = '2019-08-15';
const KEYFENCE = '2026-12-01';

const skip = skipWithoutBrowser();
if (skip === false) await browser();
const server = await startConsoleServer();

// 127.0.0.1 in every version: the signed calls of the test itself come from there.
const document = (entry: string) =>
  JSON.stringify({
    Version: 1,
    Status: 'Active',
    Statements: [{ Type: 'ClassicWhiteList', IPList: [entry, '127.0.0.1'] }],
  });
const setAccount = async (params: Record<string, string>): Promise<number> =>
  expectSuccess(await server.signed(server.root, 'SetAccessKeyPolicyForAccount', IMS, params)).PolicyVersion;
const storedPolicy = async (): Promise<string> =>
  expectSuccess(await server.signed(server.root, 'GetAccessKeyPolicyForAccount', IMS)).AccessKeyPolicy;
const descriptions = async (): Promise<{ Entry: string; Description?: string }[]> =>
  expectSuccess(await server.signed(server.root, 'GetAccessKeyPolicyDescriptions', KEYFENCE)).Entries;

const first = await setAccount({
  AccessKeyPolicy: document('192.0.2.0/24'),
  EntryDescriptions: JSON.stringify([
    { StatementType: 'ClassicWhiteList', Entry: '192.0.2.0/24', Description: 'office VPN' },
  ]),
});
const firstDocument = await storedPolicy();
const second = await setAccount({ AccessKeyPolicy: document('203.0.113.0/24') });

describe('Policy history and Propagation', { skip }, () => {
  let opened: ConsolePage | undefined;
  after(async () => opened?.close());

  test('restore an earlier version through the panel; its document and description come back', async () => {
    opened = await openPage(server.url);
    const { page } = opened;
    await signIn(page, server.accountId, server.rootPassword);
    assert.deepEqual(await descriptions(), [], 'the second version dropped the description');
    await page.goto('/console/history');
    const versions = page.getByRole('table').first();
    await versions.getByRole('cell', { name: `v${second}`, exact: true }).waitFor();
    await versions.getByRole('cell', { name: `v${first}`, exact: true }).waitFor();
    // The newest is the one in force: nothing to restore.
    await page.getByRole('heading', { name: new RegExp(`^Version ${second} of .* by root$`) }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Restore this version' }).isDisabled(), true);

    await page.getByRole('radio', { name: `Show version ${first}` }).check();
    await page.getByRole('heading', { name: new RegExp(`^Version ${first} of .* by root$`) }).waitFor();
    await page.getByRole('columnheader', { name: 'Before (never set)' }).waitFor();
    await page.getByRole('cell', { name: /"Description": "office VPN"/ }).waitFor();
    await screenshot(page, 'history');
    await assertAccessible(page, 'Policy history');

    await page.getByRole('button', { name: 'Restore this version' }).click();
    const drawer = page.getByRole('dialog', { name: /Account-level Network Access Control/ });
    await drawer.waitFor();
    await drawer.getByText('192.0.2.0/24').first().waitFor();
    await assertAccessible(page, 'Policy history with the panel open');
    await drawer.getByRole('button', { name: 'Submit' }).click();
    const confirm = page.getByRole('dialog', { name: 'Confirm Submission' });
    await confirm.waitFor();
    await confirm.getByLabel(`Enter the account ID ${server.accountId} to confirm`).fill(server.accountId);
    await confirm.getByRole('button', { name: /^(OK|Deny .* calls? and submit)$/ }).click();
    const receipt = page.getByRole('dialog', { name: 'Propagation receipt' });
    await receipt.waitFor();
    // The footer's Close, not the title bar's.
    await receipt.getByRole('button', { name: 'Close' }).last().click();

    assert.equal(await storedPolicy(), firstDocument);
    assert.deepEqual(
      (await descriptions()).map((e) => [e.Entry, e.Description]),
      [['192.0.2.0/24', 'office VPN']],
    );
    const history = expectSuccess(
      await server.signed(server.root, 'ListAccessKeyPolicyHistory', KEYFENCE, { MaxResults: '1' }),
    );
    assert.match(history.Versions[0].ChangedBy, /^acs:ram::\d+:root \(console session [0-9a-f]{16}\)$/);
    opened.assertClean();
  });

  test('Propagation: the account’s recent versions, each with its receipt', async () => {
    const { page } = opened!;
    await page.goto('/console/propagation');
    const changes = page.getByRole('table').last();
    for (const version of [first, second]) {
      await changes
        .getByRole('row', { name: new RegExp(`^v${version} .*Enforced by 1 of 1 nodes$`) })
        .waitFor();
    }
    const rows = await changes.getByRole('row').count();
    assert.equal(rows, 4, 'a header and three versions');
    await changes
      .getByRole('row', { name: /Set .*Enforced by 1 of 1 nodes$/ })
      .first()
      .waitFor();
    await screenshot(page, 'propagation');
    await assertAccessible(page, 'Propagation');
    opened!.assertClean();
  });
});
