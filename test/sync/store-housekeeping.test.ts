import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ChoreRunner } from '../../src/common/chore-runner.js';
import type { AccountId, KeyFenceStore, RoleName } from '../../src/store/index.js';
import { SIGNATURE_NONCE_PURGE_GRACE_MS } from '../../src/store/queries/signature-nonces.js';
import { type HousekeepingChore, StoreHousekeeping } from '../../src/sync/store-housekeeping.js';
import { useDialects } from '../store/support/dialects.js';
import { newAccount, storeHarness } from '../store/support/store-harness.js';
import { until } from '../support/until.js';

const ROLE = 'ops' as RoleName;
const DAY = 24 * 60 * 60_000;

async function withRole(store: KeyFenceStore): Promise<AccountId> {
  const accountId = await newAccount(store);
  await store.write((tx) =>
    tx.createRole(accountId, {
      roleName: ROLE,
      assumeRolePolicyDocument: '{"Statement":[]}',
      maxSessionDuration: 3600,
    }),
  );
  return accountId;
}

function issue(store: KeyFenceStore, accountId: AccountId, durationSeconds: number) {
  return store.write((tx) =>
    tx.issueTemporaryCredential(accountId, ROLE, {
      roleSessionName: 'housekeeping-test',
      sourceIdentity: 'x',
      durationSeconds,
    }),
  );
}

function recordNode(store: KeyFenceStore, nodeId: string) {
  return store.recordNode({
    nodeId,
    address: null,
    state: 'serving',
    appliedVersion: 1,
    heartbeatMs: 1000,
    startedAt: new Date(),
  });
}

/** What the callbacks were told, in order. */
function journal() {
  const deleted: [HousekeepingChore, number][] = [];
  const errors: [HousekeepingChore, unknown][] = [];
  return {
    deleted,
    errors,
    onDeleted: (chore: HousekeepingChore, count: number) => deleted.push([chore, count]),
    onError: (chore: HousekeepingChore, error: unknown) => errors.push([chore, error]),
  };
}

