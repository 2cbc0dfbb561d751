import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { AccessKeyId, AccountId, KeyFenceStore, PolicyScope } from '../../../src/store/index.js';
import type { DialectFixture } from '../support/dialects.js';
import { classicPolicy } from '../support/policies.js';
import { newAccount, rejectsWith, storeHarness } from '../support/store-harness.js';

export function policiesContract(fixture: DialectFixture): void {
  describe('policies', () => {
    const harness = storeHarness(fixture);
    let store: KeyFenceStore;
    let accountId: AccountId;
    let keyScope: PolicyScope;
    let accountScope: PolicyScope;
    before(async () => {
      ({ store } = await harness.fresh());
      accountId = await newAccount(store);
      const key = await store.write((tx) => tx.createAccessKey(accountId));
      keyScope = { scope: 'accessKey', accountId, accessKeyId: key.accessKeyId };
      accountScope = { scope: 'account', accountId };
    });

    test('are never set at first', async () => {
      assert.deepEqual(await store.getPolicy(accountScope), { policy: null, version: 0 });
      assert.deepEqual(await store.getPolicy(keyScope), { policy: null, version: 0 });
      assert.deepEqual(await store.listPolicyHistory(keyScope), []);
    });

    test('are set at the version of their change record, in both scopes', async () => {
      for (const scope of [accountScope, keyScope]) {
        const policy = classicPolicy('192.0.2.0/24');
        const set = await store.write((tx) => tx.setPolicy(scope, policy, { actor: 'admin' }));
        assert.equal(set.version, await store.currentVersion());
        assert.deepEqual(await store.getPolicy(scope), { policy, version: set.version });
        const [change] = await store.changesSince(set.version - 1);
        assert.equal(change?.kind, scope.scope === 'account' ? 'policy.account.set' : 'policy.key.set');
        assert.ok(change !== undefined && 'policy' in change && change.policy === policy);
      }
    });

    test('keep a history and roll back as a new change', async () => {
      const { store: own } = await harness.fresh();
      const id = await newAccount(own);
      const key = await own.write((tx) => tx.createAccessKey(id));
      const scope: PolicyScope = { scope: 'accessKey', accountId: id, accessKeyId: key.accessKeyId };
      const [p1, p2, p3] = [classicPolicy('10.0.0.1'), classicPolicy('10.0.0.2'), classicPolicy('10.0.0.3')];
      const v1 = (await own.write((tx) => tx.setPolicy(scope, p1, { actor: 'alice' }))).version;
      const v2 = (await own.write((tx) => tx.setPolicy(scope, p2, { actor: 'bob' }))).version;
      const v3 = (await own.write((tx) => tx.setPolicy(scope, p3, { actor: 'carol' }))).version;
      const history = await own.listPolicyHistory(scope);
      assert.deepEqual(
        history.map((h) => [h.version, h.actor, h.before, h.after, h.rolledBackTo]),
        [
          [v3, 'carol', p2, p3, null],
          [v2, 'bob', p1, p2, null],
          [v1, 'alice', null, p1, null],
        ],
      );
      assert.deepEqual(history[0]!.scope, scope);

      const rolledBack = await own.write((tx) => tx.rollbackPolicy(scope, v1, { actor: 'dave' }));
      assert.deepEqual(rolledBack, { policy: p1, version: v3 + 1 });
      assert.deepEqual(await own.getPolicy(scope), rolledBack);
      const [latest] = await own.listPolicyHistory(scope, { limit: 1 });
      assert.deepEqual(
        [latest!.before, latest!.after, latest!.rolledBackTo, latest!.actor],
        [p3, p1, v1, 'dave'],
      );
      const [change] = await own.changesSince(v3);
      assert.ok(change?.kind === 'policy.key.set' && change.rolledBackTo === v1);
      assert.deepEqual(
        (await own.listPolicyHistory(scope, { beforeVersion: v3, limit: 1 })).map((h) => h.version),
        [v2],
      );

      // A version of another scope, or no policy change at all, is not a rollback target.
      const accountV = (
        await own.write((tx) => tx.setPolicy({ scope: 'account', accountId: id }, p2, { actor: 'x' }))
      ).version;
      await rejectsWith(
        own.write((tx) => tx.rollbackPolicy(scope, accountV, { actor: 'x' })),
        'EntityNotExist.PolicyVersion',
      );
      await rejectsWith(
        own.write((tx) => tx.rollbackPolicy(scope, 1, { actor: 'x' })),
        'EntityNotExist.PolicyVersion',
      );
    });

    test('conditional updates fail on a stale version and change nothing', async () => {
      const { version } = await store.getPolicy(keyScope);
      const mine = classicPolicy('198.51.100.7');
      await store.write((tx) => tx.setPolicy(keyScope, mine, { actor: 'a', expectedVersion: version }));
      const before = await store.currentVersion();
      await rejectsWith(
        store.write((tx) =>
          tx.setPolicy(keyScope, classicPolicy('0.0.0.0/0'), { actor: 'b', expectedVersion: version }),
        ),
        'Conflict.PolicyVersion',
      );
      await rejectsWith(
        store.write((tx) => tx.rollbackPolicy(keyScope, before, { actor: 'b', expectedVersion: version })),
        'Conflict.PolicyVersion',
      );
      assert.equal((await store.getPolicy(keyScope)).policy, mine);
      assert.equal(await store.currentVersion(), before);
      // 0 means "expected never set".
      const fresh = await store.write((tx) => tx.createAccessKey(accountId));
      const freshScope: PolicyScope = { scope: 'accessKey', accountId, accessKeyId: fresh.accessKeyId };
      await store.write((tx) => tx.setPolicy(freshScope, mine, { actor: 'a', expectedVersion: 0 }));
      await rejectsWith(
        store.write((tx) => tx.setPolicy(freshScope, mine, { actor: 'a', expectedVersion: 0 })),
        'Conflict.PolicyVersion',
      );
    });

    test('deleting a key removes its policy; its history records the removal', async () => {
      const key = await store.write((tx) => tx.createAccessKey(accountId));
      const scope: PolicyScope = { scope: 'accessKey', accountId, accessKeyId: key.accessKeyId };
      const policy = classicPolicy('203.0.113.0/24');
      await store.write((tx) => tx.setPolicy(scope, policy, { actor: 'a' }));
      await store.write((tx) => tx.deleteAccessKey(accountId, key.accessKeyId, { actor: 'remover' }));
      const deletedAt = await store.currentVersion();
      await rejectsWith(store.getPolicy(scope), 'EntityNotExist.User.AccessKey');
      const [removal] = await store.listPolicyHistory(scope);
      assert.deepEqual(
        [removal!.version, removal!.before, removal!.after, removal!.actor],
        [deletedAt, policy, null, 'remover'],
      );
      await rejectsWith(
        store.write((tx) => tx.rollbackPolicy(scope, deletedAt, { actor: 'x' })),
        'EntityNotExist.PolicyVersion',
      );
      const inSnapshot = await store.snapshot(async (snapshot) => {
        for await (const page of snapshot.accessKeys())
          if (page.some((k) => k.accessKeyId === key.accessKeyId)) return true;
        return false;
      });
      assert.equal(inSnapshot, false);
      await rejectsWith(
        store.write((tx) => tx.setPolicy(scope, policy, { actor: 'a' })),
        'EntityNotExist.User.AccessKey',
      );
    });

    test('can be set on keys as they are created in bulk', async () => {
      const policy = classicPolicy('192.0.2.1');
      const before = await store.currentVersion();
      const keys = await store.write((tx) =>
        tx.createAccessKeys(accountId, [{ policy }, {}, { policy, status: 'Inactive' }], { actor: 'loader' }),
      );
      const kinds = (await store.changesSince(before)).map((c) => [c.version - before, c.kind]);
      assert.deepEqual(kinds, [
        [1, 'key.created'],
        [2, 'policy.key.set'],
        [3, 'key.created'],
        [4, 'key.created'],
        [5, 'policy.key.set'],
      ]);
      const policyOf = (accessKeyId: AccessKeyId) =>
        store.getPolicy({ scope: 'accessKey', accountId, accessKeyId });
      assert.deepEqual(await policyOf(keys[0]!.accessKeyId), { policy, version: before + 2 });
      assert.deepEqual(await policyOf(keys[1]!.accessKeyId), { policy: null, version: 0 });
      assert.deepEqual(await policyOf(keys[2]!.accessKeyId), { policy, version: before + 5 });
      assert.equal(keys[2]!.status, 'Inactive');
      const [entry] = await store.listPolicyHistory({
        scope: 'accessKey',
        accountId,
        accessKeyId: keys[2]!.accessKeyId,
      });
      assert.deepEqual([entry!.version, entry!.actor, entry!.before], [before + 5, 'loader', null]);
    });
  });
}
