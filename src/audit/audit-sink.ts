import type { AuditSink } from '../server/rpc/audit-sink.js';
import type { AuditedRequest } from './audit-event.js';
import { AuditQueue } from './audit-queue.js';
import { type AuditCounters, type AuditStore, AuditWriter, type AuditWriterOptions } from './audit-writer.js';

export interface StoreAuditSinkOptions extends AuditWriterOptions {
  /** Records held while the writer catches up; beyond that they are dropped and counted. Default 10,000. */
  readonly queueCapacity?: number;
}

const DEFAULT_QUEUE_CAPACITY = 10_000;

/**
 * The server's audit sink over the store: `record` queues the request's record and returns at
 * once (it cannot block or fail the request; a full queue drops the record and counts it), and
 * an `AuditWriter` turns queued records into events and stores them in batches.
 */
export class StoreAuditSink implements AuditSink {
  readonly #queue: AuditQueue<AuditedRequest>;
  readonly #writer: AuditWriter;

  constructor(store: AuditStore, options: StoreAuditSinkOptions = {}) {
    const { queueCapacity = DEFAULT_QUEUE_CAPACITY, ...writerOptions } = options;
    this.#queue = new AuditQueue(queueCapacity);
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
