import { createHash, randomBytes } from 'node:crypto';
import { FingerprintSet } from './fingerprint-set.js';
import { nonceKey } from './nonce-key.js';
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
  maxEntries: 4_000_000,
  maxEntriesPerAccessKey: 1_000_000,
} as const;

/** How many nonces one AccessKey has remembered; shared by its entries in the queue. */
interface KeyCount {
  readonly accessKeyId: string;
  count: number;
}

const MIN_QUEUE = 1 << 10;

/**
 * Remembers (AccessKeyId, nonce) pairs for as long as a request carrying them could pass the time
 * check, and refuses a pair seen before.
 *
 * It fails closed: when a cap is reached it refuses new requests instead of forgetting nonces
 * early, because forgetting one that is still inside the window would let its replay through.
 *
 * A pair is remembered as a 64-bit fingerprint (the first 8 bytes of a SHA-256 of a per-guard
 * secret and the pair) in a FingerprintSet for lookup, and in a ring queue in insertion order for
 * expiry: about 40 bytes a nonce. Two pairs share a fingerprint with odds of about one in 10^12 at
 * four million nonces, and that can only refuse the second as a replay, never admit one.
 * Insertion order is not quite expiry order (signed times differ by up to the window), so eviction stops at the first live
 * entry and a few expired ones may linger behind it, for at most one more window; a lingering
 * entry can only refuse a nonce reused by the same key, which no SDK does.
 */
export class ReplayGuard {
  readonly windowMs: number;
  readonly #maxEntries: number;
  readonly #maxEntriesPerAccessKey: number;
  readonly #seen = new FingerprintSet();
  /**
   * Secret, per guard, hashed before each pair: the table's slots follow the fingerprints, and a
   * client able to compute them could pick nonces that all land in one run of slots, making every
   * lookup and eviction walk it (a key holder slowing the whole node down).
   */
  readonly #salt = randomBytes(32);
  readonly #countByAccessKey = new Map<string, KeyCount>();
  // The queue: a ring of `#length` entries from `#head`, one column per field.
  #hi = new Uint32Array(MIN_QUEUE);
  #lo = new Uint32Array(MIN_QUEUE);
  #expiresAt = new Float64Array(MIN_QUEUE);
  #owner: (KeyCount | undefined)[] = new Array(MIN_QUEUE);
  #head = 0;
  #length = 0;
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
    const digest = fingerprint(this.#salt, accessKeyId, nonceKey(nonce));
    // 0/0 marks an empty slot of the set; the one digest that reads so becomes 0/1.
    const hi = digest.readUInt32LE(0);
    let lo = digest.readUInt32LE(4);
    if (hi === 0 && lo === 0) lo = 1;
    if (this.#seen.has(hi, lo)) return 'replayed';
    let owner = this.#countByAccessKey.get(accessKeyId);
    if ((owner?.count ?? 0) >= this.#maxEntriesPerAccessKey) return 'key-quota-exceeded';
    if (this.#seen.size >= this.#maxEntries) return 'full';
    if (owner === undefined) {
      owner = { accessKeyId, count: 0 };
      this.#countByAccessKey.set(accessKeyId, owner);
    }
    owner.count++;
    this.#seen.add(hi, lo);
    this.#enqueue(hi, lo, signedAt + this.windowMs, owner);
    return 'admitted';
  }

  #enqueue(hi: number, lo: number, expiresAt: number, owner: KeyCount): void {
    if (this.#length === this.#hi.length) this.#resizeQueue(this.#hi.length * 2);
    const tail = (this.#head + this.#length) & (this.#hi.length - 1);
    this.#hi[tail] = hi;
    this.#lo[tail] = lo;
    this.#expiresAt[tail] = expiresAt;
    this.#owner[tail] = owner;
    this.#length++;
  }

  #evictExpired(at: number): void {
    const mask = this.#hi.length - 1;
    while (this.#length > 0 && this.#expiresAt[this.#head]! < at) {
      const head = this.#head;
      this.#seen.delete(this.#hi[head]!, this.#lo[head]!);
      const owner = this.#owner[head]!;
      this.#owner[head] = undefined;
      // Only the key's current counter: entries still queued keep theirs alive until they leave.
      if (--owner.count === 0 && this.#countByAccessKey.get(owner.accessKeyId) === owner) {
        this.#countByAccessKey.delete(owner.accessKeyId);
      }
      this.#head = (head + 1) & mask;
      this.#length--;
    }
    // A burst's worth of queue is given back once the load has passed.
    if (this.#hi.length > MIN_QUEUE && this.#length * 8 < this.#hi.length) {
      this.#resizeQueue(this.#hi.length / 2);
    }
  }

  /** Copies the queue, oldest first, into columns of `capacity` entries (a power of two). */
  #resizeQueue(capacity: number): void {
    const mask = this.#hi.length - 1;
    const hi = new Uint32Array(capacity);
    const lo = new Uint32Array(capacity);
    const expiresAt = new Float64Array(capacity);
    const owner: (KeyCount | undefined)[] = new Array(capacity);
    for (let i = 0; i < this.#length; i++) {
      const from = (this.#head + i) & mask;
      hi[i] = this.#hi[from]!;
      lo[i] = this.#lo[from]!;
      expiresAt[i] = this.#expiresAt[from]!;
      owner[i] = this.#owner[from];
    }
    this.#hi = hi;
    this.#lo = lo;
    this.#expiresAt = expiresAt;
    this.#owner = owner;
    this.#head = 0;
  }
}

/**
 * A fixed-size digest, so a client's choice of nonce length does not decide the cache's memory,
 * keyed by a secret prefix: the digest never leaves the process, so nothing can be extended from
 * it, and it costs a fraction of an HMAC (~90 ns against ~900).
 */
function fingerprint(salt: Buffer, accessKeyId: string, nonce: string): Buffer {
  return createHash('sha256')
    .update(salt)
    .update(JSON.stringify([accessKeyId, nonce]))
    .digest();
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value <= 0) throw new RangeError(`${name} must be a positive integer`);
  return value;
}
