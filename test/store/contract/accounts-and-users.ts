import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { AccountId, KeyFenceStore, UserName } from '../../../src/store/index.js';
import type { DialectFixture } from '../support/dialects.js';
import { newAccount, rejectsWith, storeHarness } from '../support/store-harness.js';

const user = (name: string) => name as UserName;

export function accountsAndUsersContract(fixture: DialectFixture): void {
  describe('accounts', () => {
    const harness = storeHarness(fixture);

    test('are created with random 16-digit IDs, listed in ID order and paged', async () => {
      const { store } = await harness.fresh();
      const ids = [await newAccount(store), await newAccount(store), await newAccount(store)];
      for (const id of ids) assert.match(id, /^[1-9][0-9]{15}$/);
      assert.equal(new Set(ids).size, 3);
      const sorted = [...ids].sort();
      assert.deepEqual(
        (await store.listAccounts()).map((a) => a.accountId),
        sorted,
      );
      const firstPage = await store.listAccounts({ limit: 2 });
      assert.deepEqual(
        firstPage.map((a) => a.accountId),
        sorted.slice(0, 2),
      );
      assert.deepEqual(
        (await store.listAccounts({ after: firstPage[1]!.accountId })).map((a) => a.accountId),
        sorted.slice(2),
      );
      assert.equal((await store.getAccount(ids[0]!)).accountId, ids[0]);
      await rejectsWith(store.getAccount('1234567890123456' as AccountId), 'EntityNotExist.Account');
    });
  });

  describe('RAM users', () => {
    const harness = storeHarness(fixture);
    let store: KeyFenceStore;
    let accountId: AccountId;
    before(async () => {
      ({ store } = await harness.fresh({ clock: () => new Date('2026-01-02T03:04:05Z') }));
      accountId = await newAccount(store);
    });

    test('are created with a principal name, defaults and timestamps', async () => {
      const alice = await store.write((tx) => tx.createUser(accountId, { userName: user('alice') }));
      assert.equal(alice.userPrincipalName, `alice@${accountId}.onaliyun.com`);
      assert.equal(alice.displayName, 'alice');
      assert.equal(alice.comments, '');
      assert.match(alice.userId, /^[1-9][0-9]{15}$/);
      assert.deepEqual(alice.createdAt, new Date('2026-01-02T03:04:05Z'));
      assert.deepEqual(await store.getUser(accountId, user('alice')), alice);
    });

    test('are found by principal name, whose suffix is compared case-insensitively', async () => {
      await store.write((tx) =>
        tx.createUser(accountId, { userName: user('bob'), displayName: 'Bob', comments: 'ops' }),
      );
      const bob = await store.getUserByPrincipalName(`bob@${accountId}.OnAliyun.com`);
      assert.equal(bob.displayName, 'Bob');
      assert.equal(bob.comments, 'ops');
      await rejectsWith(store.getUserByPrincipalName(`bob@${accountId}.example.com`), 'EntityNotExist.User');
      await rejectsWith(
        store.getUserByPrincipalName(`nobody@${accountId}.onaliyun.com`),
        'EntityNotExist.User',
      );
      await rejectsWith(store.getUserByPrincipalName('bob'), 'InvalidParameter.UserPrincipalName');
      await rejectsWith(
        store.getUserByPrincipalName('bob@12.onaliyun.com'),
        'InvalidParameter.UserPrincipalName',
      );
    });

    test('use the configured principal suffix', async () => {
      const { store: custom } = await harness.fresh({ principalSuffix: 'corp.example' });
      const id = await newAccount(custom);
      const carol = await custom.write((tx) => tx.createUser(id, { userName: user('carol') }));
      assert.equal(carol.userPrincipalName, `carol@${id}.corp.example`);
    });

    test('refuse duplicates and bad names, writing nothing', async () => {
      await store.write((tx) => tx.createUser(accountId, { userName: user('dup') }));
      const before = await store.currentVersion();
      await rejectsWith(
        store.write((tx) => tx.createUser(accountId, { userName: user('dup') })),
        'EntityAlreadyExists.User',
      );
      await rejectsWith(
        store.write((tx) => tx.createUser(accountId, { userName: user('has space') })),
        'InvalidParameter.UserName',
      );
      await rejectsWith(
        store.write((tx) => tx.createUser(accountId, { userName: user('x'.repeat(65)) })),
        'InvalidParameter.UserName',
      );
      await rejectsWith(
        store.write((tx) => tx.createUser(accountId, { userName: user('ok'), displayName: '' })),
        'InvalidParameter.DisplayName',
      );
      await rejectsWith(
        store.write((tx) => tx.createUser(accountId, { userName: user('ok'), comments: 'c'.repeat(129) })),
        'InvalidParameter.Comments',
      );
      await rejectsWith(
        store.write((tx) => tx.createUser('9999999999999999' as AccountId, { userName: user('ok') })),
        'EntityNotExist.Account',
      );
      assert.equal(await store.currentVersion(), before);
    });

    test('are listed in name order and paged', async () => {
      const { store: own } = await harness.fresh();
      const id = await newAccount(own);
      for (const name of ['u3', 'u1', 'u2'])
        await own.write((tx) => tx.createUser(id, { userName: user(name) }));
      assert.deepEqual(
        (await own.listUsers(id)).map((u) => u.userName),
        ['u1', 'u2', 'u3'],
      );
      assert.deepEqual(
        (await own.listUsers(id, { after: user('u1'), limit: 1 })).map((u) => u.userName),
        ['u2'],
      );
    });

    test('are updated and renamed, their keys following the rename', async () => {
      await store.write((tx) => tx.createUser(accountId, { userName: user('old') }));
      const key = await store.write((tx) => tx.createAccessKey(accountId, { userName: user('old') }));
      const renamed = await store.write((tx) =>
        tx.updateUser(accountId, user('old'), {
          newUserName: user('new'),
          newDisplayName: 'New',
          newComments: 'moved',
        }),
      );
      assert.equal(renamed.userName, 'new');
      assert.equal(renamed.displayName, 'New');
      assert.equal(renamed.comments, 'moved');
      await rejectsWith(store.getUser(accountId, user('old')), 'EntityNotExist.User');
      assert.equal((await store.getAccessKey(accountId, key.accessKeyId)).userName, 'new');
      const [change] = (await store.changesSince((await store.currentVersion()) - 1)) as [unknown];
      assert.deepEqual(
        { ...(change as object), at: undefined, version: undefined },
        {
          kind: 'user.updated',
          accountId,
          userName: 'new',
          previousUserName: 'old',
          at: undefined,
          version: undefined,
        },
      );
      await store.write((tx) => tx.createUser(accountId, { userName: user('taken') }));
      await rejectsWith(
        store.write((tx) => tx.updateUser(accountId, user('new'), { newUserName: user('taken') })),
        'EntityAlreadyExists.User',
      );
      await rejectsWith(
        store.write((tx) => tx.updateUser(accountId, user('ghost'), { newDisplayName: 'x' })),
        'EntityNotExist.User',
      );
    });

    test('cannot be deleted while they have AccessKeys', async () => {
      await store.write((tx) => tx.createUser(accountId, { userName: user('keyholder') }));
      const key = await store.write((tx) => tx.createAccessKey(accountId, { userName: user('keyholder') }));
      await rejectsWith(
        store.write((tx) => tx.deleteUser(accountId, user('keyholder'))),
        'DeleteConflict.User.AccessKey',
      );
      assert.equal((await store.getUser(accountId, user('keyholder'))).userName, 'keyholder');
      await store.write((tx) => tx.deleteAccessKey(accountId, key.accessKeyId, { actor: 'test' }));
      await store.write((tx) => tx.deleteUser(accountId, user('keyholder')));
      await rejectsWith(store.getUser(accountId, user('keyholder')), 'EntityNotExist.User');
      await rejectsWith(
        store.write((tx) => tx.deleteUser(accountId, user('keyholder'))),
        'EntityNotExist.User',
      );
    });
  });
}
