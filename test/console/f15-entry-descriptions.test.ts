import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  assertAccessible,
  openPage,
  screenshot,
  signIn,
  skipWithoutBrowser,
} from './support/console-browser.js';
import { type ConsoleServer, startConsoleServer } from './support/console-server.js';
import { ADMIN_IP, accountPolicy, openAccountPanel } from './support/nac-panel.js';

interface Described {
  readonly StatementType: string;
  readonly Entry: string;
  readonly Description?: string;
  readonly Parked: boolean;
}

/** GetAccessKeyPolicyDescriptions of the account, by entry. */
async function descriptions(s: ConsoleServer): Promise<Described[]> {
  const reply = await s.signed(s.root, 'GetAccessKeyPolicyDescriptions', '2026-12-01', {}, ADMIN_IP);
  assert.equal(reply.status, 200, reply.text);
  return [...(reply.body.Entries as Described[])].sort((a, b) => a.Entry.localeCompare(b.Entry));
}

const publicEntry = (Entry: string, Description: string | undefined, Parked = false): Described => ({
  StatementType: 'ClassicWhiteList',
  Entry,
  ...(Description === undefined ? {} : { Description }),
  Parked,
});

/** A signed call on root's key from `from`: allowed by the account-level policy or not. */
async function passes(s: ConsoleServer, from: string): Promise<boolean> {
  const reply = await s.signed(s.root, 'GetCallerIdentity', '2015-04-01', {}, from);
  if (reply.status === 200) return true;
  assert.equal(reply.body.Code, 'InvalidAccessKeyId.AccessPolicyDenied', reply.text);
  return false;
}

