import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { NewAuditEvent } from '../queries/audit-events.js';
import type { RetainedTableName } from '../queries/retention.js';
import { StoreError } from '../store-error.js';
import type { AuditWorkerData, AuditWorkerReply, AuditWorkerRequest } from './sqlite-audit-worker.js';
import type { WriteQueue } from './sqlite-connection.js';
import type { SqliteStoreConfig } from './sqlite-store-config.js';

interface Pending {
  readonly resolve: (deleted: number) => void;
  readonly reject: (error: StoreError) => void;
}

/**
 * Audit inserts (and retention's deletions) on a thread of their own. better-sqlite3 is synchronous, and inserting a batch
 * and committing it (its pages written to the WAL, an fsync, now and then a checkpoint) cost the
 * thread serving requests 40 to 90 µs per event: more than serving a request. The worker
 * (sqlite-audit-worker.ts) has its own connection; each batch takes its turn in the process's
 * write queue like every other write, so a write on this thread never waits for SQLite's lock
 * while the worker holds it (which would block the event loop; see writeQueueFor).
 *
 * The worker starts with the first batch (a store that never audits never starts one) and keeps
 * the process alive only while a batch is in flight. If it dies, the batch in flight fails with
 * `Store.Database` and the next batch starts a new one.
 */
export class SqliteAuditAppender {
  readonly #data: AuditWorkerData;
  readonly #writers: WriteQueue;
  #worker: Worker | undefined;
  #pending: Pending | undefined;
  #closed = false;

  constructor(config: SqliteStoreConfig, writers: WriteQueue) {
    this.#data = { config: { dialect: 'sqlite', file: config.file, busyTimeoutMs: config.busyTimeoutMs } };
    this.#writers = writers;
  }

  async append(events: readonly NewAuditEvent[]): Promise<void> {
    await this.#writers.run(() => this.#send({ kind: 'append', events }));
  }

  /** One retention batch (retainedBatchDeletion), in the write queue like a batch of events. */
  deleteRetained(table: RetainedTableName, beforeDay: number, limit: number): Promise<number> {
    return this.#writers.run(() => this.#send({ kind: 'delete-retained', table, beforeDay, limit }));
  }

  /** Waits for the batch in flight, then closes the worker's connection and ends it. */
  close(): Promise<void> {
    this.#closed = true;
    return this.#writers.run(async () => {
      const worker = this.#worker;
      if (worker === undefined) return;
      this.#worker = undefined;
      const exited = once(worker, 'exit');
      worker.ref();
      worker.postMessage({ kind: 'close' } satisfies AuditWorkerRequest);
      await exited;
    });
  }

  #send(request: AuditWorkerRequest): Promise<number> {
    // As every other call on a closed store.
    if (this.#closed) {
      return Promise.reject(
        new StoreError('Store.Database', undefined, { cause: new Error('the store is closed') }),
      );
    }
    const worker = this.#worker ?? this.#start();
    return new Promise((resolve, reject) => {
      try {
        worker.postMessage(request);
      } catch (cause) {
        // A value that cannot be copied to the worker (DataCloneError): the batch, not the database.
        reject(new StoreError('Store.InvalidData', undefined, { cause }));
        return;
      }
      this.#pending = { resolve, reject };
      worker.ref();
    });
  }

  #start(): Worker {
    const worker = startWorker(this.#data);
    worker.unref();
    worker.on('message', (reply: AuditWorkerReply) => {
      worker.unref();
      if (reply.ok) this.#settle(undefined, reply.deleted);
      else {
        const cause = Object.assign(new Error(reply.message), { code: reply.code });
        this.#settle(
          new StoreError(reply.invalidData ? 'Store.InvalidData' : 'Store.Database', undefined, { cause }),
        );
      }
    });
    worker.on('error', (error) => this.#lost(worker, error));
    worker.on('exit', (code) => this.#lost(worker, new Error(`the audit worker exited with code ${code}`)));
    this.#worker = worker;
    return worker;
  }

  #settle(error: StoreError | undefined, deleted = 0): void {
    const pending = this.#pending;
    this.#pending = undefined;
    if (error === undefined) pending?.resolve(deleted);
    else pending?.reject(error);
  }

  #lost(worker: Worker, cause: unknown): void {
    if (this.#worker !== worker) return;
    this.#worker = undefined;
    this.#settle(new StoreError('Store.Database', undefined, { cause }));
  }
}

/**
 * Compiled, the worker is the .js file beside this one. Run from the TypeScript sources (tests,
 * benchmarks: `node --import tsx`), a worker thread does not get tsx's loader (Node 20 does not
 * hand module hooks on to workers), so it registers tsx before it loads the .ts file. Either way
 * it takes none of this process's Node options: it needs none, and some (`--input-type`) would
 * stop it from starting.
 */
function startWorker(workerData: AuditWorkerData): Worker {
  const options = { workerData, execArgv: [] };
  if (!fileURLToPath(import.meta.url).endsWith('.ts')) {
    return new Worker(new URL('./sqlite-audit-worker.js', import.meta.url), options);
  }
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const entry = JSON.stringify(new URL('./sqlite-audit-worker.ts', import.meta.url).href);
  return new Worker(`import(${tsx}).then((tsx) => { tsx.register(); return import(${entry}); });`, {
    ...options,
    eval: true,
  });
}
