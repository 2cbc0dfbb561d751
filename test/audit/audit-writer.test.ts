import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import type { FailedBatch } from '../../src/audit/audit-writer.js';
import { StoreAuditSink, type StoreAuditSinkOptions } from '../../src/audit/store-audit-sink.js';
import type { Caller } from '../../src/request/caller.js';
import type { UserId, UserName } from '../../src/store/index.js';
import { ACCOUNT, FakeAuditStore, requestRecord, USER_KEY, userCaller } from './support.js';

/** A sink whose timer never fires during a test unless asked to. */
function sinkOn(store: FakeAuditStore, options: StoreAuditSinkOptions = {}) {
  const errors: Array<{ error: unknown; batch: FailedBatch }> = [];
  const sink = new StoreAuditSink(store, {
    flushIntervalMs: 3_600_000,
    retryDelayMs: 1,
    onError: (error, batch) => errors.push({ error, batch }),
    ...options,
  });
  return { sink, errors };
}

/** The spool counters of a writer without a spool, no event refused and no RPC record coalesced. */
const NO_SPOOL = {
  spooled: 0,
  spoolBytes: 0,
  spoolDropped: 0,
  spoolUnreadable: 0,
  rejected: 0,
  coalesced: 0,
};

const records = (count: number, from = 0) =>
  Array.from({ length: count }, (_, i) =>
    requestRecord({
      requestId: `R-${String(from + i).padStart(6, '0')}`,
      time: new Date(1_700_000_000_000 + i),
    }),
  );

