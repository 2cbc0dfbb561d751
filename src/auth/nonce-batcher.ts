import { nonceDigest } from './nonce-digest.js';
import type { NonceLedger } from './nonce-ledger.js';

/** One nonce as the store records it (KeyFenceStore.claimSignatureNonces takes these). */
export interface NonceRecord {
  readonly digest: string;
  /** Milliseconds since the epoch: the signed time plus the window. */
  readonly expiresAt: number;
}

/**
 * Stores the records not stored yet, in one transaction, and says for each whether this call
 * stored it; rejects having stored none.
 */
export type WriteNonces = (records: readonly NonceRecord[]) => Promise<readonly boolean[]>;

export interface NonceBatcherOptions {
  readonly write: WriteNonces;
  /** The signature window: a nonce is kept until its signed time plus this. */
  readonly windowMs: number;
  /** Most claims in one transaction. Default 256. */
  readonly maxBatch?: number;
  /** Longest a claim waits for its batch before it is answered from memory. Default 1000 ms. */
  readonly waitMs?: number;
  /** While the store is unreachable, how often the claims answered from memory are tried again. Default 1000 ms. */
  readonly retryMs?: number;
  /** Most claims answered from memory that wait to be stored; beyond it they are dropped and counted. Default 250,000. */
  readonly maxBacklog?: number;
  readonly now?: () => number;
  /** The store stopped taking claims (a failed or late batch): claims are answered from memory from now on. Must not throw. */
  readonly onUnreachable?: (error: unknown) => void;
  /** A batch was stored again; `backlog` claims answered from memory still wait to be. Must not throw. */
  readonly onReachable?: (backlog: number) => void;
  /**
   * `count` claims answered from memory turned out, once stored, to have been claimed before:
   * replays accepted during the outage, detected after the fact. Must not throw.
   */
  readonly onLateReplays?: (count: number) => void;
}

/** What the batcher did, for metrics. */
export interface NonceBatcherCounters {
  /** Transactions sent to the store. */
  readonly batches: number;
  /** Claims refused as replays (claimed before, in the store or in an unstored claim). */
  readonly refused: number;
  /** Claims answered from memory that were found claimed before once stored. */
  readonly lateReplays: number;
  /** Claims answered from memory, waiting to be stored. */
  readonly backlog: number;
  /** Claims answered from memory that were never stored: the backlog was full. */
  readonly dropped: number;
  /** Whether claims are being answered from memory now. */
  readonly unreachable: boolean;
}

interface Claim {
  readonly digest: string;
  readonly expiresAt: number;
  /** Undefined once answered (from the store or from memory). */
  answer: ((first: boolean) => void) | undefined;
}

const DEFAULTS = { maxBatch: 256, waitMs: 1000, retryMs: 1000, maxBacklog: 250_000 } as const;

/**
 * The durable half of replay protection: claims are written to the store in group commits. A
 * claim joins the batch being collected; a batch is sent as soon as the previous one is done (at
 * most one in flight, so batches commit in claim order), taking every claim that arrived
 * meanwhile, up to `maxBatch`. Under load a transaction carries many claims; when idle a claim
 * waits for one transaction and no timer. The request waits for its batch: it is answered only
 * once its claim is stored, so a claim accepted this way survives a kill -9 of the process.
 *
 * When the store is unreachable (a batch failed, or took longer than `waitMs`) the claims are
 * answered from memory (ReplayGuard already admitted them) and kept in a bounded backlog; the
 * backlog is stored once the store answers again (tried every `retryMs`), and a claim found
 * stored by then was a replay accepted during the outage: counted and reported, no longer
 * refusable. Fail-static, never fail-open beyond what this process's memory already guards.
 */
export class NonceBatcher implements NonceLedger {
  readonly #write: WriteNonces;
  readonly #windowMs: number;
  readonly #maxBatch: number;
  readonly #waitMs: number;
  readonly #retryMs: number;
  readonly #maxBacklog: number;
  readonly #now: () => number;
  readonly #options: NonceBatcherOptions;
  /** Claims waiting for their batch, oldest first. */
  #waiting: Claim[] = [];
  /** Claims answered from memory, not stored yet, oldest first. */
  #backlog: Claim[] = [];
  /** Digests of every claim not yet settled by the store: waiting, in flight or in the backlog. */
  readonly #unsettled = new Set<string>();
  #inFlight: Promise<void> | undefined;
  #scheduled = false;
  #retry: NodeJS.Timeout | undefined;
  /** Claims are answered from memory (the last batch failed or was late). */
  #unreachable = false;
  /** The store was reported unreachable and not yet back (`onUnreachable` was called last). */
  #outage = false;
  #closed = false;
  #batches = 0;
  #refused = 0;
  #lateReplays = 0;
  #dropped = 0;

  constructor(options: NonceBatcherOptions) {
    this.#options = options;
    this.#write = options.write;
    this.#windowMs = positive('windowMs', options.windowMs);
    this.#maxBatch = positive('maxBatch', options.maxBatch ?? DEFAULTS.maxBatch);
    this.#waitMs = positive('waitMs', options.waitMs ?? DEFAULTS.waitMs);
    this.#retryMs = positive('retryMs', options.retryMs ?? DEFAULTS.retryMs);
    this.#maxBacklog = positive('maxBacklog', options.maxBacklog ?? DEFAULTS.maxBacklog);
    this.#now = options.now ?? Date.now;
  }

  get counters(): NonceBatcherCounters {
    return {
      batches: this.#batches,
      refused: this.#refused,
      lateReplays: this.#lateReplays,
      backlog: this.#backlog.length,
      dropped: this.#dropped,
      unreachable: this.#outage,
    };
  }

