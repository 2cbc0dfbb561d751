import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import {
  assertAccessible,
  openPage,
  screenshot,
  signIn,
  skipWithoutBrowser,
} from './support/console-browser.js';
import { startConsoleServer } from './support/console-server.js';

const GENERIC = 'The account, user or password is wrong.';

/** One Sign In press on the sign-in page; the status the server answered. */
async function attempt(page: Page, principal: string, password: string): Promise<number> {
  await page.getByLabel('Account ID or user principal name').fill(principal);
  await page.getByLabel('Password').fill(password);
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/console/api/signin')),
    page.getByRole('button', { name: 'Sign In' }).click(),
  ]);
  return response.status();
}

describe('F2 sign-in failures, throttling, a RAM user by UPN', { skip: skipWithoutBrowser() }, () => {
  test('one generic error, a wait after five failures, every attempt in the audit log', async () => {
    const s = await startConsoleServer();
    const upn = `alice@${s.accountId}.onaliyun.com`;
    const failing = await openPage(s.url);
    const page = failing.page;
    await page.goto('/console/signin');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    const error = page.getByRole('alert');

    // A wrong password and an unknown user read the same.
    assert.equal(await attempt(page, s.accountId, 'not the root password'), 401);
    assert.equal((await error.textContent())?.trim(), GENERIC);
    await screenshot(page, 'signin-error');
    await assertAccessible(page, 'the sign-in page with its error');
    assert.equal(await attempt(page, upn, 'alice has no user yet'), 401);
    assert.equal((await error.textContent())?.trim(), GENERIC);

    // A RAM user gets console access through the API's CreateLoginProfile, then signs in by UPN.
    const created = await s.signed(s.root, 'CreateUser', '2019-08-15', {
      UserPrincipalName: upn,
      DisplayName: 'Alice',
    });
    assert.equal(created.status, 200, created.text);
    const attached = await s.signed(s.root, 'AttachPolicyToUser', '2015-05-01', {
      PolicyType: 'System',
      PolicyName: 'AliyunRAMReadOnlyAccess',
      UserName: 'alice',
    });
    assert.equal(attached.status, 200, attached.text);
    const profile = await s.signed(s.root, 'CreateLoginProfile', '2019-08-15', {
      UserPrincipalName: upn,
      Password: 'alice console password',
    });
    assert.equal(profile.status, 200, profile.text);
    const alice = await openPage(s.url);
    await signIn(alice.page, upn, 'alice console password');
    await alice.page.getByText(`${upn} (RAM user)`).waitFor();
    assert.equal(await alice.page.getByRole('link', { name: 'Event Query' }).count(), 0);
    await alice.page.getByRole('link', { name: 'Users' }).first().waitFor();
    alice.assertClean();
    await alice.close();

    // Root reads the attempts on the Event Query page.
    const admin = await openPage(s.url);
    await signIn(admin.page, s.accountId, s.rootPassword);
    await admin.page.getByRole('link', { name: 'Event Query' }).click();
    await admin.page.getByRole('heading', { name: 'Event Query' }).waitFor();
    await admin.page.getByRole('combobox', { name: 'Filter 1 attribute' }).click();
    // antd keeps a hidden listbox for screen readers; the visible option carries the title.
    await admin.page.getByTitle('EventName', { exact: true }).click();
    await admin.page.getByLabel('Filter 1 value').fill('ConsoleSignin');
    await admin.page.getByRole('button', { name: 'Search' }).click();
    const rows = admin.page.getByRole('row').filter({ hasText: 'ConsoleSignin' });
    await rows.filter({ hasText: 'ConsoleSigninFailed.WrongPassword' }).first().waitFor();
    await rows.filter({ hasText: 'ConsoleSigninFailed.UnknownUser' }).first().waitFor();
    await rows.filter({ hasText: 'alice' }).filter({ hasText: 'Success' }).first().waitFor();
    // The unfiltered first page holds these rows too: wait for the filtered answer to replace it.
    const others = admin.page.getByRole('row').filter({ hasNotText: 'ConsoleSignin' });
    await others.nth(1).waitFor({ state: 'detached' });
    assert.equal(await others.count(), 1, 'the header row only: every event listed is a ConsoleSignin');
    await assertAccessible(admin.page, 'Event Query listing ConsoleSignin');
    admin.assertClean();
    await admin.close();

    // Five failures for one principal: the next attempt, right password or not, waits and says how long.
    for (let i = 0; i < 5; i++) assert.equal(await attempt(page, s.accountId, `wrong password ${i}`), 401);
    assert.equal(await attempt(page, s.accountId, s.rootPassword), 429);
    assert.match(
      (await error.textContent()) ?? '',
      /^Too many failed sign-ins\. Wait \d+ seconds? before trying again\.$/,
    );
    assert.equal(await page.getByRole('button', { name: 'Sign In' }).isDisabled(), true);
    await assertAccessible(page, 'the sign-in page, throttled');

    // Every attempt is a ConsoleSignin event, without the passwords.
    const events = await s.events({
      'LookupAttribute.1.Key': 'EventName',
      'LookupAttribute.1.Value': 'ConsoleSignin',
    });
    const codes = events.map((event) => event.errorCode);
    const count = (code: string | null) => codes.filter((c) => c === code).length;
    assert.equal(count('ConsoleSigninFailed.WrongPassword'), 6, JSON.stringify(codes));
    assert.equal(count('ConsoleSigninFailed.UnknownUser'), 1, JSON.stringify(codes));
    assert.equal(count('ConsoleSigninThrottled'), 1, JSON.stringify(codes));
    assert.equal(count(null), 2, JSON.stringify(codes));
    for (const event of events) assert.equal(event.eventType, 'ConsoleSignin');
    const text = JSON.stringify(events);
    for (const secret of ['not the root password', 'alice console password', s.rootPassword]) {
      assert.ok(!text.includes(secret), `a password in the audit log: ${secret}`);
    }

    failing.assertClean();
    await failing.close();
  });
});
