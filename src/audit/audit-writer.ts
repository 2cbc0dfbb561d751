import { setTimeout as delay } from 'node:timers/promises';
import { MAX_MILLISECONDS } from '../common/max-milliseconds.js';
import { isStoreError, type KeyFenceStore, type NewAuditEvent } from '../store/index.js';
import { buildAuditEvent } from './audit-event.js';
import type { AuditSpool } from './audit-spool.js';
import type { SpoolEntry } from './audit-spool-entry.js';
import { CoalescedEvent, type QueuedRequest } from './coalesced-event.js';
import { newEventId } from './event-id.js';
import { keyToResolve } from './event-owner.js';
import { toStoredEvent } from './stored-event.js';

/** What the writer needs of the store. */
export type AuditStore = Pick<KeyFenceStore, 'appendAuditEvents' | 'accessKeyPrincipals'>;

/** Where the writer takes what waits: the audit queue behind its coalescer (audit-coalescer.ts). */
export interface AuditBacklog {
  /** Items waiting. */
  readonly depth: number;
  /** Records refused because the queue was full. */
  readonly dropped: number;
  /** Records folded into an event queued before them. */
  readonly coalesced: number;
  /** Removes and returns up to `max` items, oldest first; an event taken takes no more requests. */
  take(max: number): QueuedRequest[];
}

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
  /**
   * Where a batch goes once its attempts have failed, to be written when the store answers again
   * (docs/fail-static.md). Without one, such a batch is given up.
   */
  readonly spool?: AuditSpool;
  /**
   * Told of every failed attempt (and failed spool drain or write); `spooled` when the batch's
   * events went to the spool, `givenUp` when they are lost. Must not throw.
   */
  readonly onError?: (error: unknown, batch: FailedBatch) => void;
}

export interface FailedBatch {
  readonly events: number;
  readonly attempt: number;
  readonly spooled: boolean;
  readonly givenUp: boolean;
  /**
   * Set when the event could not be stored because of its own data (the database refused a
   * value, or the event could not be built), not because the store was away: its ID. It is never
   * retried; with a spool it is set aside there for the operator (`spooled`), else lost (`givenUp`).
   */
  readonly rejectedEventId?: string;
}

/** The audit log's health, for metrics and the operator. All counts since start. */
export interface AuditCounters {
  /** Records waiting to be written. */
  readonly queueDepth: number;
  /** Records refused because the queue was full. */
  readonly dropped: number;
  /**
   * Allowed forward-auth and gateway requests folded into an event queued before them (so
   * stored as part of its `keyfence.count`, not as events of their own).
   */
  readonly coalesced: number;
  /** Events stored by the writer (not those stored with their change: docs/audit.md, "Durability"). */
  readonly written: number;
  /** Events lost because their batch failed every attempt and could not be spooled. */
  readonly failed: number;
  /**
   * Events that could not be stored because of their own data (see FailedBatch.rejectedEventId):
   * set aside in the spool when there is one, lost otherwise.
   */
  readonly rejected: number;
  /** Events in the on-disk spool, waiting for the store (0 without a spool). */
  readonly spooled: number;
  readonly spoolBytes: number;
  /** Events dropped because the spool was full or could not be written. */
  readonly spoolDropped: number;
  /** Spooled lines that could not be read back (cut short by a crash, or damaged): events lost. */
  readonly spoolUnreadable: number;
}

/** ActionTrail's `acsRegion` of every event unless told otherwise. */
export const DEFAULT_REGION = 'cn-hangzhou';

const DEFAULTS = {
  batchSize: 500,
  flushIntervalMs: 1000,
  maxAttempts: 3,
  retryDelayMs: 250,
  region: DEFAULT_REGION,
} as const;

/**
 * Drains the audit queue into the store, off the request path: a batch as soon as `batchSize`
 * records wait, and whatever waits every `flushIntervalMs`. One batch is in flight at a time;
 * records keep queueing meanwhile (and are dropped, counted, when the queue is full). A batch is
 * turned into events (one store read for the user and role IDs it names, one insert) and retried
 * with backoff a bounded number of times: the log never holds up requests, so it cannot wait
 * forever for a database that is gone. Then the batch goes to the spool, if there is one, or is
 * given up.
 *
 * While the spool holds anything, each pass first offers it to the store, oldest file first,
 * one file between batches; once the store refuses, the pass's batches go straight to the spool
 * (the queue never fills up behind a dead database), and the next pass tries again.
 *
 * An event the store refuses for its own data (`Store.InvalidData`: a value the database cannot
 * hold; every retry would fail the same way) must not hold up the others, from the queue or from
 * the spool: its batch is halved until the refused events are alone, the rest is stored, and
 * those are reported, counted (`rejected`) and set aside in the spool.
 */
