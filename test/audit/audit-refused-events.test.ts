/**
 * An event the database refuses for its own data, on SQLite and PostgreSQL: it must not hold up
 * the events around it, in the queue or in a spool file. The store is real; what it is handed
 * for one request is spoiled on the way in, the way a value no cleaning foresaw would be (a NULL
 * where SQLite takes none, a NUL byte PostgreSQL refuses in text).
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { AuditSpool } from '../../src/audit/audit-spool.js';
import type { AuditStore, FailedBatch } from '../../src/audit/audit-writer.js';
import { StoreAuditSink } from '../../src/audit/store-audit-sink.js';
import { isStoreError, type KeyFenceStore, type NewAuditEvent } from '../../src/store/index.js';
import { useDialects } from '../store/support/dialects.js';
import { storeHarness } from '../store/support/store-harness.js';
import { requestRecord, storedRequestIds } from './support.js';

const root = await mkdtemp(join(tmpdir(), 'keyfence-refused-'));
after(() => rm(root, { recursive: true, force: true }));
let spools = 0;

const POISON = 'R-POISON';

/** The real store, but the event of request `R-POISON` reaches it with a value the database refuses. */
class SpoilingStore implements AuditStore {
  readonly #store: KeyFenceStore;
  readonly #spoil: (event: NewAuditEvent) => NewAuditEvent;
  appends = 0;

  constructor(store: KeyFenceStore, dialect: 'sqlite' | 'postgres') {
    this.#store = store;
    this.#spoil =
      dialect === 'sqlite'
        ? (event) => ({ ...event, requestId: null as unknown as string })
        : (event) => ({ ...event, accessKeyId: 'LTAI\u0000' });
  }

  appendAuditEvents(events: readonly NewAuditEvent[]): Promise<void> {
    this.appends++;
    return this.#store.appendAuditEvents(
      events.map((event) => (event.requestId === POISON ? this.#spoil(event) : event)),
    );
  }

  accessKeyPrincipals(ids: readonly string[]) {
    return this.#store.accessKeyPrincipals(ids);
  }

  /** Every stored event's RequestId, in time order. */
  requestIds(): Promise<string[]> {
    return storedRequestIds(this.#store);
  }
}

const records = (ids: readonly string[], from = 0) =>
  ids.map((requestId, i) => requestRecord({ requestId, time: new Date(1_700_000_000_000 + from + i) }));

const IDS = ['R-1', 'R-2', 'R-3', POISON, 'R-5', 'R-6', 'R-7'];

for (const fixture of useDialects()) {
  describe(`an event the database refuses, on ${fixture.name}`, () => {
    const harness = storeHarness(fixture);

    async function setUp() {
      const { store } = await harness.fresh();
      const spoiling = new SpoilingStore(store, fixture.name);
      const spoolDir = join(root, `spool-${++spools}`);
      const spool = await AuditSpool.open({ dir: spoolDir, maxBytes: 1_000_000 });
      const errors: Array<{ error: unknown; batch: FailedBatch }> = [];
      const sink = new StoreAuditSink(spoiling, {
        spool,
        flushIntervalMs: 3_600_000,
        retryDelayMs: 1,
        onError: (error, batch) => errors.push({ error, batch }),
      });
      return { spoiling, spoolDir, spool, sink, errors };
    }

    /** The one file the refused event was set aside in, and the event IDs it holds. */
    async function setAside(spoolDir: string): Promise<string[]> {
      const names = await readdir(spoolDir);
      assert.equal(names.length, 1, names.join(', '));
      assert.match(names[0]!, /^rejected-\d{12}-1\.jsonl$/);
      const text = await readFile(join(spoolDir, names[0]!), 'utf8');
      return text
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line).record.requestId as string);
    }

    test('from the queue: the rest of its batch is stored, it is reported, counted and set aside', async () => {
      const { spoiling, spoolDir, sink, errors } = await setUp();
      for (const record of records(IDS)) sink.record(record);
      await sink.flush();
      for (const record of records(['R-8'], 7)) sink.record(record);
      await sink.flush();
      assert.deepEqual(await spoiling.requestIds(), [...IDS.filter((id) => id !== POISON), 'R-8']);
      assert.equal(sink.counters.written, 7);
      assert.equal(sink.counters.rejected, 1);
      assert.equal(sink.counters.spooled, 0, 'nothing waits to be drained');
      assert.equal(errors.length, 1);
      const [{ error, batch }] = errors as [{ error: unknown; batch: FailedBatch }];
      assert.ok(isStoreError(error, 'Store.InvalidData'), String(error));
      assert.equal(batch.events, 1);
      assert.equal(batch.spooled, true);
      assert.equal(batch.givenUp, false);
      assert.match(batch.rejectedEventId ?? '', /^[0-9A-F]{8}-/);
      assert.deepEqual(await setAside(spoolDir), [POISON]);
      await sink.close();
    });

    test('from a spool file: the file is drained, the event set aside, and nothing after it waits', async () => {
      const { spoiling, spoolDir, spool, sink, errors } = await setUp();
      await sink.close();
      // What an outage left behind: one spool file holding the refused event among others.
      await spool.append(records(IDS).map((record, i) => ({ eventId: `E-${i}`, record })));
      const next = new StoreAuditSink(spoiling, {
        spool,
        flushIntervalMs: 3_600_000,
        onError: (error, batch) => errors.push({ error, batch }),
      });
      for (const record of records(['R-8'], 7)) next.record(record);
      await next.flush();
      assert.deepEqual(await spoiling.requestIds(), [...IDS.filter((id) => id !== POISON), 'R-8']);
      assert.equal(spool.waiting, false);
      assert.deepEqual(
        errors.map(({ batch }) => batch.rejectedEventId),
        ['E-3'],
      );
      assert.deepEqual(await setAside(spoolDir), [POISON]);
      const appends = spoiling.appends;
      for (const record of records(['R-9'], 8)) next.record(record);
      await next.close();
      assert.equal(spoiling.appends, appends + 1, 'the set-aside file is never offered again');
      assert.deepEqual(await setAside(spoolDir), [POISON]);
    });
  });
}
