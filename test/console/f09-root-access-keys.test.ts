/**
 * F9, root AccessKey Management: reached from the avatar menu, behind the seed's risk dialog
 * whose button waits for the checkbox; the acknowledgement lasts for the session and is audited
 * (ConsoleOperation); then the root identity's keys, Create warning that a root key can do
 * everything. A RAM user's session has no menu entry and gets NoPermission, page and endpoint.
 */

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
import { watchSecrets } from './support/secret-watch.js';

const RISK_DIALOG = 'We do not recommend using the AccessKey pair of the root identity';

interface AuditedEvent {
  readonly eventName: string;
  readonly eventType: string;
  readonly errorCode: string | null;
  readonly userIdentity: { readonly type: string; readonly accessKeyId: string | null };
}

describe('F9 Root AccessKey Management', { skip: skipWithoutBrowser() }, () => {
  test('the risk dialog, its audited acknowledgement, then the root keys', async () => {
    const s = await startConsoleServer();
    const { page, assertClean, close } = await openPage(s.url);
    const secrets = watchSecrets(page);
    await signIn(page, s.accountId, s.rootPassword);

    const openFromAvatar = async () => {
      await page.getByRole('button', { name: 'Account menu, root' }).hover();
      await page.getByRole('menuitem', { name: 'AccessKey Management' }).click();
    };
    await openFromAvatar();
    const dialog = page.getByRole('dialog', { name: RISK_DIALOG });
    await dialog.waitFor();
    assert.match(page.url(), /\/console\/root-access-keys$/);
    const useRoot = dialog.getByRole('button', { name: 'Use the AccessKey Pair of the Root Identity' });
    assert.equal(await useRoot.isDisabled(), true, 'disabled until the risk is acknowledged');
    assert.equal(await page.getByRole('table').count(), 0, 'no key is listed behind the dialog');
    await screenshot(page, 'root-risk-dialog');
    await assertAccessible(page, 'the root risk dialog');

    // The other way out leads to RAM users; coming back asks again.
    await dialog.getByRole('button', { name: 'Use AccessKey Pair of RAM User' }).click();
    await page.getByRole('heading', { name: 'Users' }).waitFor();
    await openFromAvatar();
    await dialog.waitFor();

    await dialog
      .getByRole('checkbox', {
        name: 'I understand the risks of using the AccessKey pair of the root identity',
      })
      .check();
    assert.equal(await useRoot.isEnabled(), true);
    await useRoot.click();
    await dialog.waitFor({ state: 'hidden' });
    const rootRow = page.getByRole('row').filter({ hasText: s.root.accessKeyId });
    await rootRow.getByText('Active', { exact: true }).waitFor();
    await rootRow.getByText('None', { exact: true }).waitFor();
    await screenshot(page, 'root-keys');
    await assertAccessible(page, 'root AccessKey Management');

    const events = (await s.events()) as unknown as AuditedEvent[];
    const acknowledged = events.filter((event) => event.eventName === 'AcknowledgeRootAccessKeys');
    assert.equal(acknowledged.length, 1, 'the acknowledgement is audited once');
    assert.equal(acknowledged[0]!.eventType, 'ConsoleOperation');
    assert.equal(acknowledged[0]!.errorCode, null);
    assert.equal(acknowledged[0]!.userIdentity.type, 'root-account');
    assert.equal(acknowledged[0]!.userIdentity.accessKeyId, null);

    // For the rest of the session, no dialog.
    await page.reload();
    await rootRow.waitFor();
    assert.equal(await dialog.count(), 0);

    // Create warns what a root key can do; the new secret shows once and signs.
    await page.getByRole('button', { name: 'Create AccessKey' }).click();
    const warning = page.getByRole('dialog', { name: 'Create an AccessKey for the root identity?' });
    await warning.getByText('A root key can do everything in this account', { exact: false }).waitFor();
    await assertAccessible(page, 'the root Create AccessKey warning');
    await warning.getByRole('button', { name: 'Create AccessKey' }).click();
    const created = page.getByRole('dialog', { name: 'AccessKey created' });
    const secret = (await created.getByTestId('access-key-secret').textContent()) ?? '';
    const keyId =
      (await created
        .getByRole('row', { name: /AccessKey ID/ })
        .locator('code')
        .textContent()) ?? '';
    await created.getByRole('checkbox', { name: 'I have saved the secret' }).check();
    await created.getByRole('button', { name: 'Close' }).click();
    await page.getByRole('row').filter({ hasText: keyId }).waitFor();
    const listed = await s.signed(
      { accessKeyId: keyId, accessKeySecret: secret },
      'ListAccessKeys',
      '2019-08-15',
    );
    assert.equal(listed.status, 200, listed.text);
    const ids = (listed.body.AccessKeys as { AccessKey: { AccessKeyId: string }[] }).AccessKey.map(
      (key) => key.AccessKeyId,
    );
    assert.deepEqual(ids.sort(), [s.root.accessKeyId, keyId].sort());

    await secrets.assertNeverSent([s.root.accessKeySecret]);
    await secrets.assertSentOnceByCreate(secret);
    assertClean();
    await close();
  });

  test("a RAM user's session has no entry for it and cannot reach it", async () => {
    const s = await startConsoleServer();
    const alice = await s.addConsoleUser('alice');
    // Even an administrator is not the root identity: the page is root's alone.
    const attached = await s.signed(s.root, 'AttachPolicyToUser', '2015-05-01', {
      PolicyType: 'System',
      PolicyName: 'AdministratorAccess',
      UserName: 'alice',
    });
    assert.equal(attached.status, 200, attached.text);
    const { page, assertClean, close } = await openPage(s.url);
    const secrets = watchSecrets(page);
    await signIn(page, alice.upn, alice.password);

    await page.getByRole('button', { name: `Account menu, ${alice.upn}` }).hover();
    const avatarMenu = page
      .getByRole('menu')
      .filter({ has: page.getByRole('menuitem', { name: 'Sign Out' }) });
    await avatarMenu.waitFor();
    const entries = await avatarMenu.getByRole('menuitem').allTextContents();
    assert.deepEqual(entries, ['Change Password', 'Sign Out']);

    await page.goto('/console/root-access-keys');
    await page.getByText('NoPermission', { exact: true }).waitFor();
    await page.getByText('Only the root identity of this account can open this page.').waitFor();
    assert.equal(await page.getByRole('dialog').count(), 0, 'no risk dialog for a RAM user');

    // The endpoint refuses too, whatever the page shows.
    const answer = await page.evaluate(async () => {
      const session = (await (await fetch('/console/api/session')).json()) as { CsrfToken: string };
      const response = await fetch('/console/api/root-access-keys/acknowledge', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-KeyFence-CSRF': session.CsrfToken },
        body: '{}',
      });
      return { status: response.status, body: (await response.json()) as { Code: string } };
    });
    assert.equal(answer.status, 403);
    assert.equal(answer.body.Code, 'NoPermission');
    const events = (await s.events()) as unknown as AuditedEvent[];
    assert.equal(events.filter((event) => event.eventName === 'AcknowledgeRootAccessKeys').length, 0);

    await secrets.assertNeverSent([s.root.accessKeySecret, alice.key.accessKeySecret]);
    assertClean();
    await close();
  });
});
