import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { KeyUseRecorder } from '../../../src/server/access/key-use-recorder.js';
import {
  type AccessKeyId,
  type AccessKeyUse,
  type AccountId,
  type KeyFenceStore,
  MasterKey,
  openStore,
} from '../../../src/store/index.js';

const root = await mkdtemp(join(tmpdir(), 'keyfence-key-uses-'));
after(() => rm(root, { recursive: true, force: true }));
const masterKey = MasterKey.generate();
let files = 0;

/** A real SQLite store that can be closed (the database is gone) and opened again on the same file. */
async function storeThatComesAndGoes() {
  const file = join(root, `store-${++files}.db`);
  let store: KeyFenceStore = await openStore({ dialect: 'sqlite', file, masterKey });
  return {
    get store() {
      return store;
    },
    recorderStore: {
      recordAccessKeyUse: (uses: readonly AccessKeyUse[]) => store.recordAccessKeyUse(uses),
    },
    goAway: () => store.close(),
    async comeBack() {
      store = await openStore({ dialect: 'sqlite', file, masterKey });
    },
  };
}

async function keys(
  store: KeyFenceStore,
  count: number,
): Promise<{ accountId: AccountId; ids: AccessKeyId[] }> {
  return store.write(async (tx) => {
    const { accountId } = await tx.createAccount();
    const ids: AccessKeyId[] = [];
    for (let i = 0; i < count; i++) ids.push((await tx.createAccessKey(accountId)).accessKeyId);
    return { accountId, ids };
  });
}

const HOUR = 3_600_000;

describe('AccessKey last-use bookkeeping', () => {
  test('a failed write never loses the uses: they wait, the later use of a key wins, and they are written when the store returns', async () => {
    const db = await storeThatComesAndGoes();
    const { accountId, ids } = await keys(db.store, 2);
    const [a, b] = ids as [AccessKeyId, AccessKeyId];
    const errors: unknown[] = [];
    const recorder = new KeyUseRecorder(db.recorderStore, {
      intervalMs: HOUR,
      onError: (e) => errors.push(e),
    });
    const t0 = new Date('2030-01-01T00:00:00Z');
    const t1 = new Date('2030-01-01T00:00:05Z');

    await db.goAway();
    recorder.record(a, t0, 'Ims');
    recorder.record(b, t0, 'Sts');
    await recorder.flush();
    assert.equal(errors.length, 1);
    assert.deepEqual(recorder.counters, { pending: 2, dropped: 0 });

    recorder.record(a, t1, 'Ram');
    await recorder.flush();
    assert.equal(errors.length, 2);
    assert.deepEqual(recorder.counters, { pending: 2, dropped: 0 });

    await db.comeBack();
    await recorder.flush();
    assert.equal(errors.length, 2);
    assert.deepEqual(recorder.counters, { pending: 0, dropped: 0 });
    const lastUsed = async (id: AccessKeyId) => (await db.store.getAccessKey(accountId, id)).lastUsed;
    assert.deepEqual(await lastUsed(a), { at: t1, service: 'Ram' });
    assert.deepEqual(await lastUsed(b), { at: t0, service: 'Sts' });
    await recorder.close();
    await db.store.close();
  });

  test('at most maxPendingKeys keys wait; uses of further keys are dropped and counted', async () => {
    const db = await storeThatComesAndGoes();
    const { ids } = await keys(db.store, 3);
    const recorder = new KeyUseRecorder(db.recorderStore, {
      intervalMs: HOUR,
      maxPendingKeys: 2,
      onError: () => {},
    });
    await db.goAway();
    const at = new Date();
    for (const id of ids) recorder.record(id, at, 'Ims');
    recorder.record(ids[0]!, at, 'Ims');
    assert.deepEqual(recorder.counters, { pending: 2, dropped: 1 });
    await recorder.flush();
    assert.deepEqual(recorder.counters, { pending: 2, dropped: 1 });
    await recorder.close();
    assert.throws(
      () => new KeyUseRecorder(db.recorderStore, { intervalMs: HOUR, maxPendingKeys: 0, onError: () => {} }),
      RangeError,
    );
  });

  test('a use recorded after a later one does not move the last use back', async () => {
    const written: AccessKeyUse[][] = [];
    const recorder = new KeyUseRecorder(
      { recordAccessKeyUse: async (uses) => void written.push([...uses]) },
      { intervalMs: 3_600_000, onError: () => {} },
    );
    const key = 'LTAI5tKeyUseOrder0000000' as AccessKeyId;
    recorder.record(key, new Date('2026-01-01T00:00:02Z'), 'ecs');
    // A check that waited for a catch-up finishes after the later one.
    recorder.record(key, new Date('2026-01-01T00:00:01Z'), 'oss');
    await recorder.close();
    assert.deepEqual(written, [[{ accessKeyId: key, at: new Date('2026-01-01T00:00:02Z'), service: 'ecs' }]]);
  });
});
