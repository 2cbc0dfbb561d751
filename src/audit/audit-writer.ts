import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { KeyFenceStore } from '../store/index.js';
import { type AuditedRequest, buildAuditEvent } from './audit-event.js';
import type { AuditQueue } from './audit-queue.js';
import { keyToResolve } from './event-owner.js';
import { toStoredEvent } from './stored-event.js';

/** What the writer needs of the store. */
export type AuditStore = Pick<KeyFenceStore, 'appendAuditEvents' | 'accessKeyPrincipals'>;

export interface AuditWriterOptions {
  /** A batch is written as soon as this many records wait, and holds at most this many. Default 500. */
  readonly batchSize?: number;
  /** Whatever waits is written at least this often. Default 1000 ms. */
  readonly flushIntervalMs?: number;
  /** Attempts to write one batch before its events are given up. Default 3. */
  readonly maxAttempts?: number;
  /** Wait before the first retry, doubled before each further one. Default 250 ms. */
  readonly retryDelayMs?: number;
  /** ActionTrail's `acsRegion` of every event. Default `cn-hangzhou`. */
  readonly region?: string;
  /** Told of every failed attempt; `givenUp` when the batch's events are lost. Must not throw. */
  readonly onError?: (error: unknown, batch: FailedBatch) => void;
}

export interface FailedBatch {
  readonly events: number;
  readonly attempt: number;
  readonly givenUp: boolean;
}

/** The audit log's health, for metrics and the operator. All counts since start. */
export interface AuditCounters {
  /** Records waiting to be written. */
  readonly queueDepth: number;
  /** Records refused because the queue was full. */
  readonly dropped: number;
  /** Events stored. */
  readonly written: number;
  /** Events lost because their batch failed every attempt. */
  readonly failed: number;
}

const DEFAULTS = {
  batchSize: 500,
  flushIntervalMs: 1000,
  maxAttempts: 3,
  retryDelayMs: 250,
  region: 'cn-hangzhou',
} as const;

const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Drains the audit queue into the store, off the request path: a batch as soon as `batchSize`
 * records wait, and whatever waits every `flushIntervalMs`. One batch is in flight at a time;
 * records keep queueing meanwhile (and are dropped, counted, when the queue is full). A batch is
 * turned into events (one store read for the user and role IDs it names, one insert), retried
 * with backoff a bounded number of times, then given up: the log never holds up requests, so it
 * cannot wait forever for a database that is gone.
 */
export class AuditWriter {
  readonly #store: AuditStore;
  readonly #queue: AuditQueue<AuditedRequest>;
  readonly #options: Required<Omit<AuditWriterOptions, 'onError'>>;
  readonly #onError: (error: unknown, batch: FailedBatch) => void;
  #timer: NodeJS.Timeout | undefined;
  #draining: Promise<void> | undefined;
  /** Records taken from the queue, and those whose batch has since been written or given up. */
  #taken = 0;
  #settled = 0;
  #written = 0;
  #failed = 0;

  constructor(store: AuditStore, queue: AuditQueue<AuditedRequest>, options: AuditWriterOptions = {}) {
    const { onError = () => {}, ...rest } = options;
    this.#options = { ...DEFAULTS, ...definedOnly(rest) };
    for (const name of ['batchSize', 'flushIntervalMs', 'maxAttempts'] as const) {
      const value = this.#options[name];
      if (!Number.isInteger(value) || value < 1) {
        throw new RangeError(`audit writer ${name} must be a positive integer, got ${value}`);
      }
    }
    // Node turns a longer interval into 1 ms.
    if (this.#options.flushIntervalMs > MAX_TIMER_MS) {
      throw new RangeError(`audit writer flushIntervalMs must be at most ${MAX_TIMER_MS}`);
    }
    if (!(this.#options.retryDelayMs >= 0)) {
      throw new RangeError(
        `audit writer retryDelayMs must not be negative, got ${this.#options.retryDelayMs}`,
      );
    }
    this.#store = store;
    this.#queue = queue;
    this.#onError = onError;
    this.#timer = setInterval(() => void this.#drain(), this.#options.flushIntervalMs);
    // The timer alone must not keep a process alive; shutdown calls `close`.
    this.#timer.unref();
  }

  get counters(): AuditCounters {
    return {
      queueDepth: this.#queue.depth,
      dropped: this.#queue.dropped,
      written: this.#written,
      failed: this.#failed,
    };
  }

  /** Called after a record was queued: starts writing when a full batch waits. */
  notify(): void {
    if (this.#queue.depth >= this.#options.batchSize) void this.#drain();
  }

  /**
   * Resolves once every record queued before the call is written or given up; never rejects.
   * Records queued meanwhile may be written too, but are not waited for.
   */
  async flush(): Promise<void> {
    const target = this.#taken + this.#queue.depth;
    while (this.#settled < target) await this.#drain();
  }

  /** Stops the timer and writes what is queued: for shutdown, once no more records arrive. */
  close(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    return this.flush();
  }

  #drain(): Promise<void> {
    this.#draining ??= this.#writeAll().finally(() => {
      this.#draining = undefined;
    });
    return this.#draining;
  }

  async #writeAll(): Promise<void> {
    while (this.#queue.depth > 0) {
      const records = this.#queue.take(this.#options.batchSize);
      this.#taken += records.length;
      await this.#writeBatch(records);
      this.#settled += records.length;
    }
  }

  async #writeBatch(records: readonly AuditedRequest[]): Promise<void> {
    // Chosen once, so that a retry of a batch whose commit was lost is recognised by the store.
    const eventIds = records.map(() => randomUUID().toUpperCase());
    const keys = records.map(keyToResolve);
    const wanted = keys.filter((key): key is string => key !== null);
    for (let attempt = 1; ; attempt++) {
      try {
        const principals = wanted.length === 0 ? new Map() : await this.#store.accessKeyPrincipals(wanted);
        const events = records.map((record, index) => {
          const key = keys[index]!;
          const principal = key === null ? undefined : principals.get(key);
          return toStoredEvent(
            buildAuditEvent(record, { eventId: eventIds[index]!, principal, region: this.#options.region }),
          );
        });
        await this.#store.appendAuditEvents(events);
        this.#written += records.length;
        return;
      } catch (error) {
        const givenUp = attempt >= this.#options.maxAttempts;
        this.#report(error, { events: records.length, attempt, givenUp });
        if (givenUp) {
          this.#failed += records.length;
          return;
        }
        await delay(this.#options.retryDelayMs * 2 ** (attempt - 1));
      }
    }
  }

  #report(error: unknown, batch: FailedBatch): void {
    try {
      this.#onError(error, batch);
    } catch {
      // A failing reporter must not stop the writer; there is nowhere left to report it.
    }
  }
}

/** `options` without its undefined entries, so that they do not override the defaults. */
function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}