for (const fixture of useDialects()) {
  describe(`store housekeeping on ${fixture.name}`, () => {
    const harness = storeHarness(fixture);

    test('deletes expired credentials on start and again every interval, and keeps the others', async () => {
      let now = new Date('2026-05-01T00:00:00Z');
      const { store } = await harness.fresh({ clock: () => now });
      const accountId = await withRole(store);
      const short = await issue(store, accountId, 900);
      const long = await issue(store, accountId, 3600);
      now = new Date(now.getTime() + 1000 * 1000);
      const told = journal();
      const housekeeping = new StoreHousekeeping(store, { intervalMs: 20, forgetNodesAfterMs: DAY, ...told });
      const chores = new ChoreRunner([housekeeping.chore]);
      chores.start();
      await until(() => told.deleted.length === 1, 'the first pass deleted the expired credential');
      assert.deepEqual(told.deleted, [['expired-credentials', 1]]);
      assert.equal(await store.revealCredentialForSigning(short.accessKeyId), undefined);
      assert.equal((await store.revealCredentialForSigning(long.accessKeyId))?.accessKeyId, long.accessKeyId);

      // Later passes find nothing until the other one expires too; then the timer's pass takes it.
      now = new Date(now.getTime() + 3600 * 1000);
      await until(() => told.deleted.length === 2, 'a later pass deleted the second credential');
      assert.deepEqual(told.deleted[1], ['expired-credentials', 1]);
      assert.equal(await store.revealCredentialForSigning(long.accessKeyId), undefined);
      await chores.stop();
      assert.deepEqual(told.errors, []);
    });

    test('deletes signature nonces once past their expiry and the grace for clocks, and keeps the others', async () => {
      let now = new Date('2026-05-01T00:00:00Z');
      const { store } = await harness.fresh({ clock: () => now });
      const at = now.getTime();
      const nonce = (digest: string, expiresAt: number) => ({ digest, expiresAt });
      await store.claimSignatureNonces([nonce('gone', at - 1), nonce('kept', at + 60_000)]);
      const told = journal();
      const housekeeping = new StoreHousekeeping(store, {
        intervalMs: 60_000,
        forgetNodesAfterMs: DAY,
        ...told,
      });
      await housekeeping.run();
      assert.deepEqual(told.deleted, [], 'within the grace, even an expired nonce is kept');
      now = new Date(at + SIGNATURE_NONCE_PURGE_GRACE_MS);
      await housekeeping.run();
      assert.deepEqual(told.deleted, [['expired-nonces', 1]]);
      // Deleted: it could be claimed again; the live one still cannot.
      assert.deepEqual(
        await store.claimSignatureNonces([nonce('gone', at - 1), nonce('kept', at + 60_000)]),
        [true, false],
      );
      assert.deepEqual(told.errors, []);
    });

    test('forgets the rows of nodes silent for longer than forgetNodesAfterMs, by the database clock', async () => {
      const { store } = await harness.fresh();
      await recordNode(store, 'node-gone');
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await recordNode(store, 'node-here');
      const told = journal();
      const housekeeping = new StoreHousekeeping(store, {
        intervalMs: 60_000,
        forgetNodesAfterMs: 750,
        ...told,
      });
      await housekeeping.run();
      assert.deepEqual(told.deleted, [['silent-nodes', 1]]);
      assert.deepEqual(
        (await store.listNodes()).nodes.map((node) => node.nodeId),
        ['node-here'],
      );
      assert.deepEqual(told.errors, []);
    });

    test('deletes console sessions past their expiry, and keeps the others', async () => {
      let now = new Date('2026-05-01T00:00:00Z');
      const { store } = await harness.fresh({ clock: () => now });
      const accountId = await newAccount(store);
      const open = (idHash: string, lifetimeMs: number) =>
        store.write((tx) =>
          tx.createConsoleSession({
            idHash,
            accountId,
            principal: { type: 'root' },
            expiresAt: new Date(now.getTime() + lifetimeMs),
            sourceIp: '203.0.113.9',
            userAgent: 'test',
            csrfToken: 'csrf',
            authMethods: ['password'],
          }),
        );
      const short = 'a'.repeat(64);
      const long = 'b'.repeat(64);
      await open(short, 60_000);
      await open(long, 3_600_000);
      const told = journal();
      const housekeeping = new StoreHousekeeping(store, {
        intervalMs: 60_000,
        forgetNodesAfterMs: DAY,
        ...told,
      });
      await housekeeping.run();
      assert.deepEqual(told.deleted, [], 'nothing expired yet');
      now = new Date(now.getTime() + 60_000);
      await housekeeping.run();
      assert.deepEqual(told.deleted, [['expired-console-sessions', 1]]);
      assert.equal(await store.consoleSession(short), undefined);
      assert.equal((await store.consoleSession(long))?.idHash, long);
      assert.deepEqual(told.errors, []);
    });

    test('the store refuses a silence that would forget nodes serving now, and deletes nothing', async () => {
      const { store } = await harness.fresh();
      await recordNode(store, 'node-here');
      for (const silentForMs of [0, -1, 1.5, Number.NaN]) {
        await assert.rejects(store.forgetSilentNodes(silentForMs), RangeError);
      }
      assert.deepEqual(
        (await store.listNodes()).nodes.map((node) => node.nodeId),
        ['node-here'],
      );
    });

    test('a pass asked for while one is under way joins it', async () => {
      const { store } = await harness.fresh();
      let passes = 0;
      const counting = {
        purgeExpiredTemporaryCredentials: () => {
          passes++;
          return store.purgeExpiredTemporaryCredentials();
        },
        purgeExpiredSignatureNonces: () => store.purgeExpiredSignatureNonces(),
        forgetSilentNodes: (silentForMs: number) => store.forgetSilentNodes(silentForMs),
        deleteExpiredConsoleSessions: () => store.deleteExpiredConsoleSessions(),
      };
      const told = journal();
      const housekeeping = new StoreHousekeeping(counting, {
        intervalMs: 60_000,
        forgetNodesAfterMs: DAY,
        ...told,
      });
      const first = housekeeping.run();
      assert.equal(housekeeping.run(), first);
      await first;
      assert.equal(passes, 1);
      await housekeeping.run();
      assert.equal(passes, 2);
      assert.deepEqual(told.errors, []);
    });

    test('a failed chore is reported, not thrown, the next still runs, and stop waits for the pass', async () => {
      const { store } = await harness.fresh();
      await store.close();
      const told = journal();
      const housekeeping = new StoreHousekeeping(store, {
        intervalMs: 60_000,
        forgetNodesAfterMs: DAY,
        ...told,
      });
      const chores = new ChoreRunner([housekeeping.chore]);
      chores.start();
      await chores.stop();
      assert.deepEqual(
        told.errors.map(([chore]) => chore),
        ['expired-credentials', 'expired-nonces', 'silent-nodes', 'expired-console-sessions'],
      );
      assert.deepEqual(told.deleted, []);
    });
  });
}

test('housekeeping refuses intervals a timer cannot hold and retention that is not positive', () => {
  const store = {} as KeyFenceStore;
  const told = journal();
  for (const [intervalMs, forgetNodesAfterMs] of [
    [0, DAY],
    [2 ** 31, DAY],
    [1.5, DAY],
    [1000, 0],
    [1000, Number.NaN],
  ] as const) {
    assert.throws(
      () => new StoreHousekeeping(store, { intervalMs, forgetNodesAfterMs, ...told }),
      RangeError,
    );
  }
});
