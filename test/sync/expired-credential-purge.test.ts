import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AccountId, KeyFenceStore, RoleName } from '../../src/store/index.js';
import { ExpiredCredentialPurge } from '../../src/sync/expired-credential-purge.js';
import { useDialects } from '../store/support/dialects.js';
import { newAccount, storeHarness } from '../store/support/store-harness.js';
import { until } from './support/until.js';

const ROLE = 'ops' as RoleName;

async function withRole(store: KeyFenceStore): Promise<AccountId> {
  const accountId = await newAccount(store);
  await store.write((tx) =>
    tx.createRole(accountId, {
      roleName: ROLE,
      assumeRolePolicyDocument: JSON.stringify({
        Version: '1',
        Statement: [
          { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { RAM: [`acs:ram::${accountId}:root`] } },
        ],
      }),
      maxSessionDuration: 3600,
    }),
  );
  return accountId;
}

function issue(store: KeyFenceStore, accountId: AccountId, durationSeconds: number) {
  return store.write((tx) =>
    tx.issueTemporaryCredential(accountId, ROLE, {
      roleSessionName: 'purge-test',
      sourceIdentity: 'x',
      durationSeconds,
    }),
  );
}

for (const fixture of useDialects()) {
  describe(`the purge of expired temporary credentials on ${fixture.name}`, () => {
    const harness = storeHarness(fixture);

    test('deletes the expired ones on start and again every interval, and keeps the others', async () => {
      let now = new Date('2026-05-01T00:00:00Z');
      const { store } = await harness.fresh({ clock: () => now });
      const accountId = await withRole(store);
      const short = await issue(store, accountId, 900);
      const long = await issue(store, accountId, 3600);
      now = new Date(now.getTime() + 1000 * 1000);
      const purged: number[] = [];
      const errors: unknown[] = [];
      const purge = new ExpiredCredentialPurge(store, {
        intervalMs: 20,
        onPurged: (count) => purged.push(count),
        onError: (error) => errors.push(error),
      });
      purge.start();
      await until(() => purged.length === 1, 'the first purge deleted the expired credential');
      assert.deepEqual(purged, [1]);
      assert.equal(await store.revealCredentialForSigning(short.accessKeyId), undefined);
      assert.equal((await store.revealCredentialForSigning(long.accessKeyId))?.accessKeyId, long.accessKeyId);

      // Later purges find nothing until the other one expires too; then the timer's purge takes it.
      now = new Date(now.getTime() + 3600 * 1000);
      await until(() => purged.length === 2, 'a later purge deleted the second credential');
      assert.deepEqual(purged, [1, 1]);
      assert.equal(await store.revealCredentialForSigning(long.accessKeyId), undefined);
      await purge.stop();
      assert.deepEqual(errors, []);
    });

    test('a purge asked for while one is under way joins it', async () => {
      const { store } = await harness.fresh();
      let calls = 0;
      const counting = {
        purgeExpiredTemporaryCredentials: () => {
          calls++;
          return store.purgeExpiredTemporaryCredentials();
        },
      };
      const purge = new ExpiredCredentialPurge(counting, {
        intervalMs: 60_000,
        onPurged: () => {},
        onError: (error) => assert.fail(String(error)),
      });
      const first = purge.purge();
      assert.equal(purge.purge(), first);
      await first;
      assert.equal(calls, 1);
      await purge.purge();
      assert.equal(calls, 2);
    });

    test('a failed purge is reported, not thrown, and stop waits for the purge under way', async () => {
      const { store } = await harness.fresh();
      await store.close();
      const errors: unknown[] = [];
      const purge = new ExpiredCredentialPurge(store, {
        intervalMs: 60_000,
        onPurged: () => assert.fail('nothing can be purged from a closed store'),
        onError: (error) => errors.push(error),
      });
      purge.start();
      await purge.stop();
      assert.equal(errors.length, 1);
    });
  });
}
