import type { AccessKeyId, AccessKeyUse, KeyFenceStore } from '../../store/index.js';

/**
 * Collects AccessKey last-used times (GetAccessKeyLastUsed) in memory and writes them in one
 * batch per interval: the store keeps them out of the change log, and a write per request would
 * queue every request behind the database. Only the latest use per key is kept between writes.
 */
export class KeyUseRecorder {
  readonly #store: KeyFenceStore;
  readonly #onError: (error: unknown) => void;
  #pending = new Map<AccessKeyId, AccessKeyUse>();
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> = Promise.resolve();

  constructor(store: KeyFenceStore, intervalMs: number, onError: (error: unknown) => void) {
    this.#store = store;
    this.#onError = onError;
    this.#timer = setInterval(() => void this.flush(), intervalMs);
    this.#timer.unref();
  }

  record(accessKeyId: AccessKeyId, at: Date, service: string): void {
    this.#pending.set(accessKeyId, { accessKeyId, at, service });
  }

  /** Writes what was collected; a failed write is reported and its uses dropped (they are telemetry). */
  flush(): Promise<void> {
    if (this.#pending.size === 0) return this.#writing;
    const uses = [...this.#pending.values()];
    this.#pending = new Map();
    this.#writing = this.#writing.then(() => this.#store.recordAccessKeyUse(uses)).catch(this.#onError);
    return this.#writing;
  }

  /** Stops the timer and writes what is left. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.flush();
  }
}
