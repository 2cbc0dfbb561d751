/**
 * F10: AccessKey Audit for key A after real signed traffic from fixed addresses. The sources'
 * numbers are the seeded traffic's (and ListAccessKeySources' answer), sources first seen today
 * are New, each says whether the key-level policy in force covers it and, beside the open panel,
 * whether the draft does; the calls chart renders; Build allowlist from these opens Recommend for
 * the key.
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
import { startConsoleServer } from './support/console-server.js';
import { backdatedCall, callsFrom, DENIED, KEYFENCE_VERSION, setPolicy } from './support/key-traffic.js';

/** Key A's traffic: allowed and denied calls per source (the key-level policy lets 203.0.113.0/24 in). */
const TRAFFIC = [
  { from: '203.0.113.10', allowed: 4, denied: 0 },
  { from: '203.0.113.11', allowed: 2, denied: 0 },
  { from: '198.51.100.7', allowed: 0, denied: 3 },
] as const;
/** Seen two days ago only: not New, and outside the policy now in force. */
const OLD_SOURCE = '192.0.2.55';

const sourceRow = (page: Page, source: string): Locator =>
  page
    .getByRole('region', { name: 'Source IPs' })
    .getByRole('row')
    .filter({ has: page.getByRole('cell', { name: source, exact: false }) });

describe('F10 AccessKey Audit', { skip: skipWithoutBrowser() }, () => {
  test('shows key A’s seeded sources with New tags, coverage and the chart, and builds an allowlist from them', async () => {
    const s = await startConsoleServer();
    const alice = await s.addConsoleUser('alice');
    const keyA = { accessKeyId: alice.key.accessKeyId, upn: alice.upn };
    const version = await setPolicy(
      s,
      {
        Version: 1,
        Status: 'Active',
        Statements: [{ Type: 'ClassicWhiteList', IPList: ['203.0.113.0/24'] }],
      },
      { key: keyA },
    );
    for (const { from, allowed } of TRAFFIC) {
      const replies = await callsFrom(s, alice.key, from, allowed);
      assert.ok(replies.every((r) => r.status === 200));
    }
    await backdatedCall(s, alice.key, OLD_SOURCE, 2);
    for (const { from, denied } of TRAFFIC) {
      const replies = await callsFrom(s, alice.key, from, denied);
      assert.ok(replies.every((r) => r.body.Code === DENIED));
    }
    await s.events();

    // The API's numbers are the seeded traffic's; the page must show the same.
    const listed = await s.signed(s.root, 'ListAccessKeySources', KEYFENCE_VERSION, {
      AccessKeyId: keyA.accessKeyId,
    });
    assert.equal(listed.status, 200, listed.text);
    const bySource = new Map(
      (
        listed.body.Sources as { SourceIp: string; AllowedCalls: number; DeniedCalls: number; New: boolean }[]
      ).map((x) => [x.SourceIp, x]),
    );
    for (const { from, allowed, denied } of [...TRAFFIC, { from: OLD_SOURCE, allowed: 1, denied: 0 }]) {
      assert.deepEqual(
        { allowed: bySource.get(from)?.AllowedCalls, denied: bySource.get(from)?.DeniedCalls },
        { allowed, denied },
        from,
      );
    }

    const { page, assertClean, close } = await openPage(s.url);
    await signIn(page, s.accountId, s.rootPassword);
    await page
      .getByRole('navigation', { name: 'Console navigation' })
      .getByRole('link', { name: 'AccessKey Audit' })
      .click();
    await pickOption(page, page.getByRole('combobox', { name: 'AccessKey ID' }), keyA.accessKeyId);
    await page.waitForURL(`**/console/actiontrail/accesskey-audit?ak=${keyA.accessKeyId}`);
    const header = page.getByLabel('AccessKey', { exact: true });
    await header.getByText(`Key-level (Enabled), v${version}`).waitFor();
    assert.equal(await header.getByText(alice.upn).count(), 1);

    const sources = page.getByRole('region', { name: 'Source IPs' });
    await sources.getByRole('row').nth(4).waitFor();
    assert.equal(await sources.getByRole('row').count(), 5, 'a header row and one row per source');
    for (const { from, allowed, denied } of TRAFFIC) {
      const row = sourceRow(page, from);
      await row.getByRole('cell', { name: `${allowed} / ${denied}`, exact: true }).waitFor();
      assert.equal(await row.getByText('New', { exact: true }).count(), 1, `${from} was first seen today`);
      const covered = from.startsWith('203.0.113.');
      assert.equal(
        await row
          .getByText(covered ? 'covered by the policy in force' : 'not covered by the policy in force')
          .count(),
        1,
        from,
      );
    }
    const old = sourceRow(page, OLD_SOURCE);
    await old.getByRole('cell', { name: '1 / 0', exact: true }).waitFor();
    assert.equal(await old.getByText('New', { exact: true }).count(), 0, 'seen two days ago: not New');
    assert.equal(await old.getByText('not covered by the policy in force').count(), 1);
    const services = page.getByRole('region', { name: 'Services' });
    await services.getByRole('row', { name: /^sts .* 10 Event List$/ }).waitFor();

    const chart = page.getByRole('img', { name: 'Calls per day, stacked by outcome' });
    await chart.locator('.recharts-bar-rectangle path').first().waitFor();
    const strips = page.getByRole('region', { name: 'Calls over time' });
    for (const source of [...TRAFFIC.map((t) => t.from), OLD_SOURCE])
      await strips.getByRole('rowheader', { name: source, exact: true }).waitFor();
    await assertAccessible(page, 'AccessKey Audit');
    await screenshot(page, 'ak-audit');

    // Beside key A's panel (split view), each source says whether the draft covers it, per keystroke.
    await header.getByRole('button', { name: 'Modify' }).click();
    const panel = page.getByRole('dialog', { name: /AccessKey-level Network Access Control/ });
    await panel.getByRole('button', { name: 'AccessKey Audit' }).click();
    await sourceRow(page, '198.51.100.7').getByText('not covered by the draft').waitFor();
    await panel.getByRole('textbox', { name: 'Public network entries' }).fill('203.0.113.0/24, 198.51.100.7');
    // In sight beside the drawer, not under it: a trial click fails on a covered element.
    await sourceRow(page, '198.51.100.7')
      .getByText('covered by the draft', { exact: true })
      .click({ trial: true });
    assert.equal(await sourceRow(page, OLD_SOURCE).getByText('not covered by the draft').count(), 1);
    await page.mouse.move(0, 0); // a hovered link is lighter than at rest
    await assertAccessible(page, 'AccessKey Audit beside the panel');
    await panel.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('button', { name: 'Discard', exact: true }).click();
    await panel.waitFor({ state: 'hidden' });

    await sources.getByRole('button', { name: 'Build allowlist from these' }).click();
    await page.waitForURL(`**/console/recommend?scope=ak:${keyA.accessKeyId}`);
    await page.getByRole('heading', { name: 'Recommend an allowlist' }).waitFor();
    await page.getByText(`AccessKey ${keyA.accessKeyId} (alice)`).waitFor();

    assertClean();
    await close();
  });
});
