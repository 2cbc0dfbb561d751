import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { DecisionIndex } from '../../src/policy/decision-index.js';
import type { AccessKeyPolicy, CanonicalPolicyJson } from '../../src/policy/policy-document.js';
import type { AccessKeyId, PolicyScope } from '../../src/store/index.js';
import { catchUp } from '../../src/sync/apply-change.js';
import { loadIndex } from '../../src/sync/load-index.js';
import { useDialects } from '../store/support/dialects.js';
import { classicPolicy } from '../store/support/policies.js';
import { newAccount, storeHarness } from '../store/support/store-harness.js';

const credential = (accessKeyId: string) => ({ accessKeyId, temporary: false });

const POLICIES: readonly AccessKeyPolicy[] = [
  { Version: 1, Status: 'Active', Statements: [{ Type: 'ClassicWhiteList', IPList: ['198.51.100.0/24'] }] },
  { Version: 1, Status: 'Active', Statements: [{ Type: 'ClassicWhiteList', IPList: ['203.0.113.0/24'] }] },
  { Version: 1, Status: 'Inactive', Statements: [{ Type: 'ClassicWhiteList', IPList: ['10.0.0.0/8'] }] },
  {
    Version: 1,
    Status: 'Active',
    Statements: [{ Type: 'VPCWhiteList', Value: 'vpc-a', IPList: ['10.0.0.0/8'] }],
  },
  { Version: 1, Status: 'Active', Statements: [] },
];
const SOURCES = ['198.51.100.5', '203.0.113.9', '10.1.1.1'].flatMap((ip) => [{ ip }, { ip, vpcId: 'vpc-a' }]);

/** A change made through the store: to the account (scope -1) or one of two keys. */
type StoreChange =
  | { readonly kind: 'policy'; readonly scope: number; readonly policy: number }
  | { readonly kind: 'candidate'; readonly scope: number; readonly policy: number | null }
  | { readonly kind: 'delete-key'; readonly scope: number };

const storeChange: fc.Arbitrary<StoreChange> = fc.oneof(
  fc.record({
    kind: fc.constant('policy' as const),
    scope: fc.integer({ min: -1, max: 1 }),
    policy: fc.nat(POLICIES.length - 1),
  }),
  fc.record({
    kind: fc.constant('candidate' as const),
    scope: fc.integer({ min: -1, max: 1 }),
    policy: fc.option(fc.nat(POLICIES.length - 1), { freq: 3 }),
  }),
  fc.record({ kind: fc.constant('delete-key' as const), scope: fc.integer({ min: 0, max: 1 }) }),
);

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

    test('decisions with candidates equal those without, and decideCandidate those once promoted (property)', async () => {
      const { store } = await harness.fresh();
      await fc.assert(
        fc.asyncProperty(fc.array(storeChange, { maxLength: 12 }), async (changes) => {
          const account = await newAccount(store);
          const keys = await store.write(async (tx) => [
            (await tx.createAccessKey(account)).accessKeyId,
            (await tx.createAccessKey(account)).accessKeyId,
          ]);
          const index = new DecisionIndex();
          let version = await loadIndex(store, index);
          // The model: per scope, its enforced policy and candidate with the versions that set them.
          type Staged = { policy: AccessKeyPolicy | null; version: number };
          const model = new Map<number, { enforced: Staged; candidate: Staged }>(
            [-1, 0, 1].map((scope) => [
              scope,
              { enforced: { policy: null, version: 0 }, candidate: { policy: null, version: 0 } },
            ]),
          );
          const scopeOf = (scope: number): PolicyScope =>
            scope < 0
              ? { scope: 'account', accountId: account }
              : { scope: 'accessKey', accountId: account, accessKeyId: keys[scope]! };
          for (const change of changes) {
            const state = model.get(change.scope);
            if (state === undefined) continue; // a deleted key
            const canonical = (policy: number) => JSON.stringify(POLICIES[policy]) as CanonicalPolicyJson;
            if (change.kind === 'policy') {
              const set = await store.write((tx) =>
                tx.setPolicy(scopeOf(change.scope), canonical(change.policy), { actor: 't' }),
              );
              state.enforced = { policy: POLICIES[change.policy]!, version: set.version };
            } else if (change.kind === 'candidate') {
              const policy = change.policy === null ? null : canonical(change.policy);
              const set = await store.write((tx) => tx.setPolicyCandidate(scopeOf(change.scope), policy));
              state.candidate =
                change.policy === null
                  ? { policy: null, version: 0 }
                  : { policy: POLICIES[change.policy]!, version: set.version };
            } else {
              await store.write((tx) => tx.deleteAccessKey(account, keys[change.scope]!, { actor: 't' }));
              model.delete(change.scope);
            }
          }
          version = await catchUp(index, (v, limit) => store.changesSince(v, limit), version);
          const fresh = new DecisionIndex();
          await loadIndex(store, fresh);
          const reference = (promote: boolean) => {
            const built = new DecisionIndex();
            const pick = (s: { enforced: Staged; candidate: Staged }) =>
              promote && s.candidate.policy !== null ? s.candidate : s.enforced;
            const own = pick(model.get(-1)!);
            built.setAccountPolicy(account, own.policy, own.version);
            for (const k of [0, 1]) {
              const state = model.get(k);
              if (state === undefined) continue;
              const { policy, version: at } = pick(state);
              built.setKey(keys[k]!, account, policy, at);
            }
            return built;
          };
          const without = reference(false);
          const promoted = reference(true);
          for (const k of [0, 1]) {
            const state = model.get(k);
            // A candidate takes part: the key's own, or the account's when no Active key-level
            // policy decides for the key.
            const staged =
              state !== undefined &&
              (state.candidate.policy !== null ||
                (model.get(-1)!.candidate.policy !== null && state.enforced.policy?.Status !== 'Active'));
            for (const source of SOURCES) {
              for (const target of [index, fresh]) {
                const who = credential(keys[k]!);
                assert.deepEqual(target.decide(who, source, 'ecs'), without.decide(who, source, 'ecs'));
                const candidate = target.decideCandidate(who, source, 'ecs');
                assert.deepEqual(candidate, staged ? promoted.decide(who, source, 'ecs') : null);
              }
            }
          }
        }),
        { numRuns: fixture.name === 'sqlite' ? 25 : 15 },
      );
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
