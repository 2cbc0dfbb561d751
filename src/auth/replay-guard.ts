import { createHash } from 'node:crypto';
import { isWithinWindow, REQUEST_TIME_WINDOW_MS } from './request-time.js';

/** What the guard made of a nonce. Everything but `admitted` refuses the request. */
export type Admission = 'admitted' | 'replayed' | 'expired' | 'key-quota-exceeded' | 'full';

export interface ReplayGuardOptions {
  /** How far a signed time may be from the clock; the verifier's time check uses the same value. */
  readonly windowMs?: number;
  /** Hard cap on remembered nonces across all keys. */
  readonly maxEntries?: number;
  /** Cap per AccessKey, so that one busy or hostile key cannot fill the cache for everyone. */
  readonly maxEntriesPerAccessKey?: number;
}

export const DEFAULT_REPLAY_GUARD_LIMITS = {
  maxEntries: 1_000_000,
  maxEntriesPerAccessKey: 250_000,
} as const;

interface Entry {
  readonly key: string;
  readonly accessKeyId: string;
  /** The last instant at which the time check alone would still accept this request. */
  readonly expiresAt: number;
}

/**
 * Remembers (AccessKeyId, nonce) pairs for as long as a request carrying them could pass the time
 * check, and refuses a pair seen before.
 *
 * It fails closed: when a cap is reached it refuses new requests instead of forgetting nonces
 * early, because forgetting one that is still inside the window would let its replay through.
 *
 * Entries sit in a Set for lookup and in a queue in insertion order for expiry. Insertion order
 * is not quite expiry order (signed times differ by up to the window), so eviction stops at the
 * first live entry and a few expired ones may linger behind it, for at most one more window; a
 * lingering entry can only refuse a nonce reused by the same key, which no SDK does.
 */
export class ReplayGuard {
  readonly windowMs: number;
  readonly #maxEntries: number;
  readonly #maxEntriesPerAccessKey: number;
  readonly #seen = new Set<string>();
  readonly #countByAccessKey = new Map<string, number>();
  #queue: Entry[] = [];
  #head = 0;
  /** The latest clock reading seen: a clock stepping back must not revive an evicted window. */
  #latest = Number.NEGATIVE_INFINITY;

  constructor(options: ReplayGuardOptions = {}) {
    this.windowMs = positiveInteger('windowMs', options.windowMs ?? REQUEST_TIME_WINDOW_MS);
    this.#maxEntries = positiveInteger(
      'maxEntries',
      options.maxEntries ?? DEFAULT_REPLAY_GUARD_LIMITS.maxEntries,
    );
    this.#maxEntriesPerAccessKey = positiveInteger(
      'maxEntriesPerAccessKey',
      options.maxEntriesPerAccessKey ?? DEFAULT_REPLAY_GUARD_LIMITS.maxEntriesPerAccessKey,
    );
  }

  /** Nonces currently remembered. */
  get size(): number {
    return this.#seen.size;
  }

  /**
   * Records the nonce of a request whose signature has been verified, unless it was seen before.
   * Synchronous on purpose: check and insert cannot interleave with a concurrent verification.
   * `requestTime` is the signed time; it is checked again here against a fresh clock reading,
   * since the caller's own check happened before an asynchronous credential lookup.
   */
  admit(accessKeyId: string, nonce: string, requestTime: Date, now: Date): Admission {
    const at = Math.max(now.getTime(), this.#latest);
    this.#latest = at;
    this.#evictExpired(at);
    const signedAt = requestTime.getTime();
    // The same rule as the caller's check; an invalid date is outside every window, so it can
    // never leave an entry that is never evicted.
    if (!isWithinWindow(requestTime, new Date(at), this.windowMs)) return 'expired';
    const key = entryKey(accessKeyId, nonce);
    if (this.#seen.has(key)) return 'replayed';
    const count = this.#countByAccessKey.get(accessKeyId) ?? 0;
    if (count >= this.#maxEntriesPerAccessKey) return 'key-quota-exceeded';
    if (this.#seen.size >= this.#maxEntries) return 'full';
    this.#seen.add(key);
    this.#countByAccessKey.set(accessKeyId, count + 1);
    this.#queue.push({ key, accessKeyId, expiresAt: signedAt + this.windowMs });
    return 'admitted';
  }

  #evictExpired(at: number): void {
    const queue = this.#queue;
    while (this.#head < queue.length && queue[this.#head]!.expiresAt < at) {
      const entry = queue[this.#head]!;
      this.#seen.delete(entry.key);
      const remaining = this.#countByAccessKey.get(entry.accessKeyId)! - 1;
      if (remaining === 0) this.#countByAccessKey.delete(entry.accessKeyId);
      else this.#countByAccessKey.set(entry.accessKeyId, remaining);
      this.#head += 1;
    }
    // Drop the consumed prefix once it is most of the array, keeping eviction amortised O(1).
    if (this.#head > 1024 && this.#head * 2 > queue.length) {
      this.#queue = queue.slice(this.#head);
      this.#head = 0;
    }
  }
}

/** A fixed-size digest, so a client's choice of nonce length does not decide the cache's memory. */
function entryKey(accessKeyId: string, nonce: string): string {
  return createHash('sha256')
    .update(JSON.stringify([accessKeyId, nonce]))
    .digest('base64');
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value <= 0) throw new RangeError(`${name} must be a positive integer`);
  return value;
}
