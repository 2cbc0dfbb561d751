import type { DecisionIndex } from '../policy/decision-index.js';
import type { ChangeFeedOptions, ChangeSubscription, KeyFenceStore } from '../store/index.js';
import { catchUp } from './apply-change.js';
import type { ChangeConsumer } from './change-consumer.js';
import { loadIndex } from './load-index.js';

export interface IndexFollowerOptions {
  /**
   * How often the change log is read whatever was announced: SQLite's only way to hear of
   * changes made by other processes, PostgreSQL's safety net for a lost notification.
   */
  readonly pollIntervalMs: number;
  /** A failed poll or pass is reported here and retried (at the next interval or notification). */
  readonly onError: (error: unknown) => void;
  /** After every pass that moved the applied version, with the version reached. */
  readonly onApplied?: (version: number) => void;
  /**
   * The change feed lost its connection (`error` set; reported once per outage) or is listening
   * again (`error` undefined).
   */
  readonly onFeed?: (error?: unknown) => void;
  readonly feed?: ChangeFeedOptions;
  /** Loaded from the index's snapshot and given every change after the index (credentials, attachments). */
  readonly consumers?: readonly ChangeConsumer[];
  /** Told of every successful read of the store (the load, a poll, a pass): staleness, docs/fail-static.md. */
  readonly onSynced?: () => void;
}

/** What a node's metrics and health report about following the change log. */
export interface SyncStatistics {
  /** The change-log version the decision index enforces: every change up to it is applied. */
  readonly appliedVersion: number;
  /**
   * The highest version known to be committed, from this node's own reads of the store
   * (notifications are only hints: they never raise it).
   */
  readonly latestKnownVersion: number;
  /** `latestKnownVersion - appliedVersion`: changes known to be committed and not yet applied. */
  readonly lag: number;
  /** Change notifications received (PostgreSQL). */
  readonly notifications: number;
  /** Periodic reads of the change counter. */
  readonly polls: number;
  /** Reads of the change log (passes), whatever triggered them. */
  readonly passes: number;
  /** True while the change feed pushes changes (always false on SQLite). */
  readonly listening: boolean;
  /** Times the change feed's connection was restored. */
  readonly feedReconnects: number;
  /**
   * When this follower last read the store successfully (the load, a poll or a pass): how long
   * it may have missed changes for when the database is unreachable.
   */
  readonly lastReadAt: Date | null;
}

const PAGE_SIZE = 1000;

/**
 * Keeps this node's decision index current: loaded from a snapshot at start, then brought up to
 * date from the change log (docs/sync.md) when
 * - a write made through this node asks for it (`catchUp`, before the write's response);
 * - the store announces a commit (PostgreSQL LISTEN/NOTIFY), or its feed reconnects after a loss
 *   (what committed in between was not announced);
 * - every `pollIntervalMs`, whatever was announced (a cheap `currentVersion` first, the log only
 *   when it moved).
 *
 * Passes never overlap: two passes starting from the same version could apply an older policy
 * after a newer one. Callers arriving while a pass runs share the next one, which starts after
 * it, so every caller gets a pass that began after its own write committed.
 */
export class IndexFollower implements SyncStatistics {
  readonly index: DecisionIndex;
  readonly #store: KeyFenceStore;
  readonly #options: IndexFollowerOptions;
  #version = 0;
  #latest = 0;
  #loaded = false;
  #tail: Promise<unknown> = Promise.resolve();
  #next: Promise<number> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #polling: Promise<void> = Promise.resolve();
  #stopped = false;
  #subscription: ChangeSubscription | undefined;
  #feedDown = false;
  #notifications = 0;
  #polls = 0;
  #passes = 0;
  #lastReadAt: Date | null = null;

  constructor(store: KeyFenceStore, index: DecisionIndex, options: IndexFollowerOptions) {
    this.#store = store;
    this.index = index;
    this.#options = options;
  }

  get appliedVersion(): number {
    return this.#version;
  }