  claim(accessKeyId: string, nonce: string, requestTime: Date): Promise<boolean> {
    const digest = nonceDigest(accessKeyId, nonce, requestTime);
    // Claimed by an earlier request whose claim is not settled yet: whatever the store says of
    // that one, this one comes second.
    if (this.#unsettled.has(digest)) {
      this.#refused++;
      return Promise.resolve(false);
    }
    const expiresAt = requestTime.getTime() + this.#windowMs;
    if (this.#unreachable) {
      this.#keep({ digest, expiresAt, answer: undefined });
      return Promise.resolve(true);
    }
    this.#unsettled.add(digest);
    return new Promise((answer) => {
      this.#waiting.push({ digest, expiresAt, answer });
      this.#schedule();
    });
  }

  /**
   * Waits for the batch in flight and stores what waits, unless the store is unreachable; no
   * retries after. Resolves with how many claims answered from memory were never stored.
   */
  async close(): Promise<number> {
    this.#closed = true;
    clearTimeout(this.#retry);
    this.#retry = undefined;
    await this.#inFlight;
    while (!this.#unreachable && this.#waiting.length + this.#backlog.length > 0) {
      this.#inFlight = this.#send(this.#nextBatch());
      await this.#inFlight;
    }
    this.#inFlight = undefined;
    this.#answerFromMemory();
    return this.#backlog.length;
  }

  /** A claim answered from memory, into the backlog if there is room. */
  #keep(claim: Claim): void {
    if (this.#backlog.length >= this.#maxBacklog) {
      this.#dropped++;
      return;
    }
    this.#unsettled.add(claim.digest);
    this.#backlog.push(claim);
  }

  /**
   * The next batch is sent after the I/O callbacks of this turn of the event loop ran, so that
   * claims of requests that arrived together share it.
   */
  #schedule(): void {
    if (this.#scheduled || this.#inFlight !== undefined || this.#unreachable) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#sendNext();
    });
  }

  #sendNext(): void {
    if (this.#inFlight !== undefined) return;
    const batch = this.#nextBatch();
    if (batch.length === 0) return;
    this.#inFlight = this.#send(batch).finally(() => {
      this.#inFlight = undefined;
      if (this.#closed) return;
      if (this.#unreachable) this.#retryLater();
      else this.#schedule();
    });
  }

  /** Waiting claims first (requests wait for them), then the backlog; expired claims are let go. */
  #nextBatch(): Claim[] {
    const batch = this.#waiting.splice(0, this.#maxBatch);
    if (batch.length < this.#maxBatch && this.#backlog.length > 0) {
      this.#forgetExpired();
      batch.push(...this.#backlog.splice(0, this.#maxBatch - batch.length));
    }
    return batch;
  }

  async #send(batch: Claim[]): Promise<void> {
    if (batch.length === 0) return;
    this.#batches++;
    const late = batch.some((claim) => claim.answer !== undefined)
      ? setTimeout(() => {
          answer(batch);
          this.#becomeUnreachable(new Error(`a batch of claims took more than ${this.#waitMs} ms`));
        }, this.#waitMs)
      : undefined;
    let first: readonly boolean[];
    try {
      first = await this.#write(batch.map(({ digest, expiresAt }) => ({ digest, expiresAt })));
    } catch (error) {
      clearTimeout(late);
      this.#becomeUnreachable(error);
      // Not stored: back to the front of the backlog, answered from memory.
      answer(batch);
      this.#backlog.unshift(...batch);
      return;
    }
    clearTimeout(late);
    let lateReplays = 0;
    batch.forEach((claim, i) => {
      this.#unsettled.delete(claim.digest);
      const stored = first[i] === true;
      if (claim.answer !== undefined) {
        if (!stored) this.#refused++;
        claim.answer(stored);
        claim.answer = undefined;
      } else if (!stored) {
        lateReplays++;
      }
    });
    if (lateReplays > 0) {
      this.#lateReplays += lateReplays;
      this.#options.onLateReplays?.(lateReplays);
    }
    this.#unreachable = false;
    if (this.#outage) {
      this.#outage = false;
      this.#options.onReachable?.(this.#backlog.length);
    }
  }

  /** Every claim still waiting is answered from memory, and waits in the backlog instead. */
  #becomeUnreachable(error: unknown): void {
    this.#unreachable = true;
    if (!this.#outage) {
      this.#outage = true;
      this.#options.onUnreachable?.(error);
    }
    this.#answerFromMemory();
  }

  #answerFromMemory(): void {
    const waiting = this.#waiting;
    this.#waiting = [];
    answer(waiting);
    for (const claim of waiting) {
      this.#unsettled.delete(claim.digest);
      this.#keep(claim);
    }
  }

  #retryLater(): void {
    if (this.#retry !== undefined) return;
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      this.#sendNext();
      // Nothing left to try the store with: the next claims will (and wait at most `waitMs`).
      if (this.#inFlight === undefined) this.#unreachable = false;
    }, this.#retryMs);
    // Retries never keep a process alive.
    this.#retry.unref();
  }

  /** A claim past its expiry can no longer be replayed (the time check refuses it): nothing to store. */
  #forgetExpired(): void {
    const now = this.#now();
    if (!this.#backlog.some((claim) => claim.expiresAt < now)) return;
    this.#backlog = this.#backlog.filter((claim) => {
      if (claim.expiresAt >= now) return true;
      this.#unsettled.delete(claim.digest);
      return false;
    });
  }
}

/** Answered from memory: admitted, as ReplayGuard admitted them. */
function answer(claims: readonly Claim[]): void {
  for (const claim of claims) {
    claim.answer?.(true);
    claim.answer = undefined;
  }
}

function positive(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value <= 0) throw new RangeError(`${name} must be a positive integer`);
  return value;
}
