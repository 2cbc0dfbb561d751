/**
 * The Network Access Control panel as the flow tests reach it: the account-level panel from
 * Settings, and the stored policies read back through signed calls.
 */

import assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';
import type { Credentials } from '../../support/server-harness.js';
import type { ConsoleServer } from './console-server.js';

export const ACCOUNT_PANEL = 'Account-level Network Access Control';
export const ACCESS_KEY_ROW = 'Allowed source network address while calling APIs by AccessKey';
/**
 * Where the tests' own signed reads come from: the policies they submit allow it, and the impact
 * preview counts it like any other source, so flows that assert the preview read after it.
 */
export const ADMIN_IP = '203.0.113.1';

/** Settings → Network Access Control → Modify (account); the open drawer. */
export async function openAccountPanel(page: Page): Promise<Locator> {
  await page.goto('/console/settings');
  await page.getByRole('region', { name: ACCESS_KEY_ROW }).getByRole('button', { name: 'Modify' }).click();
  const drawer = page.getByRole('dialog', { name: ACCOUNT_PANEL });
  await drawer.getByRole('heading', { name: 'Policy Status' }).waitFor();
  return drawer;
}

/** The account-level document and version as `GetAccessKeyPolicyForAccount` answers them. */
export async function accountPolicy(s: ConsoleServer): Promise<{ policy: string; version: number }> {
  const reply = await s.signed(s.root, 'GetAccessKeyPolicyForAccount', '2019-08-15', {}, ADMIN_IP);
  assert.equal(reply.status, 200, reply.text);
  return { policy: reply.body.AccessKeyPolicy as string, version: reply.body.PolicyVersion as number };
}

/** A key's own document as `GetAccessKeyPolicy` answers it (a RAM user's key names its owner). */
export async function keyPolicy(s: ConsoleServer, key: Credentials, owner?: string): Promise<string> {
  const reply = await s.signed(
    s.root,
    'GetAccessKeyPolicy',
    '2019-08-15',
    {
      UserAccessKeyId: key.accessKeyId,
      ...(owner === undefined ? {} : { UserPrincipalName: owner }),
    },
    ADMIN_IP,
  );
  assert.equal(reply.status, 200, reply.text);
  return reply.body.AccessKeyPolicy as string;
}
