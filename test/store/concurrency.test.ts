import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type AccessKeyId,
  type AccountId,
  isStoreError,
  type KeyFenceStore,
  type PolicyScope,
} from '../../src/store/index.js';
import { runFixture } from './support/child-process.js';
import { type DatabaseConfig, useDialects } from './support/dialects.js';
import { classicPolicy } from './support/policies.js';
import { newAccount, storeHarness } from './support/store-harness.js';

const rounds = 3;

for (const fixture of useDialects()) {
  describe(`concurrency on ${fixture.name}`, () => {
    const harness = storeHarness(fixture);
    // PostgreSQL: one pool per writer, so writers are separate server sessions. SQLite: separate
    // connections in this process, and separate processes.
    const writers = fixture.name === 'postgres' ? 8 : 3;

    async function seed(
      keys: number,
    ): Promise<{ config: DatabaseConfig; store: KeyFenceStore; accountId: AccountId; ids: AccessKeyId[] }> {
      const { store, config } = await harness.fresh();
      const accountId = await newAccount(store);
      const created = await store.write((tx) =>
        tx.createAccessKeys(
          accountId,
          Array.from({ length: keys }, () => ({})),
          { actor: 'seed' },
        ),
      );
      return { config, store, accountId, ids: created.map((k) => k.accessKeyId) };
    }

    test('of conditional updates on the same policy, exactly one wins', async () => {
      const { config, store, accountId, ids } = await seed(1);
      const stores = await Promise.all(Array.from({ length: writers }, () => harness.open(config)));
      const scopes: PolicyScope[] = [
        { scope: 'accessKey', accountId, accessKeyId: ids[0]! },
        { scope: 'account', accountId },
      ];
      for (const scope of scopes) {
        for (let round = 0; round < rounds; round++) {
          const { version } = await store.getPolicy(scope);
          const outcomes = await Promise.all(
            stores.map(async (each, i) => {
              try {
                await each.write((tx) =>
                  tx.setPolicy(scope, classicPolicy(`10.0.${round}.${i}`), {
                    actor: `writer ${i}`,
                    expectedVersion: version,
                  }),
                );
                return 'won';
              } catch (error) {
                if (isStoreError(error, 'Conflict.PolicyVersion')) return 'lost';
                throw error;
              }
            }),
          );
          assert.equal(outcomes.filter((o) => o === 'won').length, 1, `round ${round}: ${outcomes}`);
          const history = await store.listPolicyHistory(scope, { limit: 1 });
          assert.equal(history[0]!.version, (await store.getPolicy(scope)).version);
          assert.equal(
            history[0]!.before,
            round === 0 ? null : (await store.listPolicyHistory(scope, { limit: 2 }))[1]!.after,
          );
        }
      }
    });

    if (fixture.name === 'sqlite') {
      test('of conditional updates from separate processes, exactly one wins', async () => {
        const { config, store, accountId, ids } = await seed(1);
        const scope: PolicyScope = { scope: 'accessKey', accountId, accessKeyId: ids[0]! };
        const { version } = await store.getPolicy(scope);
        const results = await Promise.all(
          Array.from({ length: 3 }, () =>
            runFixture<{ outcome: string }>('store-worker', {
              config,
              task: 'set-conditionally',
              scope,
              expectedVersion: version,
            }),
          ),
        );
        assert.deepEqual(results.map((r) => r.outcome).sort(), [
          'Conflict.PolicyVersion',
          'Conflict.PolicyVersion',
          'won',
        ]);
      });
    }

    test('the change log has no gaps and no reordering under concurrent writers', async () => {
      const { config, store, accountId, ids } = await seed(20);
      const start = await store.currentVersion();
      const perWriter = 25;
      const inProcess = await Promise.all(Array.from({ length: writers }, () => harness.open(config)));

      // A follower, as a node's sync loop would be: it must only ever see the next version.
      let running = true;
      let seen = start;
      const follower = (async () => {
        while (running || seen < (await store.currentVersion())) {
          for (const change of await store.changesSince(seen, 50)) {
            assert.equal(change.version, seen + 1, 'the follower skipped or repeated a version');
            seen = change.version;
          }
          await new Promise((resolve) => setTimeout(resolve, 2));
        }
      })();

      const write = async (each: KeyFenceStore, w: number): Promise<number[]> => {
        const versions: number[] = [];
        for (let n = 0; n < perWriter; n++) {
          const scope: PolicyScope = {
            scope: 'accessKey',
            accountId,
            accessKeyId: ids[(w * 7 + n) % ids.length]!,
          };
          versions.push(
            (
              await each.write((tx) =>
                tx.setPolicy(scope, classicPolicy(`10.${w}.${n}.0/24`), { actor: `w${w}` }),
              )
            ).version,
          );
        }
        return versions;
      };
      const processes =
        fixture.name === 'sqlite'
          ? Array.from({ length: 3 }, () =>
              runFixture<{ versions: number[] }>('store-worker', {
                config,
                task: 'set-policies',
                accountId,
                accessKeyIds: ids,
                count: perWriter,
              }).then((r) => r.versions),
            )
          : [];
      const results = await Promise.all([...inProcess.map(write), ...processes]);
      running = false;
      await follower;

      const total = results.length * perWriter;
      assert.equal(await store.currentVersion(), start + total);
      const changes = await store.changesSince(start, total + 1);
      assert.deepEqual(
        changes.map((c) => c.version),
        Array.from({ length: total }, (_, i) => start + i + 1),
      );
      // Each writer's own writes got increasing versions, and all versions were handed out once.
      for (const versions of results)
        assert.deepEqual(
          versions,
          [...versions].sort((a, b) => a - b),
        );
      assert.equal(new Set(results.flat()).size, total);
      // Every key's policy is the one of its last change record.
      const last = new Map<string, { version: number; policy: string }>();
      for (const change of changes)
        if (change.kind === 'policy.key.set') last.set(change.accessKeyId, change);
      for (const accessKeyId of ids) {
        const current = await store.getPolicy({ scope: 'accessKey', accountId, accessKeyId });
        assert.deepEqual(current, {
          policy: last.get(accessKeyId)?.policy ?? null,
          version: last.get(accessKeyId)?.version ?? 0,
        });
      }
    });
  });
}