  get latestKnownVersion(): number {
    return Math.max(this.#latest, this.#version);
  }

  get lag(): number {
    return this.latestKnownVersion - this.#version;
  }

  get notifications(): number {
    return this.#notifications;
  }

  get polls(): number {
    return this.#polls;
  }

  get passes(): number {
    return this.#passes;
  }

  get listening(): boolean {
    return this.#subscription?.listening ?? false;
  }

  get feedReconnects(): number {
    return this.#subscription?.reconnects ?? 0;
  }

  get lastReadAt(): Date | null {
    return this.#lastReadAt;
  }

  get loaded(): boolean {
    return this.#loaded;
  }

  /** Subscribes to the change feed, loads the index from a snapshot, then follows until `stop`. */
  async start(): Promise<number> {
    // Listening starts before the snapshot is read, so that a change committed after the
    // snapshot is always announced; its pass waits for the load (it queues behind it).
    this.#subscription = await this.#store.subscribeToChanges(
      {
        changed: (version) => this.#onAnnounced(version),
        resumed: () => this.#onResumed(),
        failed: (error) => this.#onFeedFailed(error),
      },
      this.#options.feed,
    );
    const loaded = this.#tail.then(async () => {
      this.#version = await loadIndex(this.#store, this.index, this.#options.consumers);
      this.#markRead();
      this.#latest = this.#version;
      this.#loaded = true;
      return this.#version;
    });
    this.#tail = loaded.catch(() => undefined);
    let version: number;
    try {
      version = await loaded;
    } catch (error) {
      await this.#subscription.close();
      throw error;
    }
    this.#schedule();
    return version;
  }

  /** Applies every change committed before the call; resolves with the version reached. */
  catchUp(): Promise<number> {
    if (this.#next !== undefined) return this.#next;
    const next = this.#tail.then(async () => {
      this.#next = undefined;
      // Before the load (or after a failed one) there is no version to continue from.
      if (!this.#loaded) return this.#version;
      const from = this.#version;
      this.#passes++;
      const reached = await catchUp(
        this.index,
        (v, limit) => this.#store.changesSince(v, limit),
        from,
        PAGE_SIZE,
        (version) => {
          this.#version = version;
        },
        this.#options.consumers,
      );
      this.#markRead();
      this.#latest = Math.max(this.#latest, reached);
      if (reached > from) this.#options.onApplied?.(reached);
      return reached;
    });
    this.#next = next;
    this.#tail = next.catch(() => undefined);
    return next;
  }

  /** Stops listening and polling, and waits for a pass in progress. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#subscription?.close();
    await this.#polling;
    await this.#tail;
  }

  #onAnnounced(version: number): void {
    this.#notifications++;
    // A notification for a version already applied (this node's own write, mostly) needs no read.
    if (version > this.#version) this.#catchUpInBackground();
  }

  #onResumed(): void {
    this.#feedDown = false;
    this.#options.onFeed?.();
    this.#catchUpInBackground();
  }

  #onFeedFailed(error: unknown): void {
    if (this.#feedDown) return;
    this.#feedDown = true;
    this.#options.onFeed?.(error);
  }

  #catchUpInBackground(): void {
    if (this.#stopped) return;
    this.catchUp().catch((error: unknown) => this.#options.onError(error));
  }

  #schedule(): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#polling = this.#poll();
    }, this.#options.pollIntervalMs);
    // Polling alone never keeps the process alive.
    this.#timer.unref();
  }

  #markRead(): void {
    this.#lastReadAt = new Date();
    this.#options.onSynced?.();
  }

  async #poll(): Promise<void> {
    this.#polls++;
    try {
      const current = await this.#store.currentVersion();
      this.#markRead();
      this.#latest = Math.max(this.#latest, current);
      if (current > this.#version && !this.#stopped) await this.catchUp();
    } catch (error) {
      this.#options.onError(error);
    }
    this.#schedule();
  }
}
