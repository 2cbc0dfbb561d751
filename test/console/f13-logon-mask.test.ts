import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  assertAccessible,
  openPage,
  screenshot,
  signIn,
  skipWithoutBrowser,
} from './support/console-browser.js';
import { consolePost } from './support/console-post.js';
import { startConsoleServer } from './support/console-server.js';

const OUTSIDE = '198.51.100.7';
const MASK_MESSAGE = `Sign-in from ${OUTSIDE} is not allowed by this account's logon mask.`;

describe('F13 Settings → Logon mask', { skip: skipWithoutBrowser() }, () => {
  test('the lockout guard, a mask saved, sign-in from outside refused, AccessKey calls unaffected', async () => {
    const s = await startConsoleServer();
    const storedMasks = async () => {
      const reply = await s.signed(s.root, 'GetSecurityPreference', '2019-08-15');
      assert.equal(reply.status, 200, reply.text);
      return reply.body.SecurityPreference.LoginProfilePreference.LoginNetworkMasks as string;
    };
    const { page, assertClean, close } = await openPage(s.url);
    await signIn(page, s.accountId, s.rootPassword);
    await page.getByRole('link', { name: 'Settings' }).click();
    const row = page.getByRole('region', { name: 'Logon mask' });
    await row.getByText('Any network').waitFor();
    await row.getByRole('button', { name: 'Modify' }).click();
    const drawer = page.getByRole('dialog', { name: 'Modify logon mask' });
    const masks = drawer.getByLabel('Logon masks');
    const ok = drawer.getByRole('button', { name: 'OK' });

    // Masks that leave out this session's address (127.0.0.1): refused unless acknowledged.
    await masks.fill('203.0.113.0/24, 2001:db8::/32');
    await drawer.getByText('These masks do not include your address, 127.0.0.1').waitFor();
    await drawer.getByText('2 / 40 masks, 28 / 512 characters').waitFor();
    assert.equal(await ok.isDisabled(), true);
    const acknowledge = drawer.getByRole('checkbox', { name: 'I will lose console access from 127.0.0.1' });
    await acknowledge.check();
    assert.equal(await ok.isEnabled(), true);
    await acknowledge.uncheck();
    assert.equal(await ok.isDisabled(), true);
    await screenshot(page, 'logon-mask');
    await assertAccessible(page, 'Settings with the logon mask drawer open');
    // The server holds the same line: without the acknowledgement, nothing is stored.
    const refused = await page.evaluate(async () => {
      const session = (await (await fetch('/console/api/session')).json()) as { CsrfToken: string };
      const answer = await fetch('/console/api/actions/Ims/SetSecurityPreference', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-keyfence-csrf': session.CsrfToken },
        body: JSON.stringify({ LoginNetworkMasks: '203.0.113.0/24' }),
      });
      return { status: answer.status, code: ((await answer.json()) as { Code: string }).Code };
    });
    assert.deepEqual(refused, { status: 400, code: 'ConsoleLockoutPrevented' });
    assert.equal(await storedMasks(), '');

    // Masks including it: saved as typed, canonical and `;`-joined.
    await masks.fill('127.0.0.0/8; 203.0.113.0/24');
    await drawer.getByText('Your address, 127.0.0.1, is inside these masks.').waitFor();
    await ok.click();
    await drawer.waitFor({ state: 'hidden' });
    await row.getByText('203.0.113.0/24').waitFor();
    await row.getByText('127.0.0.0/8').waitFor();
    assert.equal(await storedMasks(), '127.0.0.0/8;203.0.113.0/24');
    await assertAccessible(page, 'Settings with a logon mask');

    // Sign-in from outside the masks (through the trusted proxy): refused with the mask message.
    const outside = await consolePost(
      s.port,
      '/console/api/signin',
      { Principal: s.accountId, Password: s.rootPassword },
      { 'x-forwarded-for': OUTSIDE },
    );
    assert.equal(outside.status, 403, outside.text);
    assert.equal(outside.body.Code, 'ConsoleLogonMaskDenied');
    assert.equal(outside.body.Message, MASK_MESSAGE);
    assert.equal(outside.headers['set-cookie'], undefined);

    // The sign-in page says so to a browser behind that address.
    const away = await openPage(s.url);
    await away.page.setExtraHTTPHeaders({ 'x-forwarded-for': OUTSIDE });
    await away.page.goto('/console/signin');
    await away.page.getByLabel('Account ID or user principal name').fill(s.accountId);
    await away.page.getByLabel('Password').fill(s.rootPassword);
    await away.page.getByRole('button', { name: 'Sign In' }).click();
    await away.page.getByRole('alert').filter({ hasText: MASK_MESSAGE }).waitFor();
    away.assertClean();
    await away.close();

    // An AccessKey call from the same address is the network ACL's business, not the mask's.
    const call = await s.signed(s.root, 'GetCallerIdentity', '2015-04-01', {}, OUTSIDE);
    assert.equal(call.status, 200, call.text);
    const [denied] = await s.events({
      'LookupAttribute.1.Key': 'SourceIpAddress',
      'LookupAttribute.1.Value': OUTSIDE,
      'LookupAttribute.2.Key': 'EventName',
      'LookupAttribute.2.Value': 'ConsoleSignin',
    });
    assert.equal(denied?.errorCode, 'ConsoleLogonMaskDenied');

    // This session, inside the mask, goes on.
    await page.reload();
    await page.getByRole('region', { name: 'Logon mask' }).getByText('203.0.113.0/24').waitFor();
    assertClean();
    await close();
  });
});
