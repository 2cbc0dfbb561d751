/**
 * F7 and the Users pages: the user list and Create User (console and API access), the user's
 * Authentication tab (Rotation Recommended on an old key only, the Network ACL column, Create
 * AccessKey's one-time secret that then signs a call, Console Logon enabled with a password that
 * then signs in). Every effect is read back through signed calls, and no existing AccessKey
 * secret ever reaches the browser.
 */

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
import { watchSecrets } from './support/secret-watch.js';

const DAY_MS = 86_400_000;
const IMS = '2019-08-15';
/** Every signed call comes from inside the account-level allowlist the flows set. */
const FROM = '203.0.113.5';

const policy = (status: 'Active' | 'Inactive', ...ips: string[]) =>
  JSON.stringify({ Version: 1, Status: status, Statements: [{ Type: 'ClassicWhiteList', IPList: ips }] });

/** A signed IMS call that must succeed; its body. */
const ims = async (
  s: ConsoleServer,
  action: string,
  params: Record<string, string>,
  credentials: Credentials = s.root,
) => {
  const reply = await s.signed(credentials, action, IMS, params, FROM);
  assert.equal(reply.status, 200, `${action} answered ${reply.status}: ${reply.text}`);
  return reply.body;
};

/** Waits for the server's last-use recorder (it writes once a second) to have stored a key's use. */
const lastUseRecorded = async (s: ConsoleServer, accessKeyId: string, principalName: string) => {
  const deadline = Date.now() + 5000;
  for (;;) {
    const body = await ims(s, 'GetAccessKeyLastUsed', {
      UserAccessKeyId: accessKeyId,
      UserPrincipalName: principalName,
    });
    if ((body.AccessKeyLastUsed as { LastUsedDate?: string }).LastUsedDate !== undefined) return;
    assert.ok(Date.now() < deadline, `no last use recorded for ${accessKeyId}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

const accessKeyRow = (page: Page, accessKeyId: string) =>
  page.getByRole('row').filter({ hasText: accessKeyId });

describe('F7 Users and the Authentication tab', { skip: skipWithoutBrowser() }, () => {
  test('Rotation Recommended on the old key only, the Network ACL column, Create AccessKey once', async () => {
    // The store's clock stands 150 days back while alice's first key is made, then returns.
    let offset = -150 * DAY_MS;
    const s = await startConsoleServer({ clock: () => new Date(Date.now() + offset) });
    const alice = await s.addConsoleUser('alice');
    offset = 0;
    const domain = `${s.accountId}.onaliyun.com`;
    const alicePrincipal = `alice@${domain}`;
    // Read-only RAM access, so the key made in the browser can prove itself with a signed GetUser.
    const attached = await s.signed(s.root, 'AttachPolicyToUser', '2015-05-01', {
      PolicyType: 'System',
      PolicyName: 'AliyunRAMReadOnlyAccess',
      UserName: 'alice',
    });
    assert.equal(attached.status, 200, attached.text);
    await ims(s, 'SetAccessKeyPolicyForAccount', { AccessKeyPolicy: policy('Active', '203.0.113.0/24') });
    await ims(s, 'SetAccessKeyPolicy', {
      UserAccessKeyId: alice.key.accessKeyId,
      UserPrincipalName: alicePrincipal,
      AccessKeyPolicy: policy('Active', '203.0.113.0/24', '198.51.100.7'),
    });

    // The old key is in use: Last Used is what to watch while rotating it.
    await ims(s, 'GetUser', {}, alice.key);
    await lastUseRecorded(s, alice.key.accessKeyId, alicePrincipal);

    const { page, assertClean, close } = await openPage(s.url);
    const secrets = watchSecrets(page);
    await signIn(page, s.accountId, s.rootPassword);
    await page
      .getByRole('navigation', { name: 'Console navigation' })
      .getByRole('link', { name: 'Users' })
      .click();
    const aliceRow = page.getByRole('row').filter({ hasText: alicePrincipal });
    await aliceRow.getByText('1 of 1 keys: key-level ACL').waitFor();
    await aliceRow.getByRole('link', { name: alicePrincipal }).click();
    await page.getByRole('tab', { name: 'Authentication' }).click();
    assert.match(page.url(), /\/console\/users\/alice\?tab=authentication$/);

    const oldRow = accessKeyRow(page, alice.key.accessKeyId);
    const rotation = oldRow.getByText('Rotation Recommended');
    await rotation.waitFor();
    await oldRow.getByText('Key-level (Enabled)').waitFor();
    await oldRow.getByText('2 entries').waitFor();
    await oldRow.getByText('Ims', { exact: true }).waitFor();
    await rotation.hover();
    await page
      .getByRole('tooltip')
      .filter({
        hasText:
          'Created 150 days ago; rotate: create a second key, move applications, disable this one, then delete it',
      })
      .waitFor();

    // A second key, through the UI: its secret is shown once and works for a signed call.
    await page.getByRole('button', { name: 'Create AccessKey' }).click();
    const dialog = page.getByRole('dialog', { name: 'AccessKey created' });
    await dialog.waitFor();
    const secret = (await dialog.getByTestId('access-key-secret').textContent()) ?? '';
    const newKeyId =
      (await dialog
        .getByRole('row', { name: /AccessKey ID/ })
        .locator('code')
        .textContent()) ?? '';
    assert.match(newKeyId, /^LTAI/);
    assert.ok(secret.length >= 30, `the dialog shows a secret (${secret.length} characters)`);
    await assertAccessible(page, 'the one-time secret dialog');
    const closeButton = dialog.getByRole('button', { name: 'Close' });
    assert.equal(await closeButton.isDisabled(), true, 'Close waits for "I have saved the secret"');
    await dialog.getByRole('checkbox', { name: 'I have saved the secret' }).check();
    await closeButton.click();
    await dialog.waitFor({ state: 'hidden' });
    assert.ok(!(await page.content()).includes(secret), 'closed, the secret is gone from the page');
    const newKey = { accessKeyId: newKeyId, accessKeySecret: secret };
    const self = await ims(s, 'GetUser', {}, newKey);
    assert.equal((self.User as { UserPrincipalName: string }).UserPrincipalName, alicePrincipal);

    // The new key is young and follows the account-level policy; the old one keeps its tag.
    const newRow = accessKeyRow(page, newKeyId);
    await newRow.getByText('Account-level (Enabled)').waitFor();
    await newRow.getByText('1 entry').waitFor();
    assert.equal(await newRow.getByText('Rotation Recommended').count(), 0);
    assert.equal(await page.getByText('Rotation Recommended').count(), 1);
    const createButton = page.getByRole('button', { name: 'Create AccessKey' });
    assert.equal(await createButton.isDisabled(), true, 'two keys is the per-user limit');
    await page.mouse.move(0, 0);
    await page.getByRole('tooltip').first().waitFor({ state: 'hidden' });
    await screenshot(page, 'user-auth-tab');
    await assertAccessible(page, 'the Authentication tab');

    // A Disabled key-level policy hands the key back to the account-level one.
    await ims(s, 'SetAccessKeyPolicy', {
      UserAccessKeyId: alice.key.accessKeyId,
      UserPrincipalName: alicePrincipal,
      AccessKeyPolicy: policy('Inactive', '203.0.113.0/24', '198.51.100.7'),
    });
    await page.reload();
    await oldRow.getByText('Key-level (Disabled) → account-level').waitFor();
    await oldRow.getByText('1 entry').waitFor();

    const listed = await ims(s, 'ListAccessKeys', { UserPrincipalName: alicePrincipal });
    const ids = (listed.AccessKeys as { AccessKey: { AccessKeyId: string }[] }).AccessKey.map(
      (k) => k.AccessKeyId,
    );
    assert.deepEqual(ids.sort(), [alice.key.accessKeyId, newKeyId].sort());
    await secrets.assertNeverSent([s.root.accessKeySecret, alice.key.accessKeySecret]);
    await secrets.assertSentOnceByCreate(secret);
    assertClean();
    await close();
  });

  test('Console Logon enabled with a custom password: the user signs in with it', async () => {
    const s = await startConsoleServer();
    const principal = `bob@${s.accountId}.onaliyun.com`;
    await ims(s, 'CreateUser', { UserPrincipalName: principal, DisplayName: 'Bob' });
    const password = 'bob chose this passphrase';

    const { page, assertClean, close } = await openPage(s.url);
    const secrets = watchSecrets(page);
    await signIn(page, s.accountId, s.rootPassword);
    await page.goto('/console/users/bob?tab=authentication');
    const card = page.locator('.ant-card').filter({ has: page.getByText('Console Logon', { exact: true }) });
    await card.getByText('Not enabled').waitFor();
    await card.getByRole('button', { name: 'Enable Console Logon' }).click();
    const drawer = page.getByRole('dialog', { name: 'Enable Console Logon' });
    await drawer.getByRole('radio', { name: 'Custom password' }).check();
    await drawer.getByLabel('Password', { exact: true }).fill('too short');
    await drawer.getByRole('button', { name: 'OK' }).click();
    await drawer.getByText('At least 12 characters.').waitFor();
    await drawer.getByLabel('Password', { exact: true }).fill(password);
    await drawer.getByRole('checkbox', { name: 'Must reset password at next logon' }).uncheck();
    await assertAccessible(page, 'the Enable Console Logon drawer');
    await drawer.getByRole('button', { name: 'OK' }).click();
    await drawer.waitFor({ state: 'hidden' });
    await card.getByText('Enabled', { exact: true }).waitFor();

    const profile = (await ims(s, 'GetLoginProfile', { UserPrincipalName: principal })).LoginProfile as {
      Status: string;
      PasswordResetRequired: boolean;
    };
    assert.equal(profile.Status, 'Active');
    assert.equal(profile.PasswordResetRequired, false);

    // Bob, in a browser of his own, signs in by his principal name with that password.
    const bob = await openPage(s.url);
    await signIn(bob.page, principal, password);
    await bob.page.getByRole('button', { name: `Account menu, ${principal}` }).waitFor();
    type Event = {
      eventName: string;
      eventType: string;
      errorCode: string | null;
      userIdentity: { type: string; userName: string };
    };
    const events = (await s.events()) as unknown as Event[];
    assert.ok(
      events.some(
        (e) => e.eventName === 'ConsoleSignin' && e.errorCode === null && e.userIdentity.userName === 'bob',
      ),
      "bob's sign-in is audited",
    );
    assert.ok(
      events.some((e) => e.eventName === 'CreateLoginProfile' && e.eventType === 'ConsoleOperation'),
      'enabling console logon is audited as a console operation',
    );
    assert.ok(!JSON.stringify(events).includes(password), 'no event carries the password');
    bob.assertClean();
    await bob.close();
    await secrets.assertNeverSent([s.root.accessKeySecret]);
    assertClean();
    await close();
  });

  test('Users list and Create User with console and API access', async () => {
    const s = await startConsoleServer();
    const alice = await s.addConsoleUser('alice');
    const domain = `${s.accountId}.onaliyun.com`;
    const principal = `carol@${domain}`;

    const { page, assertClean, close } = await openPage(s.url);
    const secrets = watchSecrets(page);
    await signIn(page, s.accountId, s.rootPassword);
    await page
      .getByRole('navigation', { name: 'Console navigation' })
      .getByRole('link', { name: 'Users' })
      .click();
    for (const column of [
      'User Logon Name / Display Name',
      'Note',
      'Last Login',
      'Last AccessKey Use',
      'Network ACL',
      'Created',
    ]) {
      await page.getByRole('columnheader', { name: column }).waitFor();
    }
    await page
      .getByRole('row')
      .filter({ hasText: `alice@${domain}` })
      .getByText('No key-level ACL')
      .waitFor();
    await assertAccessible(page, 'the Users list');

    await page.getByRole('button', { name: 'Create User' }).click();
    const drawer = page.getByRole('dialog', { name: 'Create User' });
    await drawer.getByLabel('Logon Name').fill('carol');
    await drawer.getByLabel('Display Name').fill('Carol Example');
    await drawer.getByLabel('Note').fill('billing exports');
    await drawer.getByRole('checkbox', { name: 'Console access' }).check();
    await drawer.getByRole('radio', { name: 'Generated password' }).waitFor();
    await drawer.getByRole('checkbox', { name: /^API access/ }).check();
    await assertAccessible(page, 'the Create User drawer');
    await drawer.getByRole('button', { name: 'OK' }).click();

    const created = page.getByRole('dialog', { name: 'User created' });
    await created.waitFor();
    const password =
      (await created
        .getByRole('row', { name: /Console Password/ })
        .locator('code')
        .textContent()) ?? '';
    const secret = (await created.getByTestId('access-key-secret').textContent()) ?? '';
    const keyId =
      (await created
        .getByRole('row', { name: /AccessKey ID/ })
        .locator('code')
        .textContent()) ?? '';
    assert.equal(password.length, 20);
    await assertAccessible(page, 'the one-time credentials dialog');
    await created.getByRole('checkbox', { name: 'I have saved the secret' }).check();
    await created.getByRole('button', { name: 'Close' }).click();
    await created.waitFor({ state: 'hidden' });
    await page.getByRole('link', { name: principal }).waitFor();

    const user = (await ims(s, 'GetUser', { UserPrincipalName: principal })).User as Record<string, string>;
    assert.equal(user.DisplayName, 'Carol Example');
    assert.equal(user.Comments, 'billing exports');
    const profile = (await ims(s, 'GetLoginProfile', { UserPrincipalName: principal })).LoginProfile as {
      Status: string;
      PasswordResetRequired: boolean;
    };
    assert.equal(profile.Status, 'Active');
    assert.equal(profile.PasswordResetRequired, true, 'the generated password must be reset at next logon');
    const keys = (await ims(s, 'ListAccessKeys', { UserPrincipalName: principal })).AccessKeys as {
      AccessKey: { AccessKeyId: string; Status: string }[];
    };
    assert.deepEqual(
      keys.AccessKey.map((key) => [key.AccessKeyId, key.Status]),
      [[keyId, 'Active']],
    );
    // The secret signs: carol may do nothing yet, so the answer is NoPermission, not a signature error.
    const own = await s.signed({ accessKeyId: keyId, accessKeySecret: secret }, 'GetUser', IMS, {}, FROM);
    assert.equal(own.body.Code, 'NoPermission', own.text);

    // The generated password signs carol in, to the one thing it allows: choosing her own.
    const carol = await openPage(s.url);
    await carol.page.goto('/console/signin');
    await carol.page.getByLabel('Account ID or user principal name').fill(principal);
    await carol.page.getByLabel('Password').fill(password);
    await carol.page.getByRole('button', { name: 'Sign In' }).click();
    await carol.page.getByRole('heading', { name: 'Change your password' }).waitFor();
    const chosen = 'carol chose this password';
    await carol.page.getByLabel('Current password').fill(password);
    await carol.page.getByLabel('New password', { exact: true }).fill(chosen);
    await carol.page.getByLabel('Confirm new password').fill(chosen);
    await carol.page.getByRole('button', { name: 'Change Password' }).click();
    await carol.page.getByRole('navigation', { name: 'Console navigation' }).waitFor();
    carol.assertClean();
    await carol.close();

    await secrets.assertNeverSent([s.root.accessKeySecret, alice.key.accessKeySecret]);
    await secrets.assertSentOnceByCreate(secret);
    assertClean();
    await close();
  });
});
