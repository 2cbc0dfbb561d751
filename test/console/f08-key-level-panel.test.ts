import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { Credentials } from '../support/server-harness.js';
import {
  assertAccessible,
  openPage,
  screenshot,
  signIn,
  skipWithoutBrowser,
} from './support/console-browser.js';
import { type ConsoleServer, startConsoleServer } from './support/console-server.js';
import { ADMIN_IP, keyPolicy } from './support/nac-panel.js';

const ACCOUNT_POLICY = {
  Version: 1,
  Status: 'Active',
  Statements: [{ Type: 'ClassicWhiteList', IPList: ['203.0.113.0/24', '198.51.100.0/24'] }],
};
const CLEARED = '{"Version":1,"Status":"Inactive","Statements":[]}';

/** Whether a signed call on `key` from `from` passes the network ACL now. */
async function passes(s: ConsoleServer, key: Credentials, from: string): Promise<boolean> {
  const reply = await s.signed(key, 'GetCallerIdentity', '2015-04-01', {}, from);
  if (reply.status === 200) return true;
  assert.equal(reply.body.Code, 'InvalidAccessKeyId.AccessPolicyDenied', reply.text);
  return false;
}

/** alice's AccessKey row on her Authentication tab. */
const keyRow = (page: Page, accessKeyId: string) => page.getByRole('row').filter({ hasText: accessKeyId });

