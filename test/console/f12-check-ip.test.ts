/**
 * F12: Check an IP. Key C has an Active key-level policy; key D follows the account-level policy,
 * which is stored Disabled. Checked: allowed and denied under the policies in force, the Disabled
 * policy as stored, a denied call found in the Event Query by its RequestId (Explain), and the
 * draft of an open panel. Fix opens the panel that decides for the key (key C's own, the account's
 * for key D) with the address added. Each answer is CheckAccessKeyAccess's through the API too.
 */

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import {
  assertAccessible,
  openPage,
  pickOption,
  screenshot,
  signIn,
  skipWithoutBrowser,
} from './support/console-browser.js';
import { type ConsoleServer, startConsoleServer } from './support/console-server.js';
import { callsFrom, DENIED, KEYFENCE_VERSION, setPolicy } from './support/key-traffic.js';

const KEY_C_BLOCK = '203.0.113.0/24';
const INSIDE = '203.0.113.5';
const OUTSIDE = '192.0.2.9';

/** What the API's CheckAccessKeyAccess says for a key from a source. */
async function apiCheck(s: ConsoleServer, accessKeyId: string, ip: string): Promise<Record<string, unknown>> {
  const reply = await s.signed(s.root, 'CheckAccessKeyAccess', KEYFENCE_VERSION, {
    AccessKeyId: accessKeyId,
    SourceIp: ip,
  });
  assert.equal(reply.status, 200, reply.text);
  return reply.body;
}

/** Fills the Source address form and runs the check. */
async function check(
  page: Page,
  accessKeyId: string,
  ip: string,
  against: 'Policies in force' | 'Stored policies, even if Disabled' | 'The draft open in a panel',
): Promise<void> {
  const form = page.getByRole('region', { name: 'What to check' });
  await form.getByRole('radio', { name: 'Source address' }).check();
  await form.getByLabel('Source IP').fill(ip);
  await pickOption(page, form.getByRole('combobox', { name: 'Credential' }), accessKeyId);
  await form.getByRole('radio', { name: against }).check();
  await form.getByRole('button', { name: 'Check', exact: true }).click();
}

/** The panel's public statement holds these entries (as chips). */
async function expectEntries(panel: Locator, entries: readonly string[]): Promise<void> {
  const text = await panel.getByRole('textbox', { name: 'Public network entries' }).inputValue();
  for (const entry of entries) assert.ok(text.includes(entry), `${entry} in ${JSON.stringify(text)}`);
}

/** Cancel, and discard the draft when asked. */
async function discard(page: Page, panel: Locator): Promise<void> {
  await panel.getByRole('button', { name: 'Cancel' }).click();
  await page.getByRole('button', { name: 'Discard', exact: true }).click();
  await panel.waitFor({ state: 'hidden' });
}

