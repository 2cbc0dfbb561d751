import type { NewAuditEvent } from '../store/index.js';
import { AuditCoalescer } from './audit-coalescer.js';
import type { AuditedRequest } from './audit-event.js';
import { AuditQueue } from './audit-queue.js';
import type { AuditSink, PrincipalLookup } from './audit-sink.js';
import {
  type AuditCounters,
  type AuditStore,
  AuditWriter,
  type AuditWriterOptions,
  DEFAULT_REGION,
} from './audit-writer.js';
import type { QueuedRequest } from './coalesced-event.js';
import { committedEvent } from './committed-event.js';

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
  /**
   * `audit.durability: strict` (docs/audit.md, "Durability"): every event durable before its
   * answer, through `recordDurably`. Default false: within about a second after the answer (a
   * call that changes state has its event stored with its change either way).
   */
  readonly strict?: boolean;
}

const DEFAULT_QUEUE_CAPACITY = 10_000;

/**
 * The server's audit sink over the store: `record` queues the request's record (or folds it into
 * an identical queued one) and returns at once (it cannot block or fail the request; a full
 * queue drops the record and counts it), and an `AuditWriter` turns queued records into events
 * and stores them in batches. Under `strict` durability the server uses `recordDurably`
 * instead, which waits for the record's batch. The event of a call that changes state is made
 * by `committedEvent` and stored with the change, never queued.
 */
export class StoreAuditSink implements AuditSink {
  readonly #queue: AuditCoalescer;
  readonly #writer: AuditWriter;
  readonly #region: string;
  readonly recordDurably: ((record: AuditedRequest) => Promise<boolean>) | undefined;

  constructor(store: AuditStore, options: StoreAuditSinkOptions = {}) {
    const {
      queueCapacity = DEFAULT_QUEUE_CAPACITY,
      coalesce = true,
      strict = false,
      ...writerOptions
    } = options;
    this.#queue = new AuditCoalescer(new AuditQueue<QueuedRequest>(queueCapacity), coalesce);
    this.#writer = new AuditWriter(store, this.#queue, writerOptions);
    this.#region = writerOptions.region ?? DEFAULT_REGION;
    this.recordDurably = strict ? (record) => this.#recordDurably(record) : undefined;
  }

  get counters(): AuditCounters {
    return this.#writer.counters;
  }

  record(record: AuditedRequest): void {
    if (this.#queue.offer(record) !== 0) this.#writer.notify();
  }

  committedEvent(record: AuditedRequest, principals: PrincipalLookup): Promise<NewAuditEvent> {
    return committedEvent(record, principals, this.#region);
  }

  #recordDurably(record: AuditedRequest): Promise<boolean> {
    const sequence = this.#queue.offer(record);
    return sequence === 0 ? Promise.resolve(false) : this.#writer.settled(sequence);
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
