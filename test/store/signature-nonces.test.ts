/**
 * KeyFenceStore.claimSignatureNonces on both databases: a nonce is claimed once however many
 * connections (nodes) claim it, at once or later, and a batch is all or nothing.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SignatureNonce } from '../../src/store/index.js';
import { useDialects } from './support/dialects.js';
import { rawRows, rejectsWith, storeHarness } from './support/store-harness.js';

const EXPIRES = Date.parse('2026-05-01T00:15:00Z');
const nonce = (digest: string, expiresAt = EXPIRES): SignatureNonce => ({ digest, expiresAt });

for (const fixture of useDialects()) {
  describe(`signature nonces on ${fixture.name}`, () => {
    const harness = storeHarness(fixture);

    test('a batch says which nonces it claimed first, in its order', async () => {
      const { store, config } = await harness.fresh();
      assert.deepEqual(await store.claimSignatureNonces([nonce('a'), nonce('b')]), [true, true]);
      assert.deepEqual(await store.claimSignatureNonces([nonce('c'), nonce('a'), nonce('d'), nonce('b')]), [
        true,
        false,
        true,
        false,
      ]);
      assert.deepEqual(await store.claimSignatureNonces([]), []);
      const rows = await rawRows(config, 'select digest, expires_at from signature_nonces order by digest');
      assert.deepEqual(
        rows.map((row) => [row.digest, Number(row.expires_at)]),
        ['a', 'b', 'c', 'd'].map((digest) => [digest, EXPIRES]),
      );
    });

    test('a nonce repeated within one batch is claimed by its first occurrence only', async () => {
      const { store } = await harness.fresh();
      assert.deepEqual(await store.claimSignatureNonces([nonce('x'), nonce('y'), nonce('x'), nonce('x')]), [
        true,
        true,
        false,
        false,
      ]);
    });

    test('the same digest with another expiry is another request', async () => {
      const { store } = await harness.fresh();
      assert.deepEqual(await store.claimSignatureNonces([nonce('x')]), [true]);
      assert.deepEqual(await store.claimSignatureNonces([nonce('x', EXPIRES + 1000)]), [true]);
    });

    test('two stores (two nodes) claiming the same nonces at once: each is claimed exactly once', async () => {
      const { store, config } = await harness.fresh();
      const other = await harness.open(config);
      const digests = Array.from({ length: 200 }, (_, i) => `n${i}`);
      // The same 200 nonces in batches of 20, the second node's in another order.
      const batches = (offset: number) =>
        Array.from({ length: 10 }, (_, b) =>
          Array.from({ length: 20 }, (_, i) => nonce(digests[(b * 20 + i + offset) % 200]!)),
        );
      const results = await Promise.all([
        ...batches(0).map(async (batch) => ({ batch, first: await store.claimSignatureNonces(batch) })),
        ...batches(7).map(async (batch) => ({ batch, first: await other.claimSignatureNonces(batch) })),
      ]);
      const winners = new Map<string, number>();
      for (const { batch, first } of results) {
        batch.forEach((n, i) => {
          if (first[i]) winners.set(n.digest, (winners.get(n.digest) ?? 0) + 1);
        });
      }
      assert.equal(winners.size, 200);
      assert.ok([...winners.values()].every((count) => count === 1));
    });

    test('a claim on a closed store fails with Store.Database and claims nothing', async () => {
      const { store, config } = await harness.fresh();
      await store.close();
      await rejectsWith(store.claimSignatureNonces([nonce('late')]), 'Store.Database');
      const reopened = await harness.open(config);
      assert.deepEqual(await reopened.claimSignatureNonces([nonce('late')]), [true]);
    });

    test('purging deletes expired nonces in chunks, and only those', async () => {
      let now = new Date(EXPIRES);
      const { store, config } = await harness.fresh({ clock: () => now });
      const old = Array.from({ length: 25_000 }, (_, i) =>
        nonce(`old${i}`, EXPIRES - 1000 - (i % 50) * 1000),
      );
      for (let i = 0; i < old.length; i += 5000) await store.claimSignatureNonces(old.slice(i, i + 5000));
      await store.claimSignatureNonces([nonce('live', EXPIRES + 6 * 60_000)]);
      now = new Date(EXPIRES + 10 * 60_000);
      assert.equal(await store.purgeExpiredSignatureNonces(), 25_000);
      assert.deepEqual(await rawRows(config, 'select digest from signature_nonces'), [{ digest: 'live' }]);
    });
  });
}
