import type { AuditSink } from '../server/rpc/audit-sink.js';
import { AuditCoalescer } from './audit-coalescer.js';
import type { AuditedRequest } from './audit-event.js';
import { AuditQueue } from './audit-queue.js';
import { type AuditCounters, type AuditStore, AuditWriter, type AuditWriterOptions } from './audit-writer.js';
import type { QueuedRequest } from './coalesced-event.js';

export interface StoreAuditSinkOptions extends AuditWriterOptions {
  /**
   * Items (records, or events standing for several identical requests) held while the writer
   * catches up; beyond that they are dropped and counted. Default 10,000.
   */
  readonly queueCapacity?: number;
  /**
   * Whether identical allowed forward-auth and gateway requests of one second share one event
   * (audit-coalescer.ts, docs/audit.md). Default true; false stores every request as its own.
   */
  readonly coalesce?: boolean;
}

const DEFAULT_QUEUE_CAPACITY = 10_000;

/**
 * The server's audit sink over the store: `record` queues the request's record (or folds it into
 * an identical queued one) and returns at once (it cannot block or fail the request; a full
 * queue drops the record and counts it), and an `AuditWriter` turns queued records into events
 * and stores them in batches.
 */
export class StoreAuditSink implements AuditSink {
  readonly #queue: AuditCoalescer;
  readonly #writer: AuditWriter;

  constructor(store: AuditStore, options: StoreAuditSinkOptions = {}) {
    const { queueCapacity = DEFAULT_QUEUE_CAPACITY, coalesce = true, ...writerOptions } = options;
    this.#queue = new AuditCoalescer(new AuditQueue<QueuedRequest>(queueCapacity), coalesce);
    this.#writer = new AuditWriter(store, this.#queue, writerOptions);
  }

  get counters(): AuditCounters {
    return this.#writer.counters;
  }

  record(record: AuditedRequest): void {
    if (this.#queue.offer(record)) this.#writer.notify();
  }

  /** Writes what is queued; resolves (never rejects) once it is stored or given up. */
  flush(): Promise<void> {
    return this.#writer.flush();
  }

  /** Stops the periodic writes and writes what is queued: for shutdown, after the last request. */
  close(): Promise<void> {
    return this.#writer.close();
  }
}