export class AuditWriter {
  readonly #store: AuditStore;
  readonly #queue: AuditBacklog;
  readonly #options: Required<Omit<AuditWriterOptions, 'onError' | 'spool'>>;
  readonly #spool: AuditSpool | undefined;
  readonly #onError: (error: unknown, batch: FailedBatch) => void;
  #timer: NodeJS.Timeout | undefined;
  #draining: Promise<void> | undefined;
  /**
   * How many items must have been taken once the pass in flight ends: everything queued when the
   * timer or a flush last asked. Beyond it a pass takes full batches only.
   */
  #owedUntil = 0;
  /** Items taken from the queue, and those whose batch has since been written or given up. */
  #taken = 0;
  #settled = 0;
  #written = 0;
  #failed = 0;
  #rejected = 0;
  /** Callers of `settled`, in no particular order; each is told once its item's batch settles. */
  #waiters: Waiter[] = [];

  constructor(store: AuditStore, queue: AuditBacklog, options: AuditWriterOptions = {}) {
    const { onError = () => {}, spool, ...rest } = options;
    this.#options = { ...DEFAULTS, ...definedOnly(rest) };
    for (const name of ['batchSize', 'flushIntervalMs', 'maxAttempts'] as const) {
      const value = this.#options[name];
      if (!Number.isInteger(value) || value < 1) {
        throw new RangeError(`audit writer ${name} must be a positive integer, got ${value}`);
      }
    }
    // Node turns a longer interval into 1 ms.
    if (this.#options.flushIntervalMs > MAX_MILLISECONDS) {
      throw new RangeError(`audit writer flushIntervalMs must be at most ${MAX_MILLISECONDS}`);
    }
    if (!(this.#options.retryDelayMs >= 0)) {
      throw new RangeError(
        `audit writer retryDelayMs must not be negative, got ${this.#options.retryDelayMs}`,
      );
    }
    this.#store = store;
    this.#queue = queue;
    this.#spool = spool;
    this.#onError = onError;
    this.#timer = setInterval(() => void this.#drain(true), this.#options.flushIntervalMs);
    // The timer alone must not keep a process alive; shutdown calls `close`.
    this.#timer.unref();
    // What an earlier run spooled is written as soon as the store takes it.
    if (spool?.waiting) void this.#drain(true);
  }

  get counters(): AuditCounters {
    const spool = this.#spool?.counters;
    return {
      queueDepth: this.#queue.depth,
      dropped: this.#queue.dropped,
      coalesced: this.#queue.coalesced,
      written: this.#written,
      failed: this.#failed,
      rejected: this.#rejected,
      spooled: spool?.entries ?? 0,
      spoolBytes: spool?.bytes ?? 0,
      spoolDropped: spool?.dropped ?? 0,
      spoolUnreadable: spool?.unreadable ?? 0,
    };
  }

  /** Called after a record was queued: starts writing when a full batch waits. */
  notify(): void {
    if (this.#queue.depth >= this.#options.batchSize) void this.#drain(false);
  }

  /**
   * Resolves once the queue item at `sequence` (AuditCoalescer.offer) is settled: true when its
   * batch was stored or kept in the spool (written and fsync'd), false when it was given up.
   * Writes at once rather than at the next full batch or tick: whatever arrives while a batch is
   * being written goes in the next one, so under load each commit still serves many requests
   * (a group commit) and the wait is about one commit. For `audit.durability: strict`.
   */
  settled(sequence: number): Promise<boolean> {
    const waiting = new Promise<boolean>((resolve) => {
      this.#waiters.push({ sequence, resolve });
    });
    void this.#drain(true);
    return waiting;
  }

  /**
   * Resolves once every record queued before the call is written, spooled or given up; never
   * rejects. Records queued meanwhile may be written too, but are not waited for.
   */
  async flush(): Promise<void> {
    const target = this.#taken + this.#queue.depth;
    while (this.#settled < target) await this.#drain(true);
  }

  /**
   * Stops the timer and writes what is queued: for shutdown, once no more records arrive. Also
   * waits for a pass under way, which may be writing a spool file with no record queued (the one
   * a start drains): closed, the writer has left no file stored but not yet removed.
   */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.flush();
    await this.#draining;
  }

  /**
   * Starts a writing pass unless one is in flight. A pass started because a batch is full writes
   * full batches only, leaving the rest for the next full batch or the timer: under load every
   * batch is a full one, and its per-batch costs (a commit, on SQLite an fsync; the hand-over to
   * the store) are shared by `batchSize` events rather than by the few that arrived meanwhile.
   */
  #drain(everything: boolean): Promise<void> {
    if (everything) this.#owedUntil = Math.max(this.#owedUntil, this.#taken + this.#queue.depth);
    this.#draining ??= this.#writeAll().finally(() => {
      this.#draining = undefined;
    });
    return this.#draining;
  }

  async #writeAll(): Promise<void> {
    // Only with a spool does one refusal send the rest of the pass to it; without one, every
    // batch gets its own attempts.
    let storeAnswers = true;
    for (;;) {
      if (storeAnswers && this.#spool?.waiting) storeAnswers = await this.#drainOldestSpooled();
      // What arrives while the pass writes what it owes waits for a full batch or the next tick:
      // chasing it would write a steady trickle one small batch (a commit) after another, and
      // close coalesced events as fast as the store commits.
      const owed = this.#owedUntil > this.#taken;
      if (this.#queue.depth === 0 || (!owed && this.#queue.depth < this.#options.batchSize)) {
        if (storeAnswers && this.#spool?.waiting) continue;
        return;
      }
      const items = this.#queue.take(this.#options.batchSize);
      this.#taken += items.length;
      const entries = items.map(entryOf);
      const stored = (storeAnswers || this.#spool === undefined) && (await this.#writeBatch(entries));
      let kept = stored;
      if (!stored) {
        storeAnswers = false;
        kept = await this.#keep(entries);
      }
      this.#settled += items.length;
      if (this.#waiters.length > 0) this.#wake(kept);
    }
  }

  /**
   * Tells the waiters whose items are now settled: all of them were in the batch just settled,
   * since those of earlier batches were told then.
   */
  #wake(kept: boolean): void {
    const waiting: Waiter[] = [];
    for (const waiter of this.#waiters) {
      if (waiter.sequence <= this.#settled) waiter.resolve(kept);
      else waiting.push(waiter);
    }
    this.#waiters = waiting;
  }

  /** Tries `maxAttempts` times; true once stored, false when every attempt failed. */
  async #writeBatch(entries: readonly SpoolEntry[]): Promise<boolean> {
    const willSpool = this.#spool !== undefined;
    for (let attempt = 1; ; attempt++) {
      try {
        this.#written += await this.#storeEntries(entries, attempt);
        return true;
      } catch (error) {
        const last = attempt >= this.#options.maxAttempts;
        this.#report(error, {
          events: entries.length,
          attempt,
          spooled: last && willSpool,
          givenUp: last && !willSpool,
        });
        if (last) return false;
        await delay(this.#options.retryDelayMs * 2 ** (attempt - 1));
      }
    }
  }

  /** A batch the store did not take: to the spool (true once all of it is there), or lost. */
  async #keep(entries: readonly SpoolEntry[]): Promise<boolean> {
    if (this.#spool === undefined) {
      this.#failed += entries.length;
      return false;
    }
    try {
      // Beyond the spool's bound the rest is dropped (counted by the spool): which waiter's event
      // that was is not known, so none of them counts as kept.
      return (await this.#spool.append(entries)) === entries.length;
    } catch (error) {
      // Counted by the spool as dropped.
      this.#report(error, { events: entries.length, attempt: 0, spooled: false, givenUp: true });
      return false;
    }
  }

  /** Offers the oldest spool file to the store once; true when it was stored (and deleted). */
  async #drainOldestSpooled(): Promise<boolean> {
    const spool = this.#spool!;
    let entries: SpoolEntry[] | undefined;
    let stored = 0;
    try {
      entries = await spool.readOldest();
      if (entries === undefined) return true;
      if (entries.length > 0) stored = await this.#storeEntries(entries, 1);
      await spool.removeOldest();
    } catch (error) {
      this.#report(error, { events: entries?.length ?? 0, attempt: 1, spooled: true, givenUp: false });
      return false;
    }
    this.#written += stored;
    return true;
  }

  /**
   * Stores the entries' events, but for those refused for their own data, which are set aside;
   * resolves with how many were stored. Throws when the store failed otherwise: the batch is
   * tried again then, and what already went in is skipped by event ID.
   */
  async #storeEntries(entries: readonly SpoolEntry[], attempt: number): Promise<number> {
    const { built, refused } = await this.#events(entries);
    refused.push(...(await this.#append(built)));
    if (refused.length > 0) await this.#setAside(refused, attempt);
    return entries.length - refused.length;
  }

  /** The events of a batch: one store read for the user and role IDs it names. */
  async #events(entries: readonly SpoolEntry[]): Promise<{ built: Built[]; refused: Refused[] }> {
    const keys = entries.map(({ record }) => keyToResolve(record));
    const wanted = keys.filter((key): key is string => key !== null);
    const principals = wanted.length === 0 ? new Map() : await this.#store.accessKeyPrincipals(wanted);
    const built: Built[] = [];
    const refused: Refused[] = [];
    entries.forEach((entry, index) => {
      const key = keys[index]!;
      const principal = key === null ? undefined : principals.get(key);
      const context = {
        eventId: entry.eventId,
        folded: entry.folded,
        principal,
        region: this.#options.region,
      };
      try {
        built.push({ entry, event: toStoredEvent(buildAuditEvent(entry.record, context)) });
      } catch (error) {
        // A record no event can be made of (a spool line from another version, say) is refused
        // like data the database refuses: it would fail every time.
        refused.push({ entry, error });
      }
    });
    return { built, refused };
  }

  /**
   * Appends the events; when the store refuses their data, halves the batch until the refused
   * events are alone, stores the rest, and returns those. Throws any other failure.
   */
  async #append(built: readonly Built[]): Promise<Refused[]> {
    if (built.length === 0) return [];
    try {
      await this.#store.appendAuditEvents(built.map(({ event }) => event));
      return [];
    } catch (error) {
      if (!isStoreError(error, 'Store.InvalidData')) throw error;
      if (built.length === 1) return [{ entry: built[0]!.entry, error }];
      const half = Math.ceil(built.length / 2);
      const first = await this.#append(built.slice(0, half));
      return [...first, ...(await this.#append(built.slice(half)))];
    }
  }

  /** Reports and counts each refused event, and keeps them in the spool if there is one. */
  async #setAside(refused: readonly Refused[], attempt: number): Promise<void> {
    this.#rejected += refused.length;
    let kept = 0;
    if (this.#spool !== undefined) {
      try {
        kept = await this.#spool.setAside(refused.map(({ entry }) => entry));
      } catch (error) {
        // Counted by the spool as dropped.
        this.#report(error, { events: refused.length, attempt: 0, spooled: false, givenUp: true });
      }
    }
    refused.forEach(({ entry, error }, index) => {
      this.#report(error, {
        events: 1,
        attempt,
        spooled: index < kept,
        givenUp: index >= kept,
        rejectedEventId: entry.eventId,
      });
    });
  }

  #report(error: unknown, batch: FailedBatch): void {
    try {
      this.#onError(error, batch);
    } catch {
      // A failing reporter must not stop the writer; there is nowhere left to report it.
    }
  }
}

/**
 * A taken item as the writer keeps it until stored. Its event ID is chosen once, so that a retry
 * of a batch whose commit was lost is recognised by the store.
 */
function entryOf(item: QueuedRequest): SpoolEntry {
  if (!(item instanceof CoalescedEvent)) return { eventId: newEventId(item.time.getTime()), record: item };
  const { record, count, lastArrival } = item;
  const eventId = newEventId(record.time.getTime());
  return count === 1
    ? { eventId, record }
    : { eventId, record, folded: { count, lastTime: new Date(lastArrival) } };
}

/** A caller of `settled`: its item's place in the queue's order, and how to tell it. */
interface Waiter {
  readonly sequence: number;
  readonly resolve: (kept: boolean) => void;
}

/** An entry whose event is built, ready for the store. */
interface Built {
  readonly entry: SpoolEntry;
  readonly event: NewAuditEvent;
}

/** An entry whose event cannot be stored because of its own data, and why. */
interface Refused {
  readonly entry: SpoolEntry;
  readonly error: unknown;
}

/** `options` without its undefined entries, so that they do not override the defaults. */
function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}
