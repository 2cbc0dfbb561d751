/**
 * F9: root AccessKey Management. The risk dialog's "Use the AccessKey Pair of the Root Identity"
 * waits for the checkbox; acknowledging lasts for the session (the session API says so), then the
 * root identity's keys show, and Create warns first. A RAM user's session cannot reach the page,
 * nor acknowledge through the API.
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

const skip = skipWithoutBrowser();
// One browser for the file, launched here so that it closes after the file's tests, not a hook.
if (skip === false) await browser();
const server = await startConsoleServer();
const alice = await server.addConsoleUser('alice');
expectSuccess(
  await server.signed(server.root, 'AttachPolicyToUser', '2015-05-01', {
    UserName: 'alice',
    PolicyType: 'System',
    PolicyName: 'AliyunRAMFullAccess',
  }),
);
const rootKeys = async (): Promise<string[]> =>
  expectSuccess(await server.signed(server.root, 'ListAccessKeys', '2019-08-15')).AccessKeys.AccessKey.map(
    (key: { AccessKeyId: string }) => key.AccessKeyId,
  );

describe('F9 root AccessKey Management', { skip }, () => {
  const pages: ConsolePage[] = [];

  const open = async (principal: string, password: string): Promise<ConsolePage> => {
    const opened = await openPage(server.url);
    pages.push(opened);
    await signIn(opened.page, principal, password);
    return opened;
  };
  after(async () => {
    for (const opened of pages) await opened.close();
  });

  test('the risk dialog, then the root keys; Create warns first', async () => {
    const opened = await open(server.accountId, server.rootPassword);
    const { page } = opened;
    await page.getByRole('button', { name: /Account menu/ }).click();
    await page.getByRole('menuitem', { name: 'AccessKey Management' }).click();
    const dialog = page.getByRole('dialog', {
      name: 'We do not recommend using the AccessKey pair of the root identity',
    });
    await dialog.waitFor();
    const useRoot = dialog.getByRole('button', { name: 'Use the AccessKey Pair of the Root Identity' });
    assert.equal(await useRoot.isDisabled(), true, 'disabled until the risk is acknowledged');
    assert.equal(await page.getByRole('table').count(), 0, 'no key is listed behind the dialog');
    await screenshot(page, 'root-risk-dialog');
    await assertAccessible(page, 'the root risk dialog');
    await dialog
      .getByRole('checkbox', {
        name: 'I understand the risks of using the AccessKey pair of the root identity',
      })
      .check();
    assert.equal(await useRoot.isDisabled(), false);
    await useRoot.click();
    await dialog.waitFor({ state: 'detached' });

    const session = await page.request.get('/console/api/session');
    assert.equal((await session.json()).RootAccessKeyAcknowledged, true);

    await page.getByRole('row', { name: new RegExp(server.root.accessKeyId) }).waitFor();
    await screenshot(page, 'root-keys');
    await assertAccessible(page, 'root AccessKey Management');

    await page.getByRole('button', { name: 'Create AccessKey' }).click();
    const warning = page.getByRole('dialog', { name: 'Create an AccessKey for the root identity?' });
    await warning.getByText('A root key can do everything in this account', { exact: false }).waitFor();
    await assertAccessible(page, 'the root Create AccessKey warning');
    await warning.getByRole('button', { name: 'Cancel' }).click();
    await warning.waitFor({ state: 'detached' });
    assert.deepEqual(await rootKeys(), [server.root.accessKeyId], 'cancelled: no key created');

    // The acknowledgement lasts for the session: no dialog on the next visit.
    await page.reload();
    await page.getByRole('row', { name: new RegExp(server.root.accessKeyId) }).waitFor();
    assert.equal(await page.getByRole('dialog').count(), 0);
    opened.assertClean();
  });

  test('"Use AccessKey Pair of RAM User" leads to Users, acknowledging nothing', async () => {
    const opened = await open(server.accountId, server.rootPassword);
    const { page } = opened;
    await page.goto('/console/root-access-keys');
    await page.getByRole('button', { name: 'Use AccessKey Pair of RAM User' }).click();
    await page.waitForURL(/\/console\/users$/);
    const session = await page.request.get('/console/api/session');
    assert.equal((await session.json()).RootAccessKeyAcknowledged, false);
    opened.assertClean();
  });

  test("a RAM user's session cannot reach the page", async () => {
    const opened = await open(alice.upn, alice.password);
    const { page } = opened;
    await page.getByRole('button', { name: /Account menu/ }).click();
    await page.getByRole('menuitem', { name: 'Sign Out' }).waitFor();
    assert.equal(await page.getByRole('menuitem', { name: 'AccessKey Management' }).count(), 0);
    await page.keyboard.press('Escape');
    await page.goto('/console/root-access-keys');
    await page.getByText('NoPermission').waitFor();
    assert.equal(await page.getByRole('dialog').count(), 0);
    assert.equal(await page.getByRole('table').count(), 0);
    const session = await (await page.request.get('/console/api/session')).json();
    const refused = await page.request.post('/console/api/root-access-keys/acknowledge', {
      headers: {
        'X-KeyFence-CSRF': session.CsrfToken,
        'Content-Type': 'application/json',
        Origin: server.url,
      },
      data: {},
    });
    assert.equal(refused.status(), 403);
    assert.equal((await refused.json()).Code, 'NoPermission');
    opened.assertClean();
  });
});
