import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DecisionIndex } from '../../src/policy/decision-index.js';
import type { AccessKeyId } from '../../src/store/index.js';
import { catchUp } from '../../src/sync/apply-change.js';
import { loadIndex } from '../../src/sync/load-index.js';
import { useDialects } from '../store/support/dialects.js';
import { classicPolicy } from '../store/support/policies.js';
import { newAccount, storeHarness } from '../store/support/store-harness.js';

const credential = (accessKeyId: string) => ({ accessKeyId, temporary: false });

for (const fixture of useDialects()) {
  describe(`report-only candidates in the store on ${fixture.name}`, () => {
    const harness = storeHarness(fixture);

    test('stage, read, follow through the change log and a snapshot, go with their key', async () => {
      const { store } = await harness.fresh();
      const account = await newAccount(store);
      const [k1, k2] = await store.write(async (tx) => [
        await tx.createAccessKey(account),
        await tx.createAccessKey(account),
      ]);
      const keyScope = { scope: 'accessKey', accountId: account, accessKeyId: k1!.accessKeyId } as const;
      const accountScope = { scope: 'account', accountId: account } as const;
      assert.deepEqual(await store.getPolicyCandidate(keyScope), { policy: null, version: 0 });

      const index = new DecisionIndex();
      let version = await loadIndex(store, index);
      const staged = await store.write((tx) =>
        tx.setPolicyCandidate(keyScope, classicPolicy('198.51.100.7')),
      );
      await store.write((tx) => tx.setPolicyCandidate(accountScope, classicPolicy('203.0.113.0/24')));
      assert.deepEqual(await store.getPolicyCandidate(keyScope), staged);
      assert.deepEqual(
        await store.getPolicy(keyScope),
        { policy: null, version: 0 },
        'nothing enforced changed',
      );
      assert.deepEqual(await store.listPolicyHistory(keyScope), [], 'no policy history');

      version = await catchUp(index, (v, limit) => store.changesSince(v, limit), version);
      assert.equal(index.candidateCount, 2);
      const check = (target: DecisionIndex) => {
        const own = target.decideCandidate(credential(k1!.accessKeyId), { ip: '198.51.100.7' }, 'ecs');
        assert.deepEqual(own, {
          allowed: true,
          reason: 'public-ip-allowed',
          scope: 'accessKey',
          statement: 0,
          policyVersion: staged.version,
        });
        const other = target.decideCandidate(credential(k2!.accessKeyId), { ip: '8.8.8.8' }, 'ecs');
        assert.equal(other?.allowed, false, "the account's candidate decides the other key");
        assert.equal(target.decide(credential(k2!.accessKeyId), { ip: '8.8.8.8' }, 'ecs').allowed, true);
      };
      check(index);
      const fresh = new DecisionIndex();
      await loadIndex(store, fresh);
      check(fresh);

      await store.write((tx) => tx.deleteAccessKey(account, k1!.accessKeyId, { actor: 't' }));
      await store.write((tx) => tx.setPolicyCandidate(accountScope, null));
      version = await catchUp(index, (v, limit) => store.changesSince(v, limit), version);
      assert.equal(index.candidateCount, 0);
      assert.deepEqual(await store.getPolicyCandidate(accountScope), { policy: null, version: 0 });
      const reloaded = new DecisionIndex();
      await loadIndex(store, reloaded);
      assert.equal(reloaded.candidateCount, 0);
    });

    test('an unknown key or another account has no candidate to stage, and nothing changes', async () => {
      const { store } = await harness.fresh();
      const account = await newAccount(store);
      const other = await newAccount(store);
      const key = await store.write((tx) => tx.createAccessKey(other));
      const before = await store.currentVersion();
      for (const accessKeyId of [key.accessKeyId, 'LTAIunknown0000000000001' as AccessKeyId]) {
        await assert.rejects(
          store.write((tx) =>
            tx.setPolicyCandidate(
              { scope: 'accessKey', accountId: account, accessKeyId },
              classicPolicy('10.0.0.1'),
            ),
          ),
          { code: 'EntityNotExist.User.AccessKey' },
        );
      }
      assert.equal(await store.currentVersion(), before);
    });
  });
}
