import { setImmediate as yieldToEvents } from 'node:timers/promises';
import type { Chore } from '../common/chore.js';
import { MAX_MILLISECONDS } from '../common/max-milliseconds.js';
import { DAY_MS, utcDayOf } from '../common/utc-day.js';
import {
  type DailyLease,
  type KeyFenceStore,
  RETAINED_TABLE_NAMES,
  type RetainedTableName,
} from '../store/index.js';

/**
 * How long a node holds the retention lease without renewing it (it renews after every batch):
 * a node that dies mid-pass leaves the rest to another node this long after its last batch.
 */
const RETENTION_LEASE_MS = 5 * 60_000;

/** Rows deleted, per retained table. */
export type RetentionCounts = Record<RetainedTableName, number>;

export interface AuditRetentionOptions {
  /** This node's ID: the lease's holder. */
  readonly nodeId: string;
  /** `audit.retentionDays`: whole UTC days kept before today's. */
  readonly days: number;
  /** How often the node asks whether today's pass is due; at most a node timer's 2^31 - 1 ms. */
  readonly checkMs: number;
  /** Rows deleted per statement. */
  readonly batchRows: number;
  /** The clock that names today (the one audit events are stamped with). */
  readonly now: () => Date;
  /** A pass this node ran: once per pass, however it ended short of an error. */
  readonly onPass: (pass: RetentionPass) => void;
  /** A pass that failed; the lease is given back unfinished, for the next check. Must not throw. */
  readonly onError: (error: unknown) => void;
}

/** What one pass did. */
export interface RetentionPass {
  /** The UTC day it ran for. */
  readonly day: Date;
  /** Rows dated before this were deleted. */
  readonly before: Date;
  readonly deleted: RetentionCounts;
  /**
   * `finished`: nothing older is left, and no node runs the pass again today; `stopped`: this
   * node is stopping; `lease-lost`: another node holds the lease (this one's had expired).
   */
  readonly outcome: 'finished' | 'stopped' | 'lease-lost';
  readonly durationMs: number;
}

type RetainingStore = Pick<KeyFenceStore, 'takeDailyLease' | 'releaseDailyLease' | 'deleteRetainedBatch'>;

/**
 * Deletes audit data older than `days` UTC days before today (docs/audit.md, "Retention"), once
 * a UTC day for a whole deployment: every node asks every `checkMs` (its `chore`), and only the
 * one that takes the store's lease for today runs the pass; the others find it held or done.
 * The pass deletes `batchRows` rows per statement, each its own transaction, yields to other
 * work and renews the lease between batches, and stops between batches when the node does.
 */
export class AuditRetention {
  readonly #store: RetainingStore;
  readonly #options: AuditRetentionOptions;
  readonly #deleted = zeroCounts();
  #running: Promise<void> | undefined;
  #stopped = false;
  /** A check every `checkMs`. */
  readonly chore: Chore;

  constructor(store: RetainingStore, options: AuditRetentionOptions) {
    const { days, checkMs, batchRows } = options;
    if (!Number.isSafeInteger(days) || days <= 0) {
      throw new RangeError('days must be a positive whole number');
    }
    if (!Number.isSafeInteger(checkMs) || checkMs <= 0 || checkMs > MAX_MILLISECONDS) {
      throw new RangeError(`checkMs must be a whole number of milliseconds from 1 to ${MAX_MILLISECONDS}`);
    }
    if (!Number.isSafeInteger(batchRows) || batchRows <= 0) {
      throw new RangeError('batchRows must be a positive whole number');
    }
    this.#store = store;
    this.#options = options;
    this.chore = { intervalMs: checkMs, run: () => this.run(), onError: options.onError };
  }

  /** Rows this node's passes deleted since start, per table. */
  get deleted(): Readonly<RetentionCounts> {
    return this.#deleted;
  }

  /**
   * Runs today's pass if it is due and no other node runs it, or joins the check under way;
   * rejects when the pass failed.
   */
  run(): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    this.#running ??= this.#check().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  /** No further passes; the one under way ends after its current batch. Resolves then. */
  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#running?.catch(() => {});
  }

  async #check(): Promise<void> {
    const today = utcDayOf(this.#options.now());
    const lease: DailyLease = {
      task: 'retention',
      holder: this.#options.nodeId,
      day: today,
      forMs: RETENTION_LEASE_MS,
    };
    if (!(await this.#store.takeDailyLease(lease))) return;
    const started = performance.now();
    const beforeDay = today - this.#options.days;
    const deleted = zeroCounts();
    let outcome: RetentionPass['outcome'] | undefined;
    try {
      outcome = await this.#purge(lease, beforeDay, deleted);
    } finally {
      // Given back on failure too, unfinished: the next check of any node takes it up. A failed
      // release (the store is gone) leaves the lease to expire.
      if (outcome !== 'lease-lost') await this.#store.releaseDailyLease(lease, outcome === 'finished');
    }
    this.#options.onPass({
      day: new Date(today * DAY_MS),
      before: new Date(beforeDay * DAY_MS),
      deleted,
      outcome,
      durationMs: Math.round(performance.now() - started),
    });
  }

  async #purge(
    lease: DailyLease,
    beforeDay: number,
    deleted: RetentionCounts,
  ): Promise<RetentionPass['outcome']> {
    const { batchRows } = this.#options;
    for (const table of RETAINED_TABLE_NAMES) {
      for (;;) {
        const count = await this.#store.deleteRetainedBatch(table, beforeDay, batchRows);
        deleted[table] += count;
        this.#deleted[table] += count;
        if (count < batchRows) break;
        await yieldToEvents();
        if (this.#stopped) return 'stopped';
        if (!(await this.#store.takeDailyLease(lease))) return 'lease-lost';
      }
    }
    return 'finished';
  }
}

function zeroCounts(): RetentionCounts {
  return Object.fromEntries(RETAINED_TABLE_NAMES.map((table) => [table, 0])) as RetentionCounts;
}