describe('F8 the key-level panel: banner, Copy account-level statements, typed AccessKey ID, Clear policy', {
  skip: skipWithoutBrowser(),
}, () => {
  test('the key leaves the account-level policy for its own and comes back when it is cleared', async () => {
    const s = await startConsoleServer();
    const alice = await s.addConsoleUser('alice');
    const set = await s.signed(
      s.root,
      'SetAccessKeyPolicyForAccount',
      '2019-08-15',
      { AccessKeyPolicy: JSON.stringify(ACCOUNT_POLICY) },
      ADMIN_IP,
    );
    assert.equal(set.status, 200, set.text);
    const accountVersion = set.body.PolicyVersion as number;
    // Under the account-level policy: 198.51.100.7 passes, 192.0.2.10 does not.
    assert.equal(await passes(s, alice.key, '198.51.100.7'), true);
    assert.equal(await passes(s, alice.key, '192.0.2.10'), false);

    const { page, assertClean, close } = await openPage(s.url);
    page.setDefaultTimeout(10_000);
    await signIn(page, s.accountId, s.rootPassword);
    await page.goto('/console/users/alice?tab=authentication');
    const row = keyRow(page, alice.key.accessKeyId);
    await row.getByText('Account-level (Enabled)').waitFor();
    await row.getByRole('button', { name: 'Network Access Control' }).click();
    const drawer = page.getByRole('dialog', {
      name: `AccessKey-level Network Access Control — ${alice.key.accessKeyId}`,
    });
    await drawer
      .getByText(`This key currently follows the account-level policy (Enabled, v${accountVersion}).`)
      .waitFor();
    const readOnly = drawer.getByRole('button', { name: 'Account-level statements (read-only)' });
    await readOnly.click();
    await drawer.getByText('"198.51.100.0/24"').waitFor();
    await readOnly.click();
    await drawer.getByText('"198.51.100.0/24"').waitFor({ state: 'hidden' });
    assert.equal(await drawer.getByRole('button', { name: 'Clear policy' }).isDisabled(), true);

    // Start from the account's statements, then narrow them for this key.
    await drawer.getByRole('button', { name: 'Copy account-level statements' }).click();
    const entries = drawer.getByRole('textbox', { name: 'Public network entries' });
    assert.equal(await entries.inputValue(), '203.0.113.0/24\n198.51.100.0/24');
    await drawer.getByRole('radio', { name: 'Enable' }).check();
    await drawer
      .getByText('After Submit: this key-level policy replaces the account-level policy for this key.')
      .waitFor();
    await entries.fill('203.0.113.0/24\n192.0.2.10');
    await drawer
      .getByRole('list', { name: 'Public statement chips' })
      .getByRole('button', { name: '192.0.2.10 (valid)' })
      .waitFor();
    await drawer
      .getByText(/^This key currently follows the account-level policy/)
      .evaluate((element) => element.scrollIntoView({ block: 'start' }));
    await screenshot(page, 'key-panel', { fullPage: false });
    await assertAccessible(page, 'the key-level panel');

    await drawer.getByRole('button', { name: 'Submit' }).click();
    const confirm = page.getByRole('dialog', { name: 'Confirm Submission' });
    await confirm.getByText(`Key level: key ${alice.key.accessKeyId} of user alice`).waitFor();
    await confirm.getByText('+ 192.0.2.10').waitFor();
    // The calls of the last step came from 198.51.100.7 and would now be denied on this key.
    await confirm.getByText('1 key would lose 1 call from 1 source (last 30 days)').waitFor();
    const typed = confirm.getByRole('textbox', {
      name: `Enter the AccessKey ID ${alice.key.accessKeyId} to confirm`,
    });
    const ok = confirm.getByRole('button', { name: 'Deny 1 call and submit' });
    await typed.fill(s.accountId);
    assert.equal(await ok.isDisabled(), true, 'the account ID is not the AccessKey ID');
    await typed.fill(alice.key.accessKeyId.toLowerCase());
    assert.equal(await ok.isDisabled(), true, 'the ID is compared exactly');
    await typed.fill(alice.key.accessKeyId);
    await ok.evaluate((element) => element.scrollIntoView({ block: 'end' }));
    await screenshot(page, 'key-confirm', { fullPage: false });
    await assertAccessible(page, 'Confirm Submission at key level');
    await ok.click();
    const receipt = page.getByRole('dialog', { name: 'Propagation receipt' });
    await receipt.getByText(/^Enforced by 1 of 1 nodes at /).waitFor();
    await receipt.getByRole('button', { name: 'Close' }).first().click();
    await drawer.waitFor({ state: 'detached' });

    // The key's own policy decides now: the reverse of the account's answers.
    assert.deepEqual(JSON.parse(await keyPolicy(s, alice.key, alice.upn)), {
      Version: 1,
      Status: 'Active',
      Statements: [{ Type: 'ClassicWhiteList', IPList: ['203.0.113.0/24', '192.0.2.10'] }],
    });
    assert.equal(await passes(s, alice.key, '198.51.100.7'), false);
    assert.equal(await passes(s, alice.key, '192.0.2.10'), true);
    await row.getByText('Key-level (Enabled)').waitFor();

    // Clear policy: the only delete, through the same confirmation.
    await row.getByRole('button', { name: 'Network Access Control' }).click();
    await drawer
      .getByText('An Active key-level policy replaces the account-level policy for this key.')
      .waitFor();
    await drawer.getByRole('button', { name: 'Clear policy' }).click();
    await confirm.getByText('Policy Status: Enabled → Disabled').waitFor();
    await confirm.getByText('− 192.0.2.10').waitFor();
    // Back under the account-level policy: 192.0.2.10's calls would be denied, 198.51.100.7's pass.
    await confirm.getByText('1 key would lose 2 calls from 1 source (last 30 days)').waitFor();
    await confirm.getByText('1 key would newly be allowed 2 calls.').waitFor();
    await confirm
      .getByRole('textbox', { name: `Enter the AccessKey ID ${alice.key.accessKeyId} to confirm` })
      .fill(alice.key.accessKeyId);
    await confirm.getByRole('button', { name: 'Deny 2 calls and submit' }).click();
    await receipt.getByText(/^Enforced by 1 of 1 nodes at /).waitFor();
    await receipt.getByRole('button', { name: 'Close' }).first().click();
    await drawer.waitFor({ state: 'detached' });

    assert.equal(await keyPolicy(s, alice.key, alice.upn), CLEARED);
    assert.equal(await passes(s, alice.key, '198.51.100.7'), true);
    assert.equal(await passes(s, alice.key, '192.0.2.10'), false);
    await row.getByText('Account-level (Enabled)').waitFor();
    await row.getByRole('button', { name: 'Network Access Control' }).click();
    await drawer
      .getByText(`This key currently follows the account-level policy (Enabled, v${accountVersion}).`)
      .waitFor();
    assertClean();
    await close();
  });
});
