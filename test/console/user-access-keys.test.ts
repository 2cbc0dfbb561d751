/**
 * F7: Users → alice → Authentication. A key created 150 days ago carries Rotation Recommended, a
 * key created now does not; the Network ACL column says which policy decides for each key; the new
 * key's secret is shown once and the dialog closes only once saved; Disable and Delete go through
 * their confirmations. Every effect is checked through signed IMS calls.
 */

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { expectSuccess } from '../support/server-harness.js';
import { until } from '../support/until.js';
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

const DAY_MS = 86_400_000;
const IMS = '2019-08-15';
// Calls come from an address the account-level policy allows, so setting it locks nobody out.
const OFFICE = '203.0.113.1';

const skip = skipWithoutBrowser();
// One browser for the file, launched here so that it closes after the file's tests, not a hook.
if (skip === false) await browser();
let clockOffset = 0;
const server = await startConsoleServer({ clock: () => new Date(Date.now() + clockOffset) });
const ims = async (action: string, params: Record<string, string> = {}) =>
  expectSuccess(await server.signed(server.root, action, IMS, params, OFFICE));
const aliceKeys = async (): Promise<{ AccessKeyId: string; Status: string }[]> =>
  (await ims('ListAccessKeys', { UserPrincipalName: principalName })).AccessKeys.AccessKey;
// The store stamps with its clock: alice and her first key were made 150 days ago.
clockOffset = -150 * DAY_MS;
const alice = await server.addConsoleUser('alice');
clockOffset = 0;
const principalName = alice.upn;
const oldKey = alice.key.accessKeyId;
await ims('SetAccessKeyPolicyForAccount', {
  AccessKeyPolicy: JSON.stringify({
    Version: 1,
    Status: 'Active',
    Statements: [{ Type: 'ClassicWhiteList', IPList: [OFFICE] }],
  }),
});
await ims('SetAccessKeyPolicy', {
  UserPrincipalName: principalName,
  UserAccessKeyId: oldKey,
  AccessKeyPolicy: JSON.stringify({
    Version: 1,
    Status: 'Active',
    Statements: [
      { Type: 'ClassicWhiteList', IPList: ['198.51.100.7', '198.51.100.8'] },
      { Type: 'VPCWhiteList', Value: 'vpc-m5ekxe1zi8zwgqrtc0001', IPList: ['192.168.0.0/16'] },
    ],
  }),
});
// A call the key-level policy allows: what Last Used shows.
expectSuccess(await server.signed(alice.key, 'GetCallerIdentity', '2015-04-01', {}, '198.51.100.7'));
let lastUsedService = '';
await until(async () => {
  const used = await ims('GetAccessKeyLastUsed', {
    UserPrincipalName: principalName,
    UserAccessKeyId: oldKey,
  });
  lastUsedService = used.AccessKeyLastUsed.ServiceName ?? '';
  return lastUsedService !== '';
}, 'the key use is recorded');

