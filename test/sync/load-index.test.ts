import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DecisionIndex } from '../../src/policy/decision-index.js';
import type { CanonicalPolicyJson } from '../../src/policy/policy-document.js';
import type { AccountId, KeyFenceStore } from '../../src/store/index.js';
import { applyChange, catchUp } from '../../src/sync/apply-change.js';
import { loadIndex } from '../../src/sync/load-index.js';
import { useDialects } from '../store/support/dialects.js';
import { classicPolicy } from '../store/support/policies.js';
import { newAccount, storeHarness } from '../store/support/store-harness.js';

const inactive = JSON.stringify({ Version: 1, Status: 'Inactive', Statements: [] }) as CanonicalPolicyJson;

function allowed(index: DecisionIndex, accessKeyId: string, ip: string): boolean {
  return index.decide({ accessKeyId, temporary: false }, { ip }, 'ecs').allowed;
}

async function setKeyPolicy(
  store: KeyFenceStore,
  accountId: AccountId,
  accessKeyId: string,
  policy: CanonicalPolicyJson,
) {
  return store.write((tx) =>
    tx.setPolicy({ scope: 'accessKey', accountId, accessKeyId: accessKeyId as never }, policy, {
      actor: 'test',
    }),
  );
}

for (const fixture of useDialects()) {
  describe(`the decision index from the store on ${fixture.name}`, () => {
    const harness = storeHarness(fixture);

    test('loads a snapshot, then follows the change log to the same state a fresh load gives', async () => {
      const { store } = await harness.fresh();
      const account = await newAccount(store);
      const [k1, k2] = await store.write(async (tx) => [
        await tx.createAccessKey(account),
        await tx.createAccessKey(account),
      ]);
      await store.write((tx) =>
        tx.setPolicy({ scope: 'account', accountId: account }, classicPolicy('203.0.113.0/24'), {
          actor: 't',
        }),
      );
      await setKeyPolicy(store, account, k1!.accessKeyId, classicPolicy('198.51.100.7'));

      const index = new DecisionIndex();
      let version = await loadIndex(store, index);
      assert.equal(version, await store.currentVersion(), 'snapshot version is the current version');
      assert.equal(allowed(index, k1!.accessKeyId, '198.51.100.7'), true, 'key policy allows');
      assert.equal(
        allowed(index, k1!.accessKeyId, '203.0.113.5'),
        false,
        'key policy replaces account policy',
      );
      assert.equal(allowed(index, k2!.accessKeyId, '203.0.113.5'), true, 'account policy allows');
      assert.equal(allowed(index, k2!.accessKeyId, '8.8.8.8'), false, 'account policy denies');

      // Changes after the snapshot: a new key, a cleared key policy, a deleted key.
      const k3 = await store.write((tx) => tx.createAccessKey(account));
      await setKeyPolicy(store, account, k1!.accessKeyId, inactive);
      await store.write((tx) => tx.deleteAccessKey(account, k2!.accessKeyId, { actor: 't' }));
      version = await catchUp(index, (v, limit) => store.changesSince(v, limit), version, 2);
      assert.equal(version, await store.currentVersion(), 'caught up to the current version');

      assert.equal(
        allowed(index, k1!.accessKeyId, '203.0.113.5'),
        true,
        'Inactive key policy: account decides',
      );
      assert.equal(
        allowed(index, k3.accessKeyId, '8.8.8.8'),
        false,
        'new key falls under the account policy',
      );
      assert.equal(index.hasKey(k2!.accessKeyId), false, 'deleted key is gone');

      const fresh = new DecisionIndex();
      await loadIndex(store, fresh);
      for (const key of [k1!.accessKeyId, k2!.accessKeyId, k3.accessKeyId]) {
        for (const ip of ['203.0.113.5', '198.51.100.7', '8.8.8.8']) {
          assert.deepEqual(
            index.decide({ accessKeyId: key, temporary: false }, { ip }, 'ecs'),
            fresh.decide({ accessKeyId: key, temporary: false }, { ip }, 'ecs'),
            `${key} ${ip}: followed and fresh indexes agree`,
          );
        }
      }
    });

    test('a stored policy that is not a policy stops loading instead of being skipped', () => {
      const index = new DecisionIndex();
      const corrupt = { version: 9, at: new Date(), accountId: '1000000000000001' as AccountId };
      for (const policy of [
        '{"Version":1}',
        'not json',
        '{"Version":1,"Status":"Active","Statements":[{"Type":"ClassicWhiteList","IPList":["127.1"]}]}',
      ]) {
        assert.throws(
          () =>
            applyChange(index, {
              ...corrupt,
              kind: 'policy.account.set',
              policy: policy as CanonicalPolicyJson,
              rolledBackTo: null,
            }),
          (e: { code?: string }) => e.code === 'Sync.CorruptPolicy' || e.code === 'Index.InvalidPolicy',
          policy,
        );
      }
    });
  });
}
