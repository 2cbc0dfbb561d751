import { MAX_MILLISECONDS } from '../config/config-values.js';
import type { KeyFenceStore } from '../store/index.js';

export interface ExpiredCredentialPurgeOptions {
  /** How often expired temporary credentials are deleted; at most a node timer's 2^31 - 1 ms. */
  readonly intervalMs: number;
  /** Told how many credentials a purge deleted, when it deleted any. */
  readonly onPurged: (count: number) => void;
  /** A failed purge; the next interval tries again. Must not throw. */
  readonly onError: (error: unknown) => void;
}

/**
 * Deletes expired STS credentials from the store, once on start and then every `intervalMs`.
 * AssumeRole stores a credential per call, and an expired one is refused whether its row exists
 * or not, so without this the table only grows. Every node runs it: the delete is idempotent, and
 * one node's purges never overlap.
 */
export class ExpiredCredentialPurge {
  readonly #store: Pick<KeyFenceStore, 'purgeExpiredTemporaryCredentials'>;
  readonly #options: ExpiredCredentialPurgeOptions;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;

  constructor(
    store: Pick<KeyFenceStore, 'purgeExpiredTemporaryCredentials'>,
    options: ExpiredCredentialPurgeOptions,
  ) {
    const { intervalMs } = options;
    if (!Number.isSafeInteger(intervalMs) || intervalMs <= 0 || intervalMs > MAX_MILLISECONDS) {
      throw new RangeError(
        `credentialPurgeMs must be a whole number of milliseconds from 1 to ${MAX_MILLISECONDS}`,
      );
    }
    this.#store = store;
    this.#options = options;
  }

  start(): void {
    if (this.#timer !== undefined) return;
    void this.purge();
    this.#timer = setInterval(() => void this.purge(), this.#options.intervalMs);
    // Housekeeping never keeps a process alive.
    this.#timer.unref();
  }

  /** Purges now, or joins the purge under way; resolves once it ended, never rejects. */
  purge(): Promise<void> {
    this.#running ??= this.#store
      .purgeExpiredTemporaryCredentials()
      .then(
        (count) => {
          if (count > 0) this.#options.onPurged(count);
        },
        (error: unknown) => this.#options.onError(error),
      )
      .finally(() => {
        this.#running = undefined;
      });
    return this.#running;
  }

  /** No further purges; resolves once the one under way (if any) ended. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }
}
