import type { Chore } from '../../common/chore.js';
import type { AccessKeyId, AccessKeyUse, KeyFenceStore } from '../../store/index.js';

export interface KeyUseRecorderOptions {
  /** How often what was collected is written (by the recorder's `chore`). */
  readonly intervalMs: number;
  /** Keys whose last use may wait unwritten; a use of another key beyond that is dropped and counted. Default 100,000. */
  readonly maxPendingKeys?: number;
  /** Told of each failed write; its uses are kept and written at the next interval. Must not throw. */
  readonly onError: (error: unknown) => void;
}

/** What the recorder holds, for metrics. */
export interface KeyUseCounters {
  /** Keys whose last use waits to be written (deferred while the store is unreachable). */
  readonly pending: number;
  /** Uses dropped because `maxPendingKeys` keys were already waiting. */
  readonly dropped: number;
}

const DEFAULT_MAX_PENDING_KEYS = 100_000;

/** A use waiting to be written; owned by the map it waits in until its batch is taken. */
type PendingUse = { -readonly [K in keyof AccessKeyUse]: AccessKeyUse[K] };

/**
 * Collects AccessKey last-used times (GetAccessKeyLastUsed) in memory and writes them in one
 * batch per interval: the store keeps them out of the change log, and a write per request would
 * queue every request behind the database. Only the latest use per key is kept between writes.
 * A failed write never reaches a request: its uses wait for the next interval (the store keeps
 * the later of two times, so writing one again is harmless), up to a bound on waiting keys.
 */
export class KeyUseRecorder {
  readonly #store: Pick<KeyFenceStore, 'recordAccessKeyUse'>;
  readonly #onError: (error: unknown) => void;
  readonly #maxPendingKeys: number;
  #pending = new Map<AccessKeyId, PendingUse>();
  #dropped = 0;
  #writing: Promise<void> = Promise.resolve();
  /** A flush every `intervalMs`. */
  readonly chore: Chore;

  constructor(store: Pick<KeyFenceStore, 'recordAccessKeyUse'>, options: KeyUseRecorderOptions) {
    this.#store = store;
    this.#onError = options.onError;
    this.#maxPendingKeys = options.maxPendingKeys ?? DEFAULT_MAX_PENDING_KEYS;
    if (!Number.isSafeInteger(this.#maxPendingKeys) || this.#maxPendingKeys < 1) {
      throw new RangeError(`maxPendingKeys must be a positive integer, got ${this.#maxPendingKeys}`);
    }
    this.chore = { intervalMs: options.intervalMs, run: () => this.flush(), onError: options.onError };
  }

  get counters(): KeyUseCounters {
    return { pending: this.#pending.size, dropped: this.#dropped };
  }

  record(accessKeyId: AccessKeyId, at: Date, service: string): void {
    // A key in use is recorded on every request: its waiting entry is updated in place.
    const pending = this.#pending.get(accessKeyId);
    if (pending !== undefined) {
      // A check that waited (for a catch-up) may finish after a later one: the latest use stays.
      if (at.getTime() >= pending.at.getTime()) {
        pending.at = at;
        pending.service = service;
      }
      return;
    }
    if (this.#pending.size >= this.#maxPendingKeys) {
      this.#dropped++;
      return;
    }
    this.#pending.set(accessKeyId, { accessKeyId, at, service });
  }

  /** Writes what was collected; resolves (never rejects) once the write ended, kept for later if it failed. */
  flush(): Promise<void> {
    if (this.#pending.size === 0) return this.#writing;
    const batch = this.#pending;
    this.#pending = new Map();
    this.#writing = this.#writing.then(async () => {
      try {
        await this.#store.recordAccessKeyUse([...batch.values()]);
      } catch (error) {
        this.#keep(batch);
        this.#onError(error);
      }
    });
    return this.#writing;
  }

  /** Tries once more to write what is left (once its chore no longer runs). */
  async close(): Promise<void> {
    await this.flush();
  }

  /** A failed batch waits again, unless a later use of the same key was recorded meanwhile. */
  #keep(batch: ReadonlyMap<AccessKeyId, AccessKeyUse>): void {
    for (const [accessKeyId, use] of batch) {
      if (this.#pending.has(accessKeyId)) continue;
      if (this.#pending.size >= this.#maxPendingKeys) this.#dropped++;
      else this.#pending.set(accessKeyId, use);
    }
  }
}
