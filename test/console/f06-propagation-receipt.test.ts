import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { call } from '../support/server-harness.js';
import {
  assertAccessible,
  openPage,
  screenshot,
  signIn,
  skipWithoutBrowser,
} from './support/console-browser.js';
import { startConsoleServer } from './support/console-server.js';
import { ACCESS_KEY_ROW, ADMIN_IP, accountPolicy, openAccountPanel } from './support/nac-panel.js';

const DENIED = 'InvalidAccessKeyId.AccessPolicyDenied';

describe('F6 Submit: the propagation receipt across two nodes, then enforcement', {
  skip: skipWithoutBrowser(),
}, () => {
  test('"Enforced by 2 of 2 nodes"; a signed call from 198.51.100.7 is then denied on both', async () => {
    const s = await startConsoleServer();
    const alice = await s.addConsoleUser('alice');
    const before = await s.signed(alice.key, 'GetCallerIdentity', '2015-04-01', {}, '198.51.100.7');
    assert.equal(before.status, 200, before.text);
    await s.sink.flush();
    const second = await s.addNode('node-b');

    const { page, assertClean, close } = await openPage(s.url);
    page.setDefaultTimeout(10_000);
    await signIn(page, s.accountId, s.rootPassword);
    const drawer = await openAccountPanel(page);
    await drawer.getByRole('radio', { name: 'Enable' }).check();
    await drawer.getByRole('button', { name: 'Add Public Network Statement' }).click();
    await drawer.getByRole('textbox', { name: 'Public network entries' }).fill('203.0.113.0/24');
    await drawer.getByRole('button', { name: 'Submit' }).click();
    const confirm = page.getByRole('dialog', { name: 'Confirm Submission' });
    await confirm
      .getByRole('textbox', { name: `Enter the account ID ${s.accountId} to confirm` })
      .fill(s.accountId);
    await confirm.getByRole('button', { name: 'Deny 1 call and submit' }).click();

    const receipt = page.getByRole('dialog', { name: 'Propagation receipt' });
    const committed = receipt.getByRole('heading', {
      name: /^Committed as policy version \d+ at \d\d:\d\d:\d\d\.\d{3}$/,
    });
    await committed.waitFor();
    const version = Number(/version (\d+)/.exec((await committed.textContent()) ?? '')![1]);
    await receipt.getByText(/^Enforced by 2 of 2 nodes at \d\d:\d\d:\d\d\.\d{3} \(\d+\.\d\d s\)$/).waitFor();
    await receipt.getByRole('link', { name: 'Open Propagation' }).waitFor();
    await screenshot(page, 'receipt', { fullPage: false });
    await assertAccessible(page, 'the propagation receipt');

    // What the receipt says, the API says.
    assert.equal((await accountPolicy(s)).version, version);
    const status = await s.signed(
      s.root,
      'GetPolicyVersionStatus',
      '2019-08-15',
      { PolicyVersion: String(version) },
      ADMIN_IP,
    );
    assert.equal(status.status, 200, status.text);
    assert.equal(status.body.Enforced, true);
    assert.equal(status.body.EnforcingNodes, 2);
    // And both nodes deny the address the change left out.
    const denied = await s.signed(alice.key, 'GetCallerIdentity', '2015-04-01', {}, '198.51.100.7');
    assert.equal(denied.body.Code, DENIED, denied.text);
    const deniedThere = await call(second.port, {
      action: 'GetCallerIdentity',
      version: '2015-04-01',
      credentials: alice.key,
      params: {},
      headers: { 'x-forwarded-for': '198.51.100.7' },
    });
    assert.equal(deniedThere.body.Code, DENIED, deniedThere.text);
    const allowed = await s.signed(alice.key, 'GetCallerIdentity', '2015-04-01', {}, '203.0.113.9');
    assert.equal(allowed.status, 200, allowed.text);

    // Close: the panel goes with the receipt, and Settings reads the new state.
    await receipt.getByRole('button', { name: 'Close' }).first().click();
    await drawer.waitFor({ state: 'detached' });
    const row = page.getByRole('region', { name: ACCESS_KEY_ROW });
    await row.getByText('Enabled', { exact: true }).waitFor();
    await row.getByText(`Version ${version}`).waitFor();
    await row.getByText(/^Effective on 2\/2 nodes/).waitFor();
    assertClean();
    await close();
  });
});