describe('F12 Check an IP', { skip: skipWithoutBrowser() }, () => {
  test('explains allowed, denied, Disabled, recorded and draft decisions, and Fix opens the right panel', async () => {
    const s = await startConsoleServer();
    const carol = await s.addConsoleUser('carol');
    const dave = await s.addConsoleUser('dave');
    const keyC = carol.key.accessKeyId;
    const keyD = dave.key.accessKeyId;
    const keyVersion = await setPolicy(
      s,
      { Version: 1, Status: 'Active', Statements: [{ Type: 'ClassicWhiteList', IPList: [KEY_C_BLOCK] }] },
      { key: { accessKeyId: keyC, upn: carol.upn } },
    );
    const accountVersion = await setPolicy(s, {
      Version: 1,
      Status: 'Inactive',
      Statements: [{ Type: 'ClassicWhiteList', IPList: ['198.51.100.0/24'] }],
    });
    const [denied] = await callsFrom(s, carol.key, OUTSIDE, 1);
    assert.equal(denied!.body.Code, DENIED);
    const deniedRequestId = denied!.body.RequestId as string;
    await s.events();

    const { page, assertClean, close } = await openPage(s.url);
    await signIn(page, s.accountId, s.rootPassword);
    await page
      .getByRole('navigation', { name: 'Console navigation' })
      .getByRole('link', { name: 'Check an IP' })
      .click();
    const result = page.getByRole('region', { name: 'Result' });

    // Allowed: key C from inside its block, by statement 0's entry.
    await check(page, keyC, INSIDE, 'Policies in force');
    const inForce = result.getByRole('region', { name: 'Policies in force' });
    await inForce.getByText('Allowed — Policies in force').waitFor();
    const allowedApi = await apiCheck(s, keyC, INSIDE);
    assert.deepEqual(
      [allowedApi.Allowed, allowedApi.Reason, allowedApi.Scope, allowedApi.Entry, allowedApi.PolicyVersion],
      [true, 'public-ip-allowed', 'AccessKey', KEY_C_BLOCK, keyVersion],
    );
    await assertAccessible(page, 'Check an IP, allowed');
    await screenshot(page, 'check-allowed');

    // Denied: key C from outside, under its own policy; Seen before lists the denied call; Fix opens key C's panel.
    await check(page, keyC, OUTSIDE, 'Policies in force');
    await inForce.getByText('Denied — Policies in force').waitFor();
    await inForce.getByRole('cell', { name: 'public-ip-not-allowed', exact: true }).waitFor();
    const deniedApi = await apiCheck(s, keyC, OUTSIDE);
    assert.deepEqual(
      [deniedApi.Allowed, deniedApi.Reason, deniedApi.Scope, deniedApi.PolicyVersion],
      [false, 'public-ip-not-allowed', 'AccessKey', keyVersion],
    );
    assert.equal(await inForce.getByRole('cell', { name: 'AccessKey', exact: true }).count(), 1);
    await result.getByRole('region', { name: 'Seen before?' }).getByText(DENIED).waitFor();
    await assertAccessible(page, 'Check an IP, denied');
    await screenshot(page, 'check-denied');
    await inForce.getByRole('button', { name: 'Fix' }).click();
    const keyPanel = page.getByRole('dialog', { name: `AccessKey-level Network Access Control — ${keyC}` });
    await expectEntries(keyPanel, [KEY_C_BLOCK, OUTSIDE]);
    await assertAccessible(page, 'Check an IP with the key-level panel open');
    await discard(page, keyPanel);

    // A Disabled account-level policy: nothing restricts key D now, but as stored it would deny; Fix opens the account's panel.
    await check(page, keyD, OUTSIDE, 'Policies in force');
    await inForce.getByText('Allowed — Policies in force').waitFor();
    await inForce.getByRole('cell', { name: 'no-active-policy', exact: true }).waitFor();
    const dApi = await apiCheck(s, keyD, OUTSIDE);
    assert.deepEqual([dApi.Allowed, dApi.Reason], [true, 'no-active-policy']);
    await check(page, keyD, OUTSIDE, 'Stored policies, even if Disabled');
    const disabled = result.getByRole('region', { name: 'Account-level policy (Disabled)' });
    await disabled.getByText('Denied — Account-level policy (Disabled)').waitFor();
    assert.deepEqual(
      (dApi.Scopes as Record<string, unknown>[]).map((x) => [
        x.Scope,
        x.Status,
        x.Allowed,
        x.Reason,
        x.PolicyVersion,
      ]),
      [['Account', 'Inactive', false, 'public-ip-not-allowed', accountVersion]],
    );
    await disabled.getByRole('button', { name: 'Fix' }).click();
    const accountPanel = page.getByRole('dialog', { name: 'Account-level Network Access Control' });
    await expectEntries(accountPanel, ['198.51.100.0/24', OUTSIDE]);
    await discard(page, accountPanel);

    // The denied call in the Event Query: expanded, its decision; Explain checks it by RequestId.
    await page
      .getByRole('navigation', { name: 'Console navigation' })
      .getByRole('link', { name: 'Event Query' })
      .click();
    await page.getByLabel('Filter 1 value').fill(keyC);
    await page.getByRole('button', { name: 'Search' }).click();
    const deniedRow = page.getByRole('row').filter({ hasText: DENIED });
    await deniedRow.getByRole('button', { name: 'Expand row' }).click();
    await page.getByText(`"requestId": "${deniedRequestId}"`).waitFor();
    const decision = page
      .getByRole('table')
      .filter({ hasText: 'Reason' })
      .filter({ hasText: 'public-ip-not-allowed' });
    await decision.first().waitFor();
    await assertAccessible(page, 'Event Query with a row expanded');
    await deniedRow.getByRole('button', { name: `Explain the denial of ${deniedRequestId}` }).click();
    await page.waitForURL(`**/console/check?requestId=${deniedRequestId}`);
    const recorded = result.getByText('As recorded then');
    await recorded.waitFor();
    await result.getByRole('cell', { name: 'Denied', exact: true }).waitFor();
    await inForce.getByText('Denied — Policies in force').waitFor();
    assert.equal(
      await page.getByLabel('RequestId (from an SDK error or the Event Query)').inputValue(),
      deniedRequestId,
    );
    const byRequest = await s.signed(s.root, 'CheckAccessKeyAccess', KEYFENCE_VERSION, {
      RequestId: deniedRequestId,
    });
    assert.equal(byRequest.status, 200, byRequest.text);
    assert.deepEqual(
      [
        byRequest.body.AccessKeyId,
        byRequest.body.SourceIp,
        (byRequest.body.RecordedCall as { Allowed: boolean }).Allowed,
      ],
      [keyC, OUTSIDE, false],
    );

    // Fix from the recorded call, then the page evaluates that panel's draft (open beside it).
    await inForce.getByRole('button', { name: 'Fix' }).click();
    await expectEntries(keyPanel, [KEY_C_BLOCK, OUTSIDE]);
    await keyPanel.getByRole('button', { name: 'AccessKey Audit' }).click();
    await page
      .getByRole('navigation', { name: 'Console navigation' })
      .getByRole('link', { name: 'Check an IP' })
      .click();
    await check(page, keyC, OUTSIDE, 'The draft open in a panel');
    const drafted = result.getByRole('region', { name: 'The draft open in the panel' });
    // Beside the drawer, not under it: a trial click fails on a covered element.
    await drafted.getByText('Allowed — The draft open in the panel').click({ trial: true });
    await drafted.getByRole('cell', { name: OUTSIDE, exact: true }).waitFor();
    await drafted.getByRole('cell', { name: 'draft (not set)', exact: true }).waitFor();
    await discard(page, keyPanel);
    assertClean();
    await close();
  });
});
