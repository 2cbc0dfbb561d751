import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { send } from '../support/server-harness.js';
import { assertAccessible, openPage, screenshot, skipWithoutBrowser } from './support/console-browser.js';
import { consolePost } from './support/console-post.js';
import { startConsoleServer } from './support/console-server.js';

const NEW_PASSWORD = 'a long root passphrase';

describe('F1 setup link → set the root password → signed in', { skip: skipWithoutBrowser() }, () => {
  test('the link sets the password once and signs root in with a cookie JS cannot read', async () => {
    const s = await startConsoleServer({ withoutRootPassword: true });
    const [link] = (await s.server.issueConsoleSetupLinks()).filter((l) => l.accountId === s.accountId);
    assert.ok(link, 'a setup link for the account');
    const token = new URL(link.url).hash.slice(1);
    const { page, context, assertClean, close } = await openPage(s.url);

    // Signed out with no root password: the sign-in page explains the setup link.
    await page.goto('/console/');
    await page.getByText('The root identity has no console password yet').waitFor();

    await page.goto(link.url);
    await page.getByRole('heading', { name: 'Set the root password' }).waitFor();
    await page.getByLabel('New password').fill(NEW_PASSWORD);
    await page.getByLabel('Confirm password').fill(NEW_PASSWORD);
    await screenshot(page, 'setup');
    await assertAccessible(page, 'the setup page');
    await page.getByRole('button', { name: 'Set Password' }).click();

    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await page.getByRole('navigation', { name: 'Console navigation' }).waitFor();
    await page.getByText('root (root identity)').waitFor();
    // The token leaves the address bar with the setup page.
    assert.equal(new URL(page.url()).hash, '');
    assert.match(new URL(page.url()).pathname, /^\/console\/?$/);
    await page.getByRole('button', { name: 'Account menu, root' }).waitFor();
    await screenshot(page, 'overview');
    await assertAccessible(page, 'the Overview');

    const cookies = await context.cookies();
    const session = cookies.find((cookie) => cookie.name === 'kf_session');
    assert.ok(session, `a kf_session cookie in ${JSON.stringify(cookies.map((c) => c.name))}`);
    assert.equal(session.httpOnly, true);
    assert.equal(session.sameSite, 'Strict');
    assert.equal(session.path, '/console');
    assert.equal(((await page.evaluate('document.cookie')) as string).includes('kf_session'), false);

    // Single use: the same token again is refused, and sets nothing.
    const again = await consolePost(s.port, '/console/api/setup', {
      Token: token,
      Password: 'another root passphrase',
    });
    assert.equal(again.status, 400, again.text);
    assert.equal(again.body.Code, 'ConsoleSetupTokenInvalid');
    assert.equal(again.headers['set-cookie'], undefined);

    // The effect, through the API: root signs in with the new password; no setup is pending.
    const signin = await consolePost(s.port, '/console/api/signin', {
      Principal: s.accountId,
      Password: NEW_PASSWORD,
    });
    assert.equal(signin.status, 200, signin.text);
    assert.deepEqual(signin.body.Identity, { Type: 'root' });
    const signedOut = await send(s.port, { path: '/console/api/session' });
    assert.equal(signedOut.status, 401);
    assert.equal(signedOut.body.SetupRequired, false);

    // The spent link, opened by another visitor, says why it no longer works.
    const other = await openPage(s.url);
    await other.page.goto(link.url);
    await other.page.getByLabel('New password').fill('a third root passphrase');
    await other.page.getByLabel('Confirm password').fill('a third root passphrase');
    await other.page.getByRole('button', { name: 'Set Password' }).click();
    await other.page.getByRole('alert').filter({ hasText: 'A setup link works once' }).waitFor();
    other.assertClean();
    await other.close();

    assertClean();
    await close();
  });
});