describe('F15 entry descriptions and parked entries', { skip: skipWithoutBrowser() }, () => {
  test('described and parked beside the document, kept or dropped by an SDK Set, an earlier version restored from history with them', async () => {
    const s = await startConsoleServer();
    const { page, assertClean, close } = await openPage(s.url);
    page.setDefaultTimeout(10_000);
    await signIn(page, s.accountId, s.rootPassword);
    let drawer = await openAccountPanel(page);
    await drawer.getByRole('radio', { name: 'Enable' }).check();
    await drawer.getByRole('button', { name: 'Add Public Network Statement' }).click();
    const entries = drawer.getByRole('textbox', { name: 'Public network entries' });
    // A pasted list with comments: `# text` is the entry's description.
    await entries.fill('203.0.113.0/24 # office NAT\n198.51.100.7 # build server\n192.0.2.10');
    const chips = drawer.getByRole('list', { name: 'Public statement chips' });
    await chips.getByRole('button', { name: '203.0.113.0/24 · office NAT (valid)' }).waitFor();

    // A description typed on the chip, then the entry parked: kept, out of the document.
    await chips.getByRole('button', { name: '192.0.2.10 (valid)' }).click();
    const details = page.getByRole('tooltip', { name: '192.0.2.10' });
    await details.getByRole('textbox', { name: 'Description of 192.0.2.10' }).fill('old VPN');
    await details.getByRole('textbox', { name: 'Description of 192.0.2.10' }).press('Tab');
    await chips.getByRole('button', { name: '192.0.2.10 · old VPN (valid)' }).waitFor();
    assert.match(await entries.inputValue(), /^192\.0\.2\.10 # old VPN$/m);
    await details.getByRole('switch', { name: 'Park 192.0.2.10' }).click();
    await chips.getByRole('button', { name: '192.0.2.10 · old VPN (parked)' }).waitFor();
    await drawer.getByText('2 / 50 entries, 1 parked').waitFor();
    await screenshot(page, 'descriptions', { fullPage: false });
    await assertAccessible(page, 'the panel with a described and a parked entry');
    await page.keyboard.press('Escape');

    await drawer.getByRole('button', { name: 'Submit' }).click();
    const confirm = page.getByRole('dialog', { name: 'Confirm Submission' });
    await confirm.getByText('+ 198.51.100.7').waitFor();
    assert.equal(await confirm.getByText('+ 192.0.2.10').count(), 0, 'a parked entry is not in the document');
    await confirm
      .getByRole('textbox', { name: `Enter the account ID ${s.accountId} to confirm` })
      .fill(s.accountId);
    await confirm.getByRole('button', { name: 'OK' }).click();
    const receipt = page.getByRole('dialog', { name: 'Propagation receipt' });
    await receipt.getByText(/^Enforced by 1 of 1 nodes at /).waitFor();
    await receipt.getByRole('button', { name: 'Close' }).first().click();
    await drawer.waitFor({ state: 'detached' });

    // The document as SDKs read it: no description, no parked entry.
    const first = await accountPolicy(s);
    assert.deepEqual(JSON.parse(first.policy), {
      Version: 1,
      Status: 'Active',
      Statements: [{ Type: 'ClassicWhiteList', IPList: ['203.0.113.0/24', '198.51.100.7'] }],
    });
    assert.deepEqual(await descriptions(s), [
      publicEntry('192.0.2.10', 'old VPN', true),
      publicEntry('198.51.100.7', 'build server'),
      publicEntry('203.0.113.0/24', 'office NAT'),
    ]);
    assert.equal(await passes(s, '192.0.2.10'), false, 'a parked entry allows nothing');

    // An SDK's Set, without EntryDescriptions: the surviving entry keeps its description, the
    // removed one loses it, the parked one stays parked.
    const sdk = await s.signed(
      s.root,
      'SetAccessKeyPolicyForAccount',
      '2019-08-15',
      {
        AccessKeyPolicy: JSON.stringify({
          Version: 1,
          Status: 'Active',
          Statements: [{ Type: 'ClassicWhiteList', IPList: ['203.0.113.0/24', '198.51.100.0/24'] }],
        }),
      },
      ADMIN_IP,
    );
    assert.equal(sdk.status, 200, sdk.text);
    assert.deepEqual(await descriptions(s), [
      publicEntry('192.0.2.10', 'old VPN', true),
      publicEntry('203.0.113.0/24', 'office NAT'),
    ]);
    const second = await accountPolicy(s);
    assert.equal(second.version, sdk.body.PolicyVersion);
    assert.doesNotMatch(second.policy, /office|VPN|192\.0\.2\.10/);

    // Policy history keeps every version's document and descriptions: the latest (the SDK's) is
    // in force; the console's earlier one is restored with its descriptions and parked entry.
    await page.goto('/console/history?scope=account');
    const restore = page.getByRole('button', { name: 'Restore this version' });
    await page.getByRole('radio', { name: `Show version ${second.version}` }).check();
    assert.equal(await restore.isDisabled(), true, 'the version in force is not restored');
    await page.getByRole('radio', { name: `Show version ${first.version}` }).check();
    await page
      .getByRole('cell', { name: /"Description": "build server"/ })
      .first()
      .waitFor();
    await assertAccessible(page, 'Policy history');
    await restore.click();

    drawer = page.getByRole('dialog', { name: 'Account-level Network Access Control' });
    await chips.getByRole('button', { name: '203.0.113.0/24 · office NAT (valid)' }).waitFor();
    await chips.getByRole('button', { name: '198.51.100.7 · build server (valid)' }).waitFor();
    await chips.getByRole('button', { name: '192.0.2.10 · old VPN (parked)' }).click();
    // Re-enabling a parked entry is one click, and a normal change.
    await page
      .getByRole('tooltip', { name: '192.0.2.10' })
      .getByRole('switch', { name: 'Park 192.0.2.10' })
      .click();
    await chips.getByRole('button', { name: '192.0.2.10 · old VPN (valid)' }).waitFor();
    await page.keyboard.press('Escape');
    await drawer.getByRole('button', { name: 'Submit' }).click();
    await confirm.getByText('+ 192.0.2.10').waitFor();
    await confirm
      .getByRole('textbox', { name: `Enter the account ID ${s.accountId} to confirm` })
      .fill(s.accountId);
    await confirm.getByRole('button', { name: /^(OK|Deny .* calls? and submit)$/ }).click();
    await receipt.getByText(/^Enforced by 1 of 1 nodes at /).waitFor();

    assert.deepEqual(JSON.parse((await accountPolicy(s)).policy).Statements, [
      { Type: 'ClassicWhiteList', IPList: ['203.0.113.0/24', '198.51.100.7', '192.0.2.10'] },
    ]);
    assert.deepEqual(await descriptions(s), [
      publicEntry('192.0.2.10', 'old VPN'),
      publicEntry('198.51.100.7', 'build server'),
      publicEntry('203.0.113.0/24', 'office NAT'),
    ]);
    assert.equal(await passes(s, '192.0.2.10'), true);
    assertClean();
    await close();
  });
});
