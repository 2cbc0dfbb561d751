import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type {
  AccountId,
  ConsolePrincipal,
  KeyFenceStore,
  NewConsoleSession,
  UserId,
  UserName,
} from '../../src/store/index.js';
import { DEFAULT_SECURITY_PREFERENCE } from '../../src/store/index.js';
import { useDialects } from './support/dialects.js';
import { newAccount, rawRows, rejectsWith, storeHarness } from './support/store-harness.js';

const user = (name: string) => name as UserName;
const hash = (n: number) => n.toString(16).padStart(64, '0');

// The web console's data (docs/store.md, "Console data"), against every database the store supports.
for (const fixture of useDialects()) {
  describe(`console data on ${fixture.name}`, () => {
    const harness = storeHarness(fixture);
    let now = new Date('2026-03-04T05:06:07Z');
    let store: KeyFenceStore;
    let config: Awaited<ReturnType<typeof harness.fresh>>['config'];
    let accountId: AccountId;
    before(async () => {
      ({ store, config } = await harness.fresh({ clock: () => now }));
      accountId = await newAccount(store);
    });

    const createUser = async (name: string) =>
      (await store.write((tx) => tx.createUser(accountId, { userName: user(name) }))).userId;
    const session = (n: number, principal: ConsolePrincipal): NewConsoleSession => ({
      idHash: hash(n),
      accountId,
      principal,
      expiresAt: new Date(now.getTime() + 3_600_000),
      sourceIp: '203.0.113.9',
      userAgent: 'test-agent',
      csrfToken: `csrf-${n}`,
      authMethods: ['password'],
    });

    test('login profiles: created, read, updated, deleted, refused twice', async () => {
      await createUser('alice');
      await rejectsWith(store.loginProfile(accountId, user('alice')), 'EntityNotExist.User.LoginProfile');
      await rejectsWith(store.loginProfile(accountId, user('nobody')), 'EntityNotExist.User');
      const created = await store.write((tx) =>
        tx.createLoginProfile(accountId, user('alice'), { passwordHash: 'h1', passwordResetRequired: true }),
      );
      assert.deepEqual(created, {
        accountId,
        userName: 'alice',
        userPrincipalName: `alice@${accountId}.onaliyun.com`,
        passwordHash: 'h1',
        passwordResetRequired: true,
        mfaBindRequired: false,
        status: 'Active',
        createdAt: now,
        updatedAt: now,
      });
      assert.deepEqual(await store.loginProfile(accountId, user('alice')), created);
      await rejectsWith(
        store.write((tx) => tx.createLoginProfile(accountId, user('alice'), { passwordHash: 'h2' })),
        'EntityAlreadyExists.User.LoginProfile',
      );
      await rejectsWith(
        store.write((tx) => tx.createLoginProfile(accountId, user('nobody'), { passwordHash: 'h2' })),
        'EntityNotExist.User',
      );
      const later = new Date(now.getTime() + 1000);
      now = later;
      const updated = await store.write((tx) =>
        tx.updateLoginProfile(accountId, user('alice'), {
          passwordHash: 'h2',
          status: 'Inactive',
          mfaBindRequired: true,
        }),
      );
      assert.equal(updated.passwordHash, 'h2');
      assert.equal(updated.status, 'Inactive');
      assert.equal(updated.passwordResetRequired, true);
      assert.equal(updated.mfaBindRequired, true);
      assert.deepEqual(updated.updatedAt, later);
      assert.deepEqual(await store.loginProfile(accountId, user('alice')), updated);
      await store.write((tx) => tx.deleteLoginProfile(accountId, user('alice')));
      await rejectsWith(store.loginProfile(accountId, user('alice')), 'EntityNotExist.User.LoginProfile');
      await rejectsWith(
        store.write((tx) => tx.deleteLoginProfile(accountId, user('alice'))),
        'EntityNotExist.User.LoginProfile',
      );
    });

    test('a login profile and the sessions of a user follow its rename and go with it', async () => {
      const userId = await createUser('bob');
      await store.write((tx) => tx.createLoginProfile(accountId, user('bob'), { passwordHash: 'h' }));
      const principal: ConsolePrincipal = { type: 'ram-user', userId, userName: user('bob') };
      await store.write((tx) => tx.createConsoleSession(session(100, principal)));
      await store.write((tx) => tx.updateUser(accountId, user('bob'), { newUserName: user('bobby') }));
      assert.equal((await store.loginProfile(accountId, user('bobby'))).passwordHash, 'h');
      assert.deepEqual((await store.consoleSession(hash(100)))?.principal, {
        type: 'ram-user',
        userId,
        userName: 'bobby',
      });
      await store.write((tx) => tx.deleteUser(accountId, user('bobby')));
      assert.equal(await store.consoleSession(hash(100)), undefined);
      const left = await rawRows(config, `select * from login_profiles where user_name = 'bobby'`);
      assert.equal(left.length, 0);
    });

    test('the root console password: absent, set, replaced; accounts without one', async () => {
      assert.equal(await store.rootConsolePassword(accountId), undefined);
      assert.ok((await store.accountsWithoutRootPassword()).includes(accountId));
      await store.write((tx) => tx.setRootConsolePassword(accountId, 'r1'));
      await store.write((tx) => tx.setRootConsolePassword(accountId, 'r2'));
      assert.deepEqual(await store.rootConsolePassword(accountId), {
        accountId,
        passwordHash: 'r2',
        updatedAt: now,
      });
      assert.ok(!(await store.accountsWithoutRootPassword()).includes(accountId));
      await rejectsWith(
        store.write((tx) => tx.setRootConsolePassword('1000000000000000' as AccountId, 'x')),
        'EntityNotExist.Account',
      );
    });

    test('the security preference: defaults, then set through the change log', async () => {
      assert.deepEqual(await store.securityPreference(accountId), {
        ...DEFAULT_SECURITY_PREFERENCE,
        version: 0,
      });
      await rejectsWith(store.securityPreference('1000000000000000' as AccountId), 'EntityNotExist.Account');
      const settings = {
        ...DEFAULT_SECURITY_PREFERENCE,
        loginSessionDuration: 12,
        allowUserToChangePassword: false,
        loginNetworkMasks: '192.0.2.0/24;2001:db8::/32',
        accessKeyRotationDays: 150,
      };
      const before = await store.currentVersion();
      const set = await store.write((tx) => tx.setSecurityPreference(accountId, settings));
      assert.deepEqual(set, { ...settings, version: before + 1 });
      assert.deepEqual(await store.securityPreference(accountId), set);
      const again = await store.write((tx) =>
        tx.setSecurityPreference(accountId, { ...settings, loginNetworkMasks: '' }),
      );
      assert.equal(again.version, before + 2);
      assert.equal((await store.securityPreference(accountId)).loginNetworkMasks, '');
      const changes = await store.changesSince(before);
      assert.deepEqual(
        changes.map((c) => ({ ...c, at: c.at.getTime() })),
        [
          {
            version: before + 1,
            at: now.getTime(),
            accountId,
            kind: 'security-preference.set',
            preference: settings,
          },
          {
            version: before + 2,
            at: now.getTime(),
            accountId,
            kind: 'security-preference.set',
            preference: { ...settings, loginNetworkMasks: '' },
          },
        ],
      );
    });

    test('console sessions: created, read, touched, acknowledged, deleted; not in the change log', async () => {
      const before = await store.currentVersion();
      const created = await store.write((tx) => tx.createConsoleSession(session(1, { type: 'root' })));
      assert.deepEqual(created, {
        idHash: hash(1),
        accountId,
        principal: { type: 'root' },
        createdAt: now,
        lastSeenAt: now,
        expiresAt: new Date(now.getTime() + 3_600_000),
        sourceIp: '203.0.113.9',
        userAgent: 'test-agent',
        csrfToken: 'csrf-1',
        authMethods: ['password'],
        rootAccessKeyAcknowledged: false,
      });
      assert.deepEqual(await store.consoleSession(hash(1)), created);
      assert.equal(await store.consoleSession(hash(2)), undefined);
      const createdAt = now;
      now = new Date(now.getTime() + 60_000);
      assert.equal(await store.write((tx) => tx.touchConsoleSession(hash(1))), true);
      assert.equal(await store.write((tx) => tx.touchConsoleSession(hash(2))), false);
      assert.equal(await store.write((tx) => tx.acknowledgeRootAccessKeys(hash(1))), true);
      const touched = await store.consoleSession(hash(1));
      assert.deepEqual(touched?.createdAt, createdAt);
      assert.deepEqual(touched?.lastSeenAt, now);
      assert.equal(touched?.rootAccessKeyAcknowledged, true);
      assert.equal(await store.write((tx) => tx.deleteConsoleSession(hash(1))), true);
      assert.equal(await store.write((tx) => tx.deleteConsoleSession(hash(1))), false);
      assert.equal(await store.consoleSession(hash(1)), undefined);
      assert.equal(await store.currentVersion(), before);
      await rejectsWith(
        store.write((tx) =>
          tx.createConsoleSession(
            session(3, { type: 'ram-user', userId: '1' as UserId, userName: user('ghost') }),
          ),
        ),
        'EntityNotExist.User',
      );
    });

    test("ending a principal's sessions spares other principals and the one kept", async () => {
      const carolId = await createUser('carol');
      const daveId = await createUser('dave');
      const carol: ConsolePrincipal = { type: 'ram-user', userId: carolId, userName: user('carol') };
      const dave: ConsolePrincipal = { type: 'ram-user', userId: daveId, userName: user('dave') };
      await store.write(async (tx) => {
        await tx.createConsoleSession(session(10, carol));
        await tx.createConsoleSession(session(11, carol));
        await tx.createConsoleSession(session(12, carol));
        await tx.createConsoleSession(session(13, dave));
        await tx.createConsoleSession(session(14, { type: 'root' }));
        await tx.createConsoleSession(session(15, { type: 'root' }));
      });
      assert.equal(await store.write((tx) => tx.deleteConsoleSessionsOf(accountId, carol, hash(11))), 2);
      assert.equal(await store.consoleSession(hash(10)), undefined);
      assert.ok(await store.consoleSession(hash(11)));
      assert.ok(await store.consoleSession(hash(13)));
      assert.ok(await store.consoleSession(hash(14)));
      assert.equal(await store.write((tx) => tx.deleteConsoleSessionsOf(accountId, { type: 'root' })), 2);
      assert.equal(await store.consoleSession(hash(15)), undefined);
      assert.ok(await store.consoleSession(hash(13)));
    });

    test('expired sessions are deleted by housekeeping, others kept', async () => {
      await store.write(async (tx) => {
        await tx.createConsoleSession({
          ...session(20, { type: 'root' }),
          expiresAt: new Date(now.getTime() - 1),
        });
        await tx.createConsoleSession({
          ...session(21, { type: 'root' }),
          expiresAt: new Date(now.getTime() + 1),
        });
      });
      assert.ok((await store.deleteExpiredConsoleSessions()) >= 1);
      assert.equal(await store.consoleSession(hash(20)), undefined);
      assert.ok(await store.consoleSession(hash(21)));
    });

    test('setup tokens: one per account, single use, not after expiry', async () => {
      const inAnHour = new Date(now.getTime() + 3_600_000);
      await store.write((tx) => tx.putConsoleSetupToken(accountId, hash(30), inAnHour));
      await store.write((tx) => tx.putConsoleSetupToken(accountId, hash(31), inAnHour));
      assert.equal(await store.write((tx) => tx.consumeConsoleSetupToken(hash(30))), undefined);
      assert.equal(await store.write((tx) => tx.consumeConsoleSetupToken(hash(31))), accountId);
      assert.equal(await store.write((tx) => tx.consumeConsoleSetupToken(hash(31))), undefined);
      await store.write((tx) => tx.putConsoleSetupToken(accountId, hash(32), new Date(now.getTime() + 10)));
      now = new Date(now.getTime() + 10);
      assert.equal(await store.write((tx) => tx.consumeConsoleSetupToken(hash(32))), undefined);
      assert.deepEqual(await rawRows(config, 'select * from console_setup_tokens'), []);
      await store.write((tx) => tx.putConsoleSetupToken(accountId, hash(33), inAnHour));
      const consumed = await Promise.all([
        store.write((tx) => tx.consumeConsoleSetupToken(hash(33))),
        store.write((tx) => tx.consumeConsoleSetupToken(hash(33))),
      ]);
      assert.deepEqual(
        consumed.filter((account) => account !== undefined),
        [accountId],
      );
    });
  });
}
