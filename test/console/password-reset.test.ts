/**
 * "Must reset password at next logon": a RAM user whose login profile requires a reset signs in
 * and sees only the form that changes its password; the rest of the console is refused by the
 * server until then. Changing it clears the flag (verified through GetLoginProfile) and opens the
 * shell, and the old password no longer signs in.
 */

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  assertAccessible,
  browser,
  openPage,
  screenshot,
  signIn,
  skipWithoutBrowser,
} from './support/console-browser.js';
import { startConsoleServer } from './support/console-server.js';

const skip = skipWithoutBrowser();
// Started once for the file, before its tests (not in a hook).
const s = skip === false ? await startConsoleServer() : undefined;
if (skip === false) await browser();

describe('must reset password at next logon', { skip }, () => {
  test('only the Change your password form, then the shell', async () => {
    const server = s!;
    const user = await server.addConsoleUser('ruth');
    const attached = await server.signed(server.root, 'AttachPolicyToUser', '2015-05-01', {
      PolicyType: 'System',
      PolicyName: 'AliyunRAMReadOnlyAccess',
      UserName: 'ruth',
    });
    assert.equal(attached.status, 200, attached.text);
    const required = await server.signed(server.root, 'UpdateLoginProfile', '2019-08-15', {
      UserPrincipalName: user.upn,
      PasswordResetRequired: 'true',
    });
    assert.equal(required.status, 200, required.text);

    const { page, assertClean, close } = await openPage(server.url);
    await page.goto('/console/signin');
    await page.getByLabel('Account ID or user principal name').fill(user.upn);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Sign In' }).click();
    await page.getByRole('heading', { name: 'Change your password' }).waitFor();
    assert.equal(await page.getByRole('navigation', { name: 'Console navigation' }).count(), 0);
    await screenshot(page, 'password-reset');
    await assertAccessible(page, 'the password reset form');

    // Reaching a page by its address shows the same form; the server refuses the rest anyway.
    await page.goto('/console/users');
    await page.getByRole('heading', { name: 'Change your password' }).waitFor();
    const refused = await page.evaluate(async () => {
      const session = (await (await fetch('/console/api/session')).json()) as { CsrfToken: string };
      const reply = await fetch('/console/api/actions/Ims/ListUsers', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-KeyFence-CSRF': session.CsrfToken },
        body: '{}',
      });
      return { status: reply.status, code: ((await reply.json()) as { Code: string }).Code };
    });
    assert.deepEqual(refused, { status: 403, code: 'ConsolePasswordResetRequired' });

    // A wrong current password is the action's own error, on the form.
    const newPassword = 'ruth new console password';
    await page.getByLabel('Current password').fill('not the password at all');
    await page.getByLabel('New password', { exact: true }).fill(newPassword);
    await page.getByLabel('Confirm new password').fill(newPassword);
    await page.getByRole('button', { name: 'Change Password' }).click();
    await page.getByRole('alert').filter({ hasText: 'OldPassword' }).waitFor();
    await screenshot(page, 'password-reset-error');

    await page.getByLabel('Current password').fill(user.password);
    await page.getByRole('button', { name: 'Change Password' }).click();
    await page.getByRole('navigation', { name: 'Console navigation' }).waitFor();
    await page.getByRole('heading', { name: 'Users' }).waitFor();
    await screenshot(page, 'password-reset-done');

    // The flag is cleared on the profile, and only the new password signs in.
    const profile = await server.signed(server.root, 'GetLoginProfile', '2019-08-15', {
      UserPrincipalName: user.upn,
    });
    assert.equal(profile.status, 200, profile.text);
    assert.equal(profile.body.LoginProfile.PasswordResetRequired, false);
    assertClean();
    await close();

    const again = await openPage(server.url);
    await signIn(again.page, user.upn, newPassword);
    again.assertClean();
    await again.close();
  });

  test('Sign Out leaves the form', async () => {
    const server = s!;
    const user = await server.addConsoleUser('saul');
    const required = await server.signed(server.root, 'UpdateLoginProfile', '2019-08-15', {
      UserPrincipalName: user.upn,
      PasswordResetRequired: 'true',
    });
    assert.equal(required.status, 200, required.text);
    const { page, assertClean, close } = await openPage(server.url);
    await page.goto('/console/signin');
    await page.getByLabel('Account ID or user principal name').fill(user.upn);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Sign In' }).click();
    await page.getByRole('heading', { name: 'Change your password' }).waitFor();
    await page.getByRole('button', { name: 'Sign Out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    assertClean();
    await close();
  });
});