describe('audit writer', () => {
  test('writes a batch as soon as batchSize records wait, without waiting for the timer', async () => {
    const store = new FakeAuditStore();
    const { sink } = sinkOn(store, { batchSize: 5 });
    for (const record of records(4)) sink.record(record);
    await delay(5);
    assert.equal(store.batches.length, 0, 'fewer than a batch waits for the timer');
    for (const record of records(6, 4)) sink.record(record);
    await delay(5);
    assert.deepEqual(store.batchSizes, [5, 5]);
    assert.deepEqual(
      store.events.map((event) => event.requestId),
      records(10).map((record) => record.requestId),
    );
    await sink.close();
  });

  test('under load every batch is a full one: what arrives while one is written waits for the next', async () => {
    const store = new FakeAuditStore();
    let release!: () => void;
    store.gate = new Promise((resolve) => {
      release = resolve;
    });
    const { sink } = sinkOn(store, { batchSize: 5 });
    for (const record of records(8)) sink.record(record);
    release();
    await delay(5);
    assert.deepEqual(store.batchSizes, [5]);
    assert.equal(sink.counters.queueDepth, 3, 'three wait for the next full batch or the timer');
    for (const record of records(4, 8)) sink.record(record);
    await delay(5);
    assert.deepEqual(store.batchSizes, [5, 5]);
    await sink.flush();
    assert.deepEqual(store.batchSizes, [5, 5, 2]);
    await sink.close();
  });

  test('a flush writes what waited when it was asked: what arrives while it writes waits for a full batch or the timer', async () => {
    const store = new FakeAuditStore();
    let release!: () => void;
    store.gate = new Promise((resolve) => {
      release = resolve;
    });
    const { sink } = sinkOn(store, { batchSize: 5 });
    for (const record of records(3)) sink.record(record);
    const flushed = sink.flush();
    await delay(5);
    for (const record of records(2, 3)) sink.record(record);
    release();
    await flushed;
    await delay(5);
    assert.deepEqual(store.batchSizes, [3], 'a steady trickle is not written one small batch after another');
    assert.equal(sink.counters.queueDepth, 2);
    for (const record of records(3, 5)) sink.record(record);
    await delay(5);
    assert.deepEqual(store.batchSizes, [3, 5], 'a full batch is written at once');
    await sink.close();
  });

  test('writes what waits every flushIntervalMs', async () => {
    const store = new FakeAuditStore();
    const { sink } = sinkOn(store, { batchSize: 100, flushIntervalMs: 20 });
    for (const record of records(3)) sink.record(record);
    await delay(80);
    assert.equal(store.events.length, 3);
    assert.equal(sink.counters.written, 3);
    await sink.close();
  });

  test('flush writes everything queued, in batches of at most batchSize, and never rejects', async () => {
    const store = new FakeAuditStore();
    const { sink } = sinkOn(store, { batchSize: 4 });
    store.gate = delay(10);
    for (const record of records(11)) sink.record(record);
    await sink.flush();
    assert.equal(store.events.length, 11);
    assert.ok(store.batches.every((batch) => batch.length <= 4));
    assert.deepEqual(sink.counters, { ...NO_SPOOL, queueDepth: 0, dropped: 0, written: 11, failed: 0 });
    await sink.flush();
    await sink.close();
  });

  test('a failed batch is retried with the same event IDs, then written', async () => {
    const store = new FakeAuditStore();
    let attempts = 0;
    const seen: string[][] = [];
    const original = store.appendAuditEvents.bind(store);
    store.appendAuditEvents = async (events) => {
      seen.push(events.map((event) => event.eventId));
      attempts++;
      return original(events);
    };
    store.failures = 2;
    const { sink, errors } = sinkOn(store, { maxAttempts: 3 });
    for (const record of records(3)) sink.record(record);
    await sink.flush();
    assert.equal(attempts, 3);
    assert.deepEqual(seen[0], seen[2]);
    assert.equal(store.events.length, 3);
    assert.deepEqual(
      errors.map((e) => e.batch),
      [
        { events: 3, attempt: 1, spooled: false, givenUp: false },
        { events: 3, attempt: 2, spooled: false, givenUp: false },
      ],
    );
    assert.deepEqual(sink.counters, { ...NO_SPOOL, queueDepth: 0, dropped: 0, written: 3, failed: 0 });
    await sink.close();
  });

  test('a batch that fails every attempt is given up and counted, and the writer carries on', async () => {
    const store = new FakeAuditStore();
    store.failures = 2;
    const { sink, errors } = sinkOn(store, { maxAttempts: 2, batchSize: 10 });
    for (const record of records(4)) sink.record(record);
    await sink.flush();
    assert.deepEqual(sink.counters, { ...NO_SPOOL, queueDepth: 0, dropped: 0, written: 0, failed: 4 });
    assert.equal(errors.at(-1)?.batch.givenUp, true);
    for (const record of records(2, 4)) sink.record(record);
    await sink.flush();
    assert.deepEqual(sink.counters, { ...NO_SPOOL, queueDepth: 0, dropped: 0, written: 2, failed: 4 });
    await sink.close();
  });

  test('events the store refuses for their data are found by halving the batch, reported and counted; the rest is stored', async () => {
    const store = new FakeAuditStore();
    store.refused.add('R-000002').add('R-000007');
    const { sink, errors } = sinkOn(store, { batchSize: 10 });
    for (const record of records(10)) sink.record(record);
    await sink.flush();
    assert.deepEqual(
      store.events.map((event) => event.requestId),
      records(10)
        .map((record) => record.requestId)
        .filter((id) => !store.refused.has(id)),
    );
    // The batch, then halves of halves only where a refused event is: k refused events among n
    // cost at most 1 + 2k·log2(n) appends, not one per event.
    const bound = 1 + 2 * 2 * Math.ceil(Math.log2(10));
    assert.ok(store.attempts.length <= bound, `${store.attempts.length} appends: ${store.attempts}`);
    assert.deepEqual(store.attempts.slice(0, 3), [10, 5, 3]);
    assert.deepEqual(sink.counters, {
      ...NO_SPOOL,
      queueDepth: 0,
      dropped: 0,
      written: 8,
      failed: 0,
      rejected: 2,
    });
    assert.deepEqual(
      errors.map(({ batch }) => ({ ...batch, rejectedEventId: typeof batch.rejectedEventId })),
      [1, 2].map(() => ({ events: 1, attempt: 1, spooled: false, givenUp: true, rejectedEventId: 'string' })),
      'without a spool a refused event is lost',
    );
    for (const record of records(2, 10)) sink.record(record);
    await sink.flush();
    assert.equal(sink.counters.written, 10, 'the writer carries on');
    await sink.close();
  });

  test('a record no event can be made of is refused alone, without asking the store', async () => {
    const store = new FakeAuditStore();
    const { sink, errors } = sinkOn(store, { batchSize: 10 });
    const broken = requestRecord({ caller: { type: 'no-such-type' } as unknown as Caller });
    for (const record of [...records(2), broken, ...records(2, 2)]) sink.record(record);
    await sink.flush();
    assert.deepEqual(store.attempts, [4]);
    assert.equal(sink.counters.written, 4);
    assert.equal(sink.counters.rejected, 1);
    assert.ok(errors[0]?.error instanceof TypeError);
    assert.equal(errors[0]?.batch.givenUp, true);
    await sink.close();
  });

  test('record never blocks or throws: beyond the queue capacity records are dropped and counted', async () => {
    const store = new FakeAuditStore();
    let release!: () => void;
    store.gate = new Promise((resolve) => {
      release = resolve;
    });
    const { sink } = sinkOn(store, { batchSize: 2, queueCapacity: 5 });
    const started = process.hrtime.bigint();
    for (const record of records(20)) sink.record(record);
    const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
    assert.ok(elapsedMs < 50, `recording took ${elapsedMs} ms`);
    // One batch of 2 is in flight (held by the gate); 5 wait; the other 13 were dropped.
    assert.deepEqual(sink.counters, { ...NO_SPOOL, queueDepth: 5, dropped: 13, written: 0, failed: 0 });
    release();
    await sink.flush();
    assert.deepEqual(sink.counters, { ...NO_SPOOL, queueDepth: 0, dropped: 13, written: 7, failed: 0 });
    await sink.close();
  });

  test('a throwing error reporter does not stop the writer', async () => {
    const store = new FakeAuditStore();
    store.failures = 1;
    const sink = new StoreAuditSink(store, {
      retryDelayMs: 1,
      flushIntervalMs: 3_600_000,
      onError: () => {
        throw new Error('reporter broke');
      },
    });
    sink.record(requestRecord());
    await sink.flush();
    assert.equal(sink.counters.written, 1);
    await sink.close();
  });

  test('the user IDs a batch needs are looked up once per batch', async () => {
    const store = new FakeAuditStore();
    store.principals.set(USER_KEY, {
      type: 'ram-user',
      accountId: ACCOUNT,
      userName: 'alice' as UserName,
      userId: '2001' as UserId,
    });
    const { sink } = sinkOn(store, { batchSize: 10 });
    for (let i = 0; i < 3; i++) sink.record(requestRecord({ caller: userCaller }));
    sink.record(requestRecord());
    await sink.flush();
    assert.deepEqual(store.principalLookups, [[USER_KEY, USER_KEY, USER_KEY]]);
    const identities = store.events.map((event) => JSON.parse(event.document).userIdentity.principalId);
    assert.deepEqual(identities, ['2001', '2001', '2001', ACCOUNT]);
    await sink.close();
  });

  test('refuses nonsensical settings', () => {
    const store = new FakeAuditStore();
    for (const options of [
      { batchSize: 0 },
      { flushIntervalMs: 0.5 },
      { flushIntervalMs: 2 ** 31 },
      { maxAttempts: 0 },
      { retryDelayMs: -1 },
      { queueCapacity: 0 },
    ]) {
      assert.throws(() => new StoreAuditSink(store, options), RangeError, JSON.stringify(options));
    }
  });
});
