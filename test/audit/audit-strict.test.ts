/**
 * `audit.durability: strict` in the sink (docs/audit.md, "Durability"): `recordDurably` resolves
 * once the record's batch is stored or spooled (true) or given up (false), writing at once, with
 * what arrived during a commit in the next batch (a group commit).
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { AuditSpool } from '../../src/audit/audit-spool.js';
import { StoreAuditSink, type StoreAuditSinkOptions } from '../../src/audit/store-audit-sink.js';
import { allowed, FakeAuditStore, requestRecord, userCaller } from './support.js';

function strictSink(store: FakeAuditStore, options: StoreAuditSinkOptions = {}) {
  return new StoreAuditSink(store, {
    strict: true,
    flushIntervalMs: 3_600_000,
    maxAttempts: 1,
    retryDelayMs: 1,
    ...options,
  });
}

const record = (i: number) =>
  requestRecord({ requestId: `R-${String(i).padStart(6, '0')}`, time: new Date(1_700_000_000_000 + i) });

/** An allowed forward-auth check: coalescible. */
const check = (i: number) =>
  requestRecord({
    requestId: `C-${String(i).padStart(6, '0')}`,
    time: new Date(1_700_000_000_000 + i),
    entryPoint: 'forward-auth',
    caller: userCaller,
    decision: allowed,
    original: { method: 'GET', host: 'ecs.example.com', path: '/' },
  });

describe('strict audit durability', () => {
  test('async by default: no recordDurably', () => {
    assert.equal(new StoreAuditSink(new FakeAuditStore()).recordDurably, undefined);
  });

  test('resolves once the batch is stored, without waiting for the timer; later records go in the next batch', async () => {
    const store = new FakeAuditStore();
    let release!: () => void;
    store.gate = new Promise((resolve) => {
      release = resolve;
    });
    const sink = strictSink(store);
    const first = sink.recordDurably!(record(0));
    await delay(5);
    let settled = false;
    const waiting = [1, 2, 3].map((i) => sink.recordDurably!(record(i)));
    void Promise.all(waiting).then(() => {
      settled = true;
    });
    release();
    assert.equal(await first, true);
    assert.deepEqual(await Promise.all(waiting), [true, true, true]);
    assert.ok(settled);
    assert.deepEqual(
      store.batchSizes,
      [1, 3],
      'the three that arrived during the first commit share the second',
    );
    await sink.close();
  });

  test('a record folded into an earlier event waits for that event', async () => {
    const store = new FakeAuditStore();
    const sink = strictSink(store);
    const results = await Promise.all([0, 1, 2].map((i) => sink.recordDurably!(check(i))));
    assert.deepEqual(results, [true, true, true]);
    const counts = store.events.map((event) => JSON.parse(event.document).keyfence.count as number);
    assert.equal(
      counts.reduce((sum, n) => sum + n, 0),
      3,
    );
    await sink.close();
  });

  test('false when the event is given up; true when it is in the spool', async () => {
    const store = new FakeAuditStore();
    store.failures = 1;
    const lost = strictSink(store);
    assert.equal(await lost.recordDurably!(record(0)), false);
    await lost.close();

    const dir = await mkdtemp(join(tmpdir(), 'keyfence-strict-spool-'));
    after(() => rm(dir, { recursive: true, force: true }));
    const spool = await AuditSpool.open({ dir, maxBytes: 1_000_000 });
    store.failures = 1;
    const spooled = strictSink(store, { spool });
    assert.equal(await spooled.recordDurably!(record(1)), true);
    assert.equal(spooled.counters.spooled, 1);
    await spooled.close();
  });

  test('false at once when the queue is full', async () => {
    const store = new FakeAuditStore();
    store.gate = new Promise(() => {});
    const sink = strictSink(store, { queueCapacity: 1 });
    void sink.recordDurably!(record(0));
    await delay(5);
    void sink.recordDurably!(record(1));
    assert.equal(await sink.recordDurably!(record(2)), false);
  });
});
