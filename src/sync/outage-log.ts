import type { Logger } from 'pino';
import { isStoreError } from '../store/index.js';

/** How often an outage's failures are summed up in one line. */
export const OUTAGE_SUMMARY_MS = 60_000;

export interface OutageLogOptions {
  readonly log: Logger;
  /** Default `OUTAGE_SUMMARY_MS`. */
  readonly summaryMs?: number;
  readonly now?: () => number;
}

/**
 * What a node logs about store failures. While the database is down every poll, heartbeat and
 * audit flush fails, several times a second: an error line with a stack trace for each buried
 * everything else and said nothing new. So an outage is logged as it starts (with the first
 * failure's message), as a summary of failures by what failed every `summaryMs` while it lasts,
 * and as it ends (with how long it lasted). Failures that are not the database's (a defect, a
 * secret that does not decrypt) are unexpected: each is logged with its stack, as before.
 */
export class OutageLog {
  readonly #log: Logger;
  readonly #summaryMs: number;
  readonly #now: () => number;
  /** When the outage began; undefined while the store answers. */
  #downSince: number | undefined;
  #summarizedAt = 0;
  /** Failures by what failed, since the outage began or its last summary. */
  #failures = new Map<string, number>();

  constructor(options: OutageLogOptions) {
    this.#log = options.log;
    this.#summaryMs = options.summaryMs ?? OUTAGE_SUMMARY_MS;
    if (!Number.isSafeInteger(this.#summaryMs) || this.#summaryMs <= 0) {
      throw new RangeError(`summaryMs must be a positive integer, got ${this.#summaryMs}`);
    }
    this.#now = options.now ?? Date.now;
  }

  /** True while the store is taken to be unreachable. */
  get down(): boolean {
    return this.#downSince !== undefined;
  }

  /** `what` (a sentence naming the work) failed with `error`. */
  failed(what: string, error: unknown): void {
    if (!isStoreError(error, 'Store.Database')) {
      this.#log.error({ err: error }, what);
      return;
    }
    const now = this.#now();
    if (this.#downSince === undefined) {
      this.#downSince = now;
      this.#summarizedAt = now;
      this.#log.error(
        { failed: what, error: describeFailure(error), summaryMs: this.#summaryMs },
        'the store is unreachable: serving from memory; failures are summed up periodically until it answers',
      );
    }
    this.#failures.set(what, (this.#failures.get(what) ?? 0) + 1);
    if (now - this.#summarizedAt >= this.#summaryMs) {
      this.#log.warn(
        { downForMs: now - this.#downSince, failures: this.#takeFailures() },
        'the store is still unreachable',
      );
      this.#summarizedAt = now;
    }
  }

  /** The store answered. */
  succeeded(): void {
    if (this.#downSince === undefined) return;
    const downForMs = this.#now() - this.#downSince;
    this.#downSince = undefined;
    this.#log.info({ downForMs, failures: this.#takeFailures() }, 'the store is reachable again');
  }

  #takeFailures(): Record<string, number> {
    const failures = Object.fromEntries(this.#failures);
    this.#failures = new Map();
    return failures;
  }
}

/** An expected failure in one line, its cause's message included, without a stack. */
export function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.cause instanceof Error ? `${error.message}: ${error.cause.message}` : error.message;
}
