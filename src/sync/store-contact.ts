/** What `/readyz` says about this node's view of the store. */
export interface Staleness {
  /** True when the store has not answered for longer than `staleAfterMs`: the node serves from memory. */
  readonly stale: boolean;
  /** Milliseconds since the store last answered, while stale; 0 otherwise. */
  readonly staleForMs: number;
}

export interface StoreContactOptions {
  /** With no successful store read for this long, the node reports itself stale. */
  readonly staleAfterMs: number;
  readonly now?: () => number;
}

/**
 * When this node last heard from the store, and how often the store failed it. A stale node
 * keeps serving from memory (fail-static, docs/fail-static.md); staleness is reported, never
 * acted on here.
 */
export class StoreContact {
  readonly #staleAfterMs: number;
  readonly #now: () => number;
  #lastSuccessAt: number;
  #failures = 0;

  constructor(options: StoreContactOptions) {
    if (!Number.isSafeInteger(options.staleAfterMs) || options.staleAfterMs <= 0) {
      throw new RangeError(`staleAfterMs must be a positive integer, got ${options.staleAfterMs}`);
    }
    this.#staleAfterMs = options.staleAfterMs;
    this.#now = options.now ?? Date.now;
    // Nothing is served before the first load succeeds, which counts as the first contact.
    this.#lastSuccessAt = this.#now();
  }

  /** The store answered a read. */
  succeeded(): void {
    this.#lastSuccessAt = this.#now();
  }

  /** A store call failed because the database did (not a refusal such as EntityNotExist). */
  failed(): void {
    this.#failures++;
  }

  /** Database failures since start, for metrics. */
  get failures(): number {
    return this.#failures;
  }

  /** Milliseconds since the store last answered. */
  get sinceLastSuccessMs(): number {
    return Math.max(0, this.#now() - this.#lastSuccessAt);
  }

  get staleness(): Staleness {
    const since = this.sinceLastSuccessMs;
    const stale = since > this.#staleAfterMs;
    return { stale, staleForMs: stale ? since : 0 };
  }
}
