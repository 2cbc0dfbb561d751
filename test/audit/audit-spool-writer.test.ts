import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { AuditSpool } from '../../src/audit/audit-spool.js';
import type { AuditStore } from '../../src/audit/audit-writer.js';
import { StoreAuditSink } from '../../src/audit/store-audit-sink.js';
import { type KeyFenceStore, openStore } from '../../src/store/index.js';
import { requestRecord, storedRequestIds } from './support.js';

const root = await mkdtemp(join(tmpdir(), 'keyfence-spool-writer-'));
after(() => rm(root, { recursive: true, force: true }));
let runs = 0;

/**
 * A real SQLite store that can be taken away (closed) and brought back (opened again on the same
 * file), the way a database outage looks to the writer; counts the writes it was asked for.
 */
class ComingAndGoingStore implements AuditStore {
  readonly file: string;
  appends = 0;
  #store: KeyFenceStore;

  private constructor(file: string, store: KeyFenceStore) {
    this.file = file;
    this.#store = store;
  }

  static async open(): Promise<ComingAndGoingStore> {
    const file = join(root, `store-${++runs}.db`);
    return new ComingAndGoingStore(file, await openStore({ dialect: 'sqlite', file }));
  }

  async goAway(): Promise<void> {
    await this.#store.close();
  }

  async comeBack(): Promise<void> {
    this.#store = await openStore({ dialect: 'sqlite', file: this.file });
  }

  appendAuditEvents(events: Parameters<AuditStore['appendAuditEvents']>[0]): Promise<void> {
    this.appends++;
    return this.#store.appendAuditEvents(events);
  }

  accessKeyPrincipals(ids: readonly string[]) {
    return this.#store.accessKeyPrincipals(ids);
  }

  /** Every stored event's RequestId (the test records' account), in time order. */
  requestIds(): Promise<string[]> {
    return storedRequestIds(this.#store);
  }

  close(): Promise<void> {
    return this.#store.close();
  }
}

const records = (count: number, from = 0) =>
  Array.from({ length: count }, (_, i) =>
    requestRecord({
      requestId: `R-${String(from + i).padStart(6, '0')}`,
      time: new Date(1_700_000_000_000 + from + i),
    }),
  );

async function openSpool(dir: string, maxBytes = 1_000_000): Promise<AuditSpool> {
  return AuditSpool.open({ dir, maxBytes });
}

function sinkOn(store: AuditStore, spool: AuditSpool, batchSize = 3) {
  return new StoreAuditSink(store, {
    spool,
    batchSize,
    maxAttempts: 2,
    retryDelayMs: 1,
    flushIntervalMs: 3_600_000,
  });
}

async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!(await check())) {
    assert.ok(Date.now() < deadline, `timed out waiting until ${what}`);
    await delay(10);
  }
}

/**
 * A store that has gone away, and a sink on it that spools to a new directory (a spool of
 * `maxBytes`, batches of `batchSize`).
 */
async function duringOutage(maxBytes?: number, batchSize?: number) {
  const store = await ComingAndGoingStore.open();
  const spoolDir = join(root, `spool-${runs}`);
  const sink = sinkOn(store, await openSpool(spoolDir, maxBytes), batchSize);
  await store.goAway();
  return { store, spoolDir, sink };
}

describe('the audit writer with a spool', () => {
  test('batches the store does not take go to the spool, and reach the store when it returns: none lost', async () => {
    const { store, spoolDir, sink } = await duringOutage();

    for (const record of records(7)) sink.record(record);
    await sink.flush();
    assert.equal(
      store.appends,
      2,
      'the first batch is tried maxAttempts times; the others go straight to the spool',
    );
    const outage = sink.counters;
    assert.equal(outage.written, 0);
    assert.equal(outage.failed, 0);
    assert.equal(outage.spooled, 7);
    assert.ok(outage.spoolBytes > 0);
    assert.equal((await readdir(spoolDir)).length, 3);

    await store.comeBack();
    for (const record of records(1, 7)) sink.record(record);
    await sink.flush();
    assert.deepEqual(
      await store.requestIds(),
      records(8).map((r) => r.requestId),
    );
    assert.equal(sink.counters.spooled, 0);
    assert.equal(sink.counters.written, 8);
    assert.deepEqual(await readdir(spoolDir), []);
    await sink.close();
    await store.close();
  });

  test('a spool left by an earlier run is written at start, and a crash before its file was deleted stores nothing twice', async () => {
    const { store, spoolDir, sink: first } = await duringOutage();
    for (const record of records(4)) first.record(record);
    await first.close();
    const files = await readdir(spoolDir);
    const kept = await Promise.all(
      files.map(async (name) => [name, await readFile(join(spoolDir, name))] as const),
    );

    // The next run drains the spool as it starts, with no record to write.
    await store.comeBack();
    const second = sinkOn(store, await openSpool(spoolDir));
    await eventually(async () => (await store.requestIds()).length === 4, 'the spool was drained');
    await second.close();
    assert.deepEqual(await readdir(spoolDir), []);

    // A crash after the store took the events but before the files were deleted: they are still there.
    for (const [name, content] of kept) await writeFile(join(spoolDir, name), content, { mode: 0o600 });
    const third = sinkOn(store, await openSpool(spoolDir));
    await eventually(async () => (await readdir(spoolDir)).length === 0, 'the files were drained again');
    await third.close();
    assert.deepEqual(
      await store.requestIds(),
      records(4).map((r) => r.requestId),
      'each event once',
    );
    await store.close();
  });

  test('closing waits for the spool file a start is writing: none is left stored but not removed', async () => {
    const { store, spoolDir, sink: first } = await duringOutage();
    for (const record of records(3)) first.record(record);
    await first.close();
    assert.equal((await readdir(spoolDir)).length, 1);
    await store.comeBack();
    const spool = await openSpool(spoolDir);
    // Removing the file once the store took its events is slow: the window a close could miss.
    const removeOldest = spool.removeOldest.bind(spool);
    spool.removeOldest = async () => {
      await delay(300);
      return removeOldest();
    };
    const second = sinkOn(store, spool);
    await eventually(async () => (await store.requestIds()).length === 3, 'the store took the events');
    await second.close();
    assert.deepEqual(await readdir(spoolDir), []);
    await store.close();
  });

  test('beyond the spool bound events are dropped and counted, and recording never blocks', async () => {
    const { sink } = await duringOutage(1500, 2);
    for (const record of records(10)) sink.record(record);
    await sink.flush();
    const { spooled, spoolDropped, spoolBytes, failed } = sink.counters;
    assert.ok(spooled >= 1 && spooled < 10, `spooled ${spooled}`);
    assert.equal(spooled + spoolDropped, 10);
    assert.ok(spoolBytes <= 1500);
    assert.equal(failed, 0);
    await sink.close();
  });
});
