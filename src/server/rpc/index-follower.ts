import type { DecisionIndex } from '../../policy/decision-index.js';
import type { KeyFenceStore } from '../../store/index.js';
import { catchUp } from '../../sync/apply-change.js';
import type { ChangeConsumer } from '../../sync/change-consumer.js';
import { loadIndex } from '../../sync/load-index.js';

export interface IndexFollowerOptions {
  /** How often the change log is polled for changes made elsewhere (other nodes, the CLI). */
  readonly pollIntervalMs: number;
  /** A failed poll is reported here and retried at the next interval. */
  readonly onError: (error: unknown) => void;
  /** Loaded from the index's snapshot and given every change after the index (credentials, attachments). */
  readonly consumers?: readonly ChangeConsumer[];
  /** Told of every successful load and poll: the store answered (staleness, docs/fail-static.md). */
  readonly onSynced?: () => void;
}

/**
 * Keeps this node's decision index current: loaded from a snapshot at start, then brought up to
 * date from the change log after every write made through this node (`catchUp`) and on a timer
 * (a cheap `currentVersion` first, the log only when it moved).
 *
 * Passes never overlap: two passes starting from the same version could apply an older policy
 * after a newer one. Callers arriving while a pass runs share the next one, which starts after
 * it, so every caller gets a pass that began after its own write committed.
 */
export class IndexFollower {
  readonly index: DecisionIndex;
  readonly #store: KeyFenceStore;
  readonly #options: IndexFollowerOptions;
  #version = 0;
  #loaded = false;
  #tail: Promise<unknown> = Promise.resolve();
  #next: Promise<number> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #polling: Promise<void> = Promise.resolve();
  #stopped = false;

  constructor(store: KeyFenceStore, index: DecisionIndex, options: IndexFollowerOptions) {
    this.#store = store;
    this.index = index;
    this.#options = options;
  }

  /** The change-log version the index enforces. */
  get appliedVersion(): number {
    return this.#version;
  }

  get loaded(): boolean {
    return this.#loaded;
  }

  /** Loads the index from a snapshot, then polls until `stop`. */
  async start(): Promise<number> {
    const loaded = this.#tail.then(async () => {
      this.#version = await loadIndex(this.#store, this.index, this.#options.consumers);
      this.#loaded = true;
      this.#options.onSynced?.();
      return this.#version;
    });
    this.#tail = loaded.catch(() => undefined);
    const version = await loaded;
    this.#schedule();
    return version;
  }

  /** Applies every change committed before the call; resolves with the version reached. */
  catchUp(): Promise<number> {
    if (this.#next !== undefined) return this.#next;
    const next = this.#tail.then(async () => {
      this.#next = undefined;
      this.#version = await catchUp(
        this.index,
        (v, limit) => this.#store.changesSince(v, limit),
        this.#version,
        undefined,
        this.#options.consumers,
      );
      return this.#version;
    });
    this.#next = next;
    this.#tail = next.catch(() => undefined);
    return next;
  }

  /** Stops polling and waits for a pass in progress. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#polling;
    await this.#tail;
  }

  #schedule(): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#polling = this.#poll();
    }, this.#options.pollIntervalMs);
    // Polling alone never keeps the process alive.
    this.#timer.unref();
  }

  async #poll(): Promise<void> {
    try {
      const current = await this.#store.currentVersion();
      if (current > this.#version && !this.#stopped) await this.catchUp();
      this.#options.onSynced?.();
    } catch (error) {
      this.#options.onError(error);
    }
    this.#schedule();
  }
}
