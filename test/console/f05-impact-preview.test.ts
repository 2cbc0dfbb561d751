import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  assertAccessible,
  openPage,
  screenshot,
  signIn,
  skipWithoutBrowser,
} from './support/console-browser.js';
import { startConsoleServer } from './support/console-server.js';
import { accountPolicy, openAccountPanel } from './support/nac-panel.js';

const VPC = 'vpc-f5seeded1';

describe('F5 Confirm Submission: the impact preview and the typed account ID', {
  skip: skipWithoutBrowser(),
}, () => {
  test('public traffic on key A and VPC traffic on key B, both newly denied; OK only for the exact ID', async () => {
    const s = await startConsoleServer();
    const alice = await s.addConsoleUser('alice');
    const bob = await s.addConsoleUser('bob');
    // Real signed calls: 3 on alice's key from a public address, 2 on bob's from inside a VPC.
    for (let i = 0; i < 3; i++) {
      const reply = await s.signed(alice.key, 'GetCallerIdentity', '2015-04-01', {}, '198.51.100.7');
      assert.equal(reply.status, 200, reply.text);
    }
    for (let i = 0; i < 2; i++) {
      const reply = await s.signed(bob.key, 'GetCallerIdentity', '2015-04-01', {}, '10.0.0.5', VPC);
      assert.equal(reply.status, 200, reply.text);
    }
    await s.sink.flush();

    const { page, assertClean, close } = await openPage(s.url);
    page.setDefaultTimeout(10_000);
    await signIn(page, s.accountId, s.rootPassword);
    const drawer = await openAccountPanel(page);
    await drawer.getByRole('radio', { name: 'Enable' }).check();
    await drawer.getByRole('button', { name: 'Add Public Network Statement' }).click();
    await drawer.getByRole('textbox', { name: 'Public network entries' }).fill('203.0.113.0/24');
    await drawer.getByRole('button', { name: 'Submit' }).click();

    const confirm = page.getByRole('dialog', { name: 'Confirm Submission' });
    await confirm.getByText('Account level: 3 keys').waitFor();
    await confirm.getByText('Policy Status: Not configured → Enabled').waitFor();
    await confirm.getByText('+ 203.0.113.0/24').waitFor();
    await confirm.getByText('2 keys would lose 5 calls from 2 sources (last 30 days)').waitFor();
    await confirm.getByText('No VPC statement: all calls from VPCs will be denied').waitFor();
    const rows = confirm.getByRole('row');
    const aliceRow = rows.filter({ hasText: alice.key.accessKeyId });
    const bobRow = rows.filter({ hasText: bob.key.accessKeyId });
    assert.deepEqual(
      await aliceRow
        .getByRole('cell')
        .allInnerTexts()
        .then((c) => c.slice(0, 7)),
      [alice.key.accessKeyId, 'alice', 'Newly denied', '198.51.100.7', '—', 'sts', '3'],
    );
    assert.deepEqual(
      await bobRow
        .getByRole('cell')
        .allInnerTexts()
        .then((c) => c.slice(0, 7)),
      [bob.key.accessKeyId, 'bob', 'Newly denied', '10.0.0.5', VPC, 'sts', '2'],
    );
    // Root's key made no call: counted among the keys without traffic.
    await confirm.getByText(/^1 key with no traffic in the window\./).waitFor();
    await confirm.getByText(/Calls to exempt services \(mns\) are not counted/).waitFor();

    // OK says what it denies, and waits for the account ID exactly (trimmed; a near miss is not it).
    const ok = confirm.getByRole('button', { name: 'Deny 5 calls and submit' });
    const typed = confirm.getByRole('textbox', { name: `Enter the account ID ${s.accountId} to confirm` });
    assert.equal(await ok.isDisabled(), true);
    await typed.fill(s.accountId.slice(0, -1));
    assert.equal(await ok.isDisabled(), true);
    await typed.fill(`${s.accountId}0`);
    assert.equal(await ok.isDisabled(), true);
    await typed.fill(`  ${s.accountId} `);
    assert.equal(await ok.isEnabled(), true);
    // The totals, the rows, the typed ID and the OK that says what it denies, in one view.
    await ok.evaluate((element) => element.scrollIntoView({ block: 'end' }));
    await screenshot(page, 'confirm-impact', { fullPage: false });
    await assertAccessible(page, 'Confirm Submission with its impact preview');

    // A shorter window sees the same calls: they were made today.
    await confirm.getByText('24 h', { exact: true }).click();
    await confirm.getByText('2 keys would lose 5 calls from 2 sources (last 24 hours)').waitFor();

    // Cancel: nothing is submitted.
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'detached' });
    assert.deepEqual(await accountPolicy(s), { policy: '{}', version: 0 });
    assertClean();
    await close();
  });
});
