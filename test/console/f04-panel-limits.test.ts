import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import {
  assertAccessible,
  openPage,
  screenshot,
  signIn,
  skipWithoutBrowser,
} from './support/console-browser.js';
import { startConsoleServer } from './support/console-server.js';
import { accountPolicy, openAccountPanel } from './support/nac-panel.js';

/** A disabled button says why on hover: the tooltip sits on its wrapper (a disabled button gets no pointer events). */
async function assertExplained(page: Page, button: Locator, reason: string): Promise<void> {
  assert.equal(await button.isDisabled(), true, `${reason}: the button is enabled`);
  const tooltip = page.getByRole('tooltip', { name: reason });
  // Another button's tooltip with the same words must be gone first, or it would answer for this one.
  await page.mouse.move(0, 0);
  await tooltip.waitFor({ state: 'hidden' });
  await button.locator('xpath=..').hover();
  await tooltip.waitFor();
}

describe('F4 the panel at its limits, and Allow All', { skip: skipWithoutBrowser() }, () => {
  test('51 entries, 8 statements, one public statement: counters, disabled buttons that say why', async () => {
    const s = await startConsoleServer();
    const { page, assertClean, close } = await openPage(s.url);
    page.setDefaultTimeout(10_000);
    await signIn(page, s.accountId, s.rootPassword);
    const drawer = await openAccountPanel(page);
    await drawer.getByRole('radio', { name: 'Enable' }).check();

    const addPublic = drawer.getByRole('button', { name: 'Add Public Network Statement' });
    await addPublic.click();
    const entries = Array.from({ length: 51 }, (_, i) => `198.51.100.${i + 1}`);
    const publicEntries = drawer.getByRole('textbox', { name: 'Public network entries' });
    await publicEntries.fill(entries.slice(0, 50).join('\n'));
    const counter = drawer.getByText(/^\d+ \/ 50 entries/);
    await drawer.getByText('50 / 50 entries').waitFor();
    // At the limit already: red, and still submittable.
    assert.match((await counter.getAttribute('class')) ?? '', /ant-typography-danger/);
    const submit = drawer.getByRole('button', { name: 'Submit' });
    assert.equal(await submit.isEnabled(), true);
    await publicEntries.fill(entries.join('\n'));
    await drawer.getByText('51 / 50 entries').waitFor();
    await drawer.getByText(/has 51 IPList entries; the limit is 50/).waitFor();
    await assertExplained(page, submit, 'Fix the error first');

    // A second public statement: there is only ever one.
    await assertExplained(page, addPublic, 'At most 1 public statement');

    // 1 public + 7 VPC statements: the 8 the deployment allows, and no 9th.
    const addVpc = drawer.getByRole('button', { name: 'Add VPC Statement' });
    for (let n = 1; n <= 7; n++) {
      await addVpc.click();
      await drawer.getByRole('textbox', { name: `VPC ID of VPC statement ${n}` }).fill(`vpc-f4test${n}`);
      await drawer.getByRole('textbox', { name: `VPC entries of vpc-f4test${n}` }).fill(`10.${n}.0.0/16`);
    }
    const full = 'At most 8 statements (1 public + 7 VPC here)';
    await assertExplained(page, drawer.getByRole('button', { name: 'Allow All VPC Network Access' }), full);
    // The red counter and the VPC buttons in one view, the tooltip on the 9th statement's button.
    await drawer
      .getByText('51 / 50 entries')
      .evaluate((element) => element.scrollIntoView({ block: 'start' }));
    await assertExplained(page, addVpc, full);
    await screenshot(page, 'acct-panel-limits', { fullPage: false });
    await assertAccessible(page, 'the account-level panel at its limits');

    // Nothing of this was stored: Cancel asks first, since the draft is dirty.
    await drawer.getByRole('button', { name: 'Cancel' }).click();
    const discard = page.getByRole('dialog', { name: 'Discard your changes?' });
    await discard.getByRole('button', { name: 'Discard' }).click();
    await drawer.waitFor({ state: 'detached' });
    assert.deepEqual(await accountPolicy(s), { policy: '{}', version: 0 });
    assertClean();
    await close();
  });

  test('Allow All Public and Allow All VPC insert 0.0.0.0/0 ::/0 and AllowAllVPC, with their warnings', async () => {
    const s = await startConsoleServer();
    const { page, assertClean, close } = await openPage(s.url);
    page.setDefaultTimeout(10_000);
    await signIn(page, s.accountId, s.rootPassword);
    const drawer = await openAccountPanel(page);
    await drawer.getByRole('radio', { name: 'Enable' }).check();

    await drawer.getByRole('button', { name: 'Allow All Public Network Access' }).click();
    assert.equal(
      await drawer.getByRole('textbox', { name: 'Public network entries' }).inputValue(),
      '0.0.0.0/0\n::/0',
    );
    const publicChips = drawer.getByRole('list', { name: 'Public statement chips' });
    await publicChips.getByRole('button', { name: /^0\.0\.0\.0\/0 \(/ }).waitFor();
    await publicChips.getByRole('button', { name: /^::\/0 \(/ }).waitFor();
    await drawer
      .getByText('All public IPv4 and IPv6 addresses are allowed: this public statement restricts nothing')
      .waitFor();
    // Twice is once: the entries are there already.
    await drawer.getByRole('button', { name: 'Allow All Public Network Access' }).click();
    assert.equal(await publicChips.getByRole('listitem').count(), 2);

    await drawer.getByRole('button', { name: 'Allow All VPC Network Access' }).click();
    assert.equal(
      await drawer.getByRole('textbox', { name: 'VPC ID of VPC statement 1' }).inputValue(),
      'AllowAllVPC',
    );
    assert.equal(
      await drawer.getByRole('textbox', { name: 'VPC entries of AllowAllVPC' }).inputValue(),
      '0.0.0.0/0\n::/0',
    );
    await drawer
      .getByText(/^AllowAllVPC allows access from all IP addresses within all VPCs across all accounts/)
      .waitFor();
    await drawer.getByText('No VPC statement', { exact: false }).waitFor({ state: 'detached' });
    await drawer
      .getByRole('list', { name: 'Chips of VPC statement 1' })
      .evaluate((element) => element.scrollIntoView({ block: 'end' }));
    await screenshot(page, 'allow-all', { fullPage: false });
    await assertAccessible(page, 'the account-level panel allowing all');

    await drawer.getByRole('button', { name: 'Submit' }).click();
    const confirm = page.getByRole('dialog', { name: 'Confirm Submission' });
    await confirm
      .getByRole('textbox', { name: `Enter the account ID ${s.accountId} to confirm` })
      .fill(s.accountId);
    await confirm.getByRole('button', { name: 'OK' }).click();
    await page
      .getByRole('dialog', { name: 'Propagation receipt' })
      .getByText(/^Enforced by 1 of 1 nodes at /)
      .waitFor();
    assert.deepEqual(JSON.parse((await accountPolicy(s)).policy), {
      Version: 1,
      Status: 'Active',
      Statements: [
        { Type: 'ClassicWhiteList', IPList: ['0.0.0.0/0', '::/0'] },
        { Type: 'VPCWhiteList', Value: 'AllowAllVPC', IPList: ['0.0.0.0/0', '::/0'] },
      ],
    });
    // Enforced, and restricting nothing: any public source, and a VPC of any account.
    for (const [from, vpc] of [
      ['198.51.100.7', undefined],
      ['2001:db8::7', undefined],
      ['10.1.2.3', 'vpc-anyaccount1'],
    ] as const) {
      const reply = await s.signed(s.root, 'GetCallerIdentity', '2015-04-01', {}, from, vpc);
      assert.equal(reply.status, 200, `${from} ${vpc ?? ''}: ${reply.text}`);
    }
    assertClean();
    await close();
  });
});
