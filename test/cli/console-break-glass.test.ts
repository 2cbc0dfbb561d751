import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { verifyPassword } from '../../src/auth/password-hash.js';
import {
  type AccountId,
  DEFAULT_SECURITY_PREFERENCE,
  type KeyFenceStore,
  openStore,
  SQLITE_FILE_NAME,
} from '../../src/store/index.js';

const root = await mkdtemp(join(tmpdir(), 'keyfence-break-glass-'));
after(() => rm(root, { recursive: true, force: true }));

/** Runs the real CLI entry point in its own process, `input` on its standard input. */
function keyfence(
  args: readonly string[],
  input = '',
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

/** A data directory whose store holds `accounts` accounts. */
async function dataDir(name: string, accounts: number): Promise<{ data: string; accountIds: AccountId[] }> {
  const data = join(root, name);
  await mkdir(data);
  const store = await openStore({ dialect: 'sqlite', file: join(data, SQLITE_FILE_NAME) });
  try {
    const accountIds: AccountId[] = [];
    for (let i = 0; i < accounts; i++)
      accountIds.push((await store.write((tx) => tx.createAccount())).accountId);
    return { data, accountIds };
  } finally {
    await store.close();
  }
}

const recent = (accountId: AccountId) =>
  ({
    accountId,
    from: new Date(0),
    to: new Date(Date.now() + 60_000),
    order: 'newest-first',
    limit: 10,
  }) as const;

async function withStore<T>(data: string, read: (store: KeyFenceStore) => Promise<T>): Promise<T> {
  const store = await openStore({ dialect: 'sqlite', file: join(data, SQLITE_FILE_NAME) });
  try {
    return await read(store);
  } finally {
    await store.close();
  }
}

describe('keyfence console set-root-password', () => {
  test("sets the only account's root password from stdin, ends root's sessions, audits it", async () => {
    const { data, accountIds } = await dataDir('one', 1);
    const accountId = accountIds[0]!;
    await withStore(data, (store) =>
      store.write((tx) =>
        tx.createConsoleSession({
          idHash: 'a'.repeat(64),
          accountId,
          principal: { type: 'root' },
          expiresAt: new Date(Date.now() + 3_600_000),
          sourceIp: '203.0.113.9',
          userAgent: 'test',
          csrfToken: 'csrf',
          authMethods: ['password'],
        }),
      ),
    );
    const r = await keyfence(['console', 'set-root-password', '--data', data], 'break glass password\n');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`account ${accountId}`));
    assert.ok(!r.stdout.includes('break glass'), 'the password is never echoed');
    await withStore(data, async (store) => {
      const stored = await store.rootConsolePassword(accountId);
      assert.ok(stored);
      assert.equal(await verifyPassword('break glass password', stored.passwordHash), true);
      assert.equal(await store.consoleSession('a'.repeat(64)), undefined);
      assert.deepEqual(await store.accountsWithoutRootPassword(), []);
      const { events } = await store.lookupAuditEvents(recent(accountId));
      const event = JSON.parse(events[0]!.document);
      assert.equal(event.eventType, 'ConsoleOperation');
      assert.equal(event.eventName, 'SetRootConsolePassword');
      assert.equal(event.userIdentity.accessKeyId, null);
      assert.ok(!events[0]!.document.includes('break glass'));
    });
  });

  test('refuses a short password, an ambiguous or unknown account and a missing store, changing nothing', async () => {
    const { data, accountIds } = await dataDir('two', 2);
    const short = await keyfence(
      ['console', 'set-root-password', '--data', data, '--account', accountIds[0]!],
      'short\n',
    );
    assert.equal(short.code, 1);
    assert.match(short.stderr, /^keyfence console set-root-password: .*at least 12 characters/);
    const ambiguous = await keyfence(
      ['console', 'set-root-password', '--data', data],
      'long enough password\n',
    );
    assert.equal(ambiguous.code, 1);
    assert.match(ambiguous.stderr, /several accounts; name one with --account/);
    const unknown = await keyfence(
      ['console', 'set-root-password', '--data', data, '--account', '1000000000000000'],
      'long enough password\n',
    );
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /account does not exist/);
    const missing = await keyfence(
      ['console', 'set-root-password', '--data', join(root, 'none')],
      'long enough password\n',
    );
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /there is no store at /);
    await withStore(data, async (store) =>
      assert.deepEqual((await store.accountsWithoutRootPassword()).sort(), [...accountIds].sort()),
    );
    const named = await keyfence(
      ['console', 'set-root-password', '--data', data, '--account', accountIds[1]!],
      'long enough password\r\n',
    );
    assert.equal(named.code, 0, named.stderr);
    await withStore(data, async (store) => {
      assert.deepEqual(await store.accountsWithoutRootPassword(), [accountIds[0]]);
      const stored = await store.rootConsolePassword(accountIds[1]!);
      assert.equal(await verifyPassword('long enough password', stored!.passwordHash), true);
    });
  });
});

describe('keyfence security reset-logon-mask', () => {
  test('clears the mask, keeps the rest of the preference, audits it', async () => {
    const { data, accountIds } = await dataDir('mask', 1);
    const accountId = accountIds[0]!;
    const locked = {
      ...DEFAULT_SECURITY_PREFERENCE,
      loginSessionDuration: 9,
      loginNetworkMasks: '192.0.2.0/24',
    };
    await withStore(data, (store) => store.write((tx) => tx.setSecurityPreference(accountId, locked)));
    const r = await keyfence(['security', 'reset-logon-mask', '--data', data, '--account', accountId]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /it was 192\.0\.2\.0\/24/);
    await withStore(data, async (store) => {
      const preference = await store.securityPreference(accountId);
      assert.equal(preference.loginNetworkMasks, '');
      assert.equal(preference.loginSessionDuration, 9);
      const { events } = await store.lookupAuditEvents(recent(accountId));
      assert.equal(JSON.parse(events[0]!.document).eventName, 'ResetLogonMask');
    });
    const noAccount = await keyfence(['security', 'reset-logon-mask', '--data', data]);
    assert.equal(noAccount.code, 1);
    const badAccount = await keyfence(['security', 'reset-logon-mask', '--data', data, '--account', 'x']);
    assert.equal(badAccount.code, 1);
    assert.match(badAccount.stderr, /--account: expected an account ID/);
  });
});
