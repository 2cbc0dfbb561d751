import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ChangeRecord, SnapshotAccessKey, SnapshotAccount, UserName } from '../../../src/store/index.js';
import type { DialectFixture } from '../support/dialects.js';
import { classicPolicy } from '../support/policies.js';
import { newAccount, rejectsWith, storeHarness } from '../support/store-harness.js';

const user = (name: string) => name as UserName;
const at = new Date('2026-04-01T12:00:00Z');

export function changeLogContract(fixture: DialectFixture): void {
  describe('change log and snapshot', () => {
    const harness = storeHarness(fixture);

    test('records every mutation once, in order, with versions 1, 2, 3, ...', async () => {
      const { store } = await harness.fresh({ clock: () => at });
      assert.equal(await store.currentVersion(), 0);
      const accountId = await newAccount(store);
      await store.write((tx) => tx.createUser(accountId, { userName: user('u') }));
      const key = await store.write((tx) => tx.createAccessKey(accountId, { userName: user('u') }));
      const policy = classicPolicy('192.0.2.9');
      await store.write((tx) => tx.setPolicy({ scope: 'account', accountId }, policy, { actor: 'a' }));
      await store.write((tx) => tx.updateAccessKey(accountId, key.accessKeyId, { status: 'Inactive' }));
      await store.write((tx) => tx.deleteAccessKey(accountId, key.accessKeyId, { actor: 'a' }));
      await store.write((tx) => tx.deleteUser(accountId, user('u')));
      const expected: ChangeRecord[] = [
        { version: 1, at, accountId, kind: 'account.created' },
        { version: 2, at, accountId, kind: 'user.created', userName: user('u') },
        {
          version: 3,
          at,
          accountId,
          kind: 'key.created',
          accessKeyId: key.accessKeyId,
          userName: user('u'),
          status: 'Active',
        },
        { version: 4, at, accountId, kind: 'policy.account.set', policy, rolledBackTo: null },
        { version: 5, at, accountId, kind: 'key.updated', accessKeyId: key.accessKeyId, status: 'Inactive' },
        { version: 6, at, accountId, kind: 'key.deleted', accessKeyId: key.accessKeyId },
        { version: 7, at, accountId, kind: 'user.deleted', userName: user('u') },
      ];
      assert.deepEqual(await store.changesSince(0), expected);
      assert.deepEqual(await store.changesSince(2, 3), expected.slice(2, 5));
      assert.deepEqual(await store.changesSince(7), []);
      assert.equal(await store.currentVersion(), 7);
    });

    test('a write transaction commits all of its changes or none', async () => {
      const { store } = await harness.fresh();
      const accountId = await newAccount(store);
      await assert.rejects(
        store.write(async (tx) => {
          await tx.createUser(accountId, { userName: user('a') });
          await tx.createAccessKey(accountId, { userName: user('a') });
          throw new Error('changed my mind');
        }),
        /changed my mind/,
      );
      assert.equal(await store.currentVersion(), 1);
      await rejectsWith(store.getUser(accountId, user('a')), 'EntityNotExist.User');
      await store.write(async (tx) => {
        await tx.createUser(accountId, { userName: user('a') });
        await tx.createAccessKey(accountId, { userName: user('a') });
      });
      assert.deepEqual(
        (await store.changesSince(1)).map((c) => [c.version, c.kind]),
        [
          [2, 'user.created'],
          [3, 'key.created'],
        ],
      );
    });

    test('a snapshot has everything the decision index needs, in pages, at one version', async () => {
      const { store, config } = await harness.fresh();
      const accountIds = [await newAccount(store), await newAccount(store)].sort();
      const policy = classicPolicy('198.51.100.0/24');
      const accountPolicy = await store.write((tx) =>
        tx.setPolicy({ scope: 'account', accountId: accountIds[0]! }, policy, { actor: 'a' }),
      );
      const requests = Array.from({ length: 25 }, (_, i) => (i % 3 === 0 ? { policy } : {}));
      const keys = await store.write((tx) => tx.createAccessKeys(accountIds[1]!, requests, { actor: 'a' }));
      const version = await store.currentVersion();
      const other = await harness.open(config);

      const seen = await store.snapshot(
        async (snapshot) => {
          // Committed by another connection while the snapshot is open: not part of it.
          await other.write((tx) => tx.createAccessKey(accountIds[0]!));
          const accounts: SnapshotAccount[] = [];
          const accessKeys: SnapshotAccessKey[] = [];
          const pageSizes: number[] = [];
          for await (const page of snapshot.accounts()) accounts.push(...page);
          for await (const page of snapshot.accessKeys()) {
            pageSizes.push(page.length);
            accessKeys.push(...page);
          }
          return { version: snapshot.version, accounts, accessKeys, pageSizes };
        },
        { pageSize: 10 },
      );
      assert.equal(seen.version, version);
      assert.deepEqual(seen.pageSizes, [10, 10, 5]);
      // In whatever order the database reads fastest.
      const accounts = [...seen.accounts].sort((a, b) => (a.accountId < b.accountId ? -1 : 1));
      assert.deepEqual(accounts, [
        { accountId: accountIds[0], policy, policyVersion: accountPolicy.version },
        { accountId: accountIds[1], policy: null, policyVersion: 0 },
      ]);
      const byId = new Map(seen.accessKeys.map((k) => [k.accessKeyId, k]));
      assert.equal(byId.size, 25);
      keys.forEach((key, i) => {
        const entry = byId.get(key.accessKeyId);
        assert.equal(entry?.accountId, accountIds[1]);
        assert.equal(entry?.userName, null);
        assert.equal(entry?.status, 'Active');
        assert.equal(entry?.policy, i % 3 === 0 ? policy : null);
        assert.equal(entry!.policyVersion > 0, i % 3 === 0);
      });
      assert.equal(await store.currentVersion(), version + 1);
    });

    test('a snapshot cannot be read after its callback', async () => {
      const { store } = await harness.fresh();
      const escaped = await store.snapshot(async (snapshot) => snapshot);
      await rejectsWith(
        (async () => {
          for await (const _ of escaped.accessKeys()) break;
        })(),
        'Store.SnapshotClosed',
      );
    });

    test('migrations run once: reopening, and opening twice at once, are harmless', async () => {
      const { store, config } = await harness.fresh();
      await newAccount(store);
      const [a, b] = await Promise.all([harness.open(config), harness.open(config)]);
      assert.equal(await a.currentVersion(), 1);
      assert.equal(await b.currentVersion(), 1);
      const parallel = await fixture.newDatabase();
      const opened = await Promise.all(Array.from({ length: 4 }, () => harness.open(parallel)));
      await newAccount(opened[0]!);
      for (const each of opened) assert.equal(await each.currentVersion(), 1);
    });
  });
}