describe('F7 the user page: AccessKeys, rotation and network ACLs', { skip }, () => {
  let browserPage: ConsolePage;
  before(async () => {
    browserPage = await openPage(server.url);
  });
  after(() => browserPage.close());

  test('the old key is tagged for rotation and its key-level ACL shows; a new key shows its secret once', async () => {
    const { page } = browserPage;
    await signIn(page, server.accountId, server.rootPassword);
    await page.getByRole('link', { name: 'Users', exact: true }).click();
    await page.getByRole('link', { name: principalName }).click();
    await page.getByRole('tab', { name: 'Authentication' }).click();
    assert.match(page.url(), /\/console\/users\/alice\?tab=authentication$/);
    await page.getByRole('row', { name: new RegExp(oldKey) }).waitFor();

    const createButton = page.getByRole('button', { name: 'Create AccessKey' });
    await createButton.click();
    const dialog = page.getByRole('dialog', { name: 'AccessKey created' });
    await dialog.waitFor();
    const secret = await dialog.getByTestId('access-key-secret').textContent();
    const keys = await aliceKeys();
    assert.equal(keys.length, 2);
    const newKey = keys.find((key) => key.AccessKeyId !== oldKey)!.AccessKeyId;
    assert.ok(await dialog.getByText(newKey).isVisible());
    assert.ok(secret !== null && secret.length >= 30, 'the secret is on screen');
    await assertAccessible(page, 'the secret dialog');
    const close = dialog.getByRole('button', { name: 'Close' });
    assert.equal(await close.isDisabled(), true, 'Close waits for "I have saved the secret"');
    await dialog.getByRole('checkbox', { name: 'I have saved the secret' }).check();
    await close.click();
    await dialog.waitFor({ state: 'detached' });

    const oldRow = page.getByRole('row', { name: new RegExp(oldKey) });
    const newRow = page.getByRole('row', { name: new RegExp(newKey) });
    await newRow.waitFor();
    await oldRow.getByText(lastUsedService, { exact: true }).waitFor();
    assert.ok(await newRow.getByText('Never used').isVisible());
    assert.equal(await oldRow.getByText('Rotation Recommended').count(), 1);
    assert.equal(await newRow.getByText('Rotation Recommended').count(), 0);
    await oldRow.getByText('Key-level (Enabled)').waitFor();
    assert.ok(await oldRow.getByText('3 entries').isVisible());
    await newRow.getByText('Account-level (Enabled)').waitFor();
    assert.ok(await newRow.getByText('1 entry').isVisible());
    assert.equal(await createButton.isDisabled(), true, 'two keys: the per-user limit');

    await oldRow.getByText('Rotation Recommended').hover();
    await page
      .getByRole('tooltip')
      .getByText(
        'Created 150 days ago; rotate: create a second key, move applications, disable this one, then delete it',
      )
      .waitFor();
    await page.mouse.move(0, 0);
    await page.getByRole('tooltip').waitFor({ state: 'hidden' });
    await screenshot(page, 'user-auth-tab');
    await assertAccessible(page, 'the Authentication tab');

    // Disable the new key through its switch: asked first, then checked through the API.
    await newRow.getByRole('switch', { name: `Status of AccessKey ${newKey}` }).click();
    const confirm = page.getByRole('dialog', { name: `Disable AccessKey ${newKey}?` });
    await confirm.waitFor();
    await assertAccessible(page, 'the status confirmation');
    await confirm.getByRole('button', { name: 'Disable' }).click();
    await newRow.getByText('Inactive').waitFor();
    assert.equal((await aliceKeys()).find((key) => key.AccessKeyId === newKey)?.Status, 'Inactive');

    // Delete it: OK only once the key ID is typed exactly.
    await newRow.getByRole('button', { name: 'Delete' }).click();
    const remove = page.getByRole('dialog', { name: 'Delete AccessKey' });
    const ok = remove.getByRole('button', { name: 'Delete' });
    assert.equal(await ok.isDisabled(), true);
    await remove.getByRole('textbox').fill(newKey.slice(0, -1));
    assert.equal(await ok.isDisabled(), true);
    await remove.getByRole('textbox').fill(` ${newKey} `);
    await assertAccessible(page, 'the delete dialog');
    await ok.click();
    await newRow.waitFor({ state: 'detached' });
    assert.deepEqual(
      (await aliceKeys()).map((key) => key.AccessKeyId),
      [oldKey],
    );
    browserPage.assertClean();
  });

  test('the links of a key lead to its audit and to Check an IP', async () => {
    const { page } = browserPage;
    const row = page.getByRole('row', { name: new RegExp(oldKey) });
    assert.equal(
      await row.getByRole('link', { name: `Audit ${oldKey}` }).getAttribute('href'),
      `/console/actiontrail/accesskey-audit?ak=${oldKey}`,
    );
    assert.equal(
      await row.getByRole('link', { name: `Check an IP for ${oldKey}` }).getAttribute('href'),
      `/console/check?ak=${oldKey}`,
    );
    browserPage.assertClean();
  });
});
