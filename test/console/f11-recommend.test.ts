/**
 * F11: Recommend an allowlist for key B over 7 days, then Open in panel. Key B was used from more
 * addresses than a statement holds, so the draft aggregates them within the limits; a source seen
 * only ten days ago is outside the window. In the panel the draft's entries are chips marked
 * suggested; accepted and submitted, the stored policy is the recommendation, and it lets key B in
 * from where it was used and from nowhere else.
 */

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
import { backdatedCall, callsFrom, DENIED, IMS_VERSION, KEYFENCE_VERSION } from './support/key-traffic.js';

/** 60 addresses in two blocks: more than the 50 entries a statement holds. */
const SOURCES = [
  ...Array.from({ length: 40 }, (_, i) => `203.0.113.${i + 1}`),
  ...Array.from({ length: 20 }, (_, i) => `198.51.100.${i + 101}`),
];
const OLD_SOURCE = '192.0.2.77';
const MAX_ENTRIES = 50;
const MAX_STATEMENTS = 8;

/** Whether an IPv4 entry (address or block) holds an IPv4 address. */
const contains = (entry: string, ip: string): boolean => {
  const block = parseCidr(entry);
  const host = parseCidr(ip);
  assert.ok(block.ok && host.ok);
  if (block.value.family !== 4 || host.value.family !== 4) return false;
  return block.value.first <= host.value.first && host.value.first <= block.value.last;
};

describe('F11 Recommend an allowlist', { skip: skipWithoutBrowser() }, () => {
  test('drafts within the limits from 7 days of key B’s calls and opens it in the panel as suggestions', async () => {
    const s = await startConsoleServer();
    const bob = await s.addConsoleUser('bob');
    const keyB = bob.key;
    // Ten parallel callers: each source once, all allowed (no policy yet).
    for (let i = 0; i < SOURCES.length; i += 10) {
      const replies = await Promise.all(SOURCES.slice(i, i + 10).map((from) => callsFrom(s, keyB, from, 1)));
      assert.ok(replies.flat().every((r) => r.status === 200));
    }
    await backdatedCall(s, keyB, OLD_SOURCE, 10);
    await s.events();

    const { page, assertClean, close } = await openPage(s.url);
    await signIn(page, s.accountId, s.rootPassword);
    await page.goto(`/console/recommend?scope=ak:${keyB.accessKeyId}`);
    await page.getByText(`AccessKey ${keyB.accessKeyId} (bob)`).waitFor();
    await page.getByLabel('Look-back (days, 1 to 90)').fill('7');
    await page.getByRole('button', { name: 'Recommend', exact: true }).click();
    const draft = page.getByRole('region', { name: 'Draft' });
    await draft.getByText(`covers ${SOURCES.length} of ${SOURCES.length} allowed calls`).waitFor();

    // The same question through the API: the draft the page shows is the server's.
    const window = (await draft.getByText(/^From .* UTC: the draft covers/).textContent()) ?? '';
    const [, start, end] = /^From (\S+ \S+) to (\S+ \S+) UTC/.exec(window) ?? [];
    assert.ok(start && end, window);
    const asked = await s.signed(s.root, 'RecommendAccessKeyPolicy', KEYFENCE_VERSION, {
      AccessKeyId: keyB.accessKeyId,
      StartTime: `${start.replace(' ', 'T')}Z`,
      EndTime: `${end.replace(' ', 'T')}Z`,
    });
    assert.equal(asked.status, 200, asked.text);
    const recommended = JSON.parse(asked.body.AccessKeyPolicy as string) as {
      Status: string;
      Statements: { Type: string; IPList: string[] }[];
    };
    assert.equal(recommended.Status, 'Active');
    assert.ok(recommended.Statements.length <= MAX_STATEMENTS);
    const entries = recommended.Statements.flatMap((st) => st.IPList);
    assert.ok(recommended.Statements.every((st) => st.IPList.length <= MAX_ENTRIES));
    assert.ok(entries.length < SOURCES.length, 'aggregated: fewer entries than sources');
    for (const ip of SOURCES)
      assert.ok(
        entries.some((e) => contains(e, ip)),
        `${ip} is let in`,
      );
    assert.ok(!entries.some((e) => contains(e, OLD_SOURCE)), 'a source older than 7 days is not');
    const rows = draft.getByRole('table').first().getByRole('row');
    assert.equal(await rows.count(), entries.length + 1, 'a header row and one row per entry');
    for (const entry of entries) await draft.getByRole('cell', { name: entry, exact: true }).waitFor();
    await draft
      .getByText(/ = [\d,]+ addresses for \d+ observed sources/)
      .first()
      .waitFor();
    await assertAccessible(page, 'Recommend an allowlist');
    await screenshot(page, 'recommend');

    await draft.getByRole('button', { name: 'Open in panel' }).click();
    const panel = page.getByRole('dialog', { name: /AccessKey-level Network Access Control/ });
    await panel.getByText('Suggested from history:').waitFor();
    for (const entry of entries)
      await panel.getByRole('button', { name: `Accept ${entry}`, exact: true }).waitFor();
    assert.equal(await panel.locator('em', { hasText: 'suggested' }).count(), entries.length);
    await assertAccessible(page, 'Recommend with the panel open');

    // Accepted and submitted, the recommendation is key B's policy: in from its sources, not from elsewhere.
    // Key B had no policy: the recommendation comes Enabled, or accepting it would restrict nothing.
    assert.equal(await panel.getByRole('radio', { name: 'Enable' }).isChecked(), true);
    await panel.getByRole('button', { name: 'Accept all' }).click();
    await panel.getByText(`${entries.length} / ${MAX_ENTRIES} entries`).waitFor();
    await panel.getByRole('button', { name: 'Submit' }).click();
    const confirm = page.getByRole('dialog', { name: 'Confirm Submission' });
    await confirm.getByLabel(`Enter the AccessKey ID ${keyB.accessKeyId} to confirm`).fill(keyB.accessKeyId);
    await confirm.getByRole('button', { name: /^(OK|Deny .* calls? and submit)$/ }).click();
    const receipt = page.getByRole('dialog', { name: 'Propagation receipt' });
    await receipt.getByText(/^Enforced by 1 of 1 nodes at/).waitFor();
    await receipt.getByRole('button', { name: 'Close' }).filter({ hasText: 'Close' }).click();
    await panel.waitFor({ state: 'hidden' });

    const stored = await s.signed(s.root, 'GetAccessKeyPolicy', IMS_VERSION, {
      UserAccessKeyId: keyB.accessKeyId,
      UserPrincipalName: bob.upn,
    });
    assert.equal(stored.status, 200, stored.text);
    assert.deepEqual(JSON.parse(stored.body.AccessKeyPolicy as string), recommended);
    const [inside] = await callsFrom(s, keyB, SOURCES.at(-1)!, 1);
    assert.equal(inside!.status, 200, inside!.text);
    const [outside] = await callsFrom(s, keyB, OLD_SOURCE, 1);
    assert.equal(outside!.body.Code, DENIED);

    assertClean();
    await close();
  });
});
