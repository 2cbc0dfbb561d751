import type { Chore } from '../common/chore.js';
import { MAX_MILLISECONDS } from '../common/max-milliseconds.js';
import type { KeyFenceStore } from '../store/index.js';

/** What a housekeeping pass deletes. */
export type HousekeepingChore =
  | 'expired-credentials'
  | 'expired-nonces'
  | 'silent-nodes'
  | 'expired-console-sessions';

export interface StoreHousekeepingOptions {
  /** How often a pass runs; at most a node timer's 2^31 - 1 ms. */
  readonly intervalMs: number;
  /** Node status rows not written for longer than this are deleted. */
  readonly forgetNodesAfterMs: number;
  /** Told how many rows a chore deleted, when it deleted any. */
  readonly onDeleted: (chore: HousekeepingChore, count: number) => void;
  /** A chore that failed; the next pass tries again. Must not throw. */
  readonly onError: (chore: HousekeepingChore, error: unknown) => void;
}

type HousekeptStore = Pick<
  KeyFenceStore,
  | 'purgeExpiredTemporaryCredentials'
  | 'purgeExpiredSignatureNonces'
  | 'forgetSilentNodes'
  | 'deleteExpiredConsoleSessions'
>;

/**
 * Deletes what the store would otherwise keep forever, once on start and then every
 * `intervalMs` (its `chore`, run by the node's ChoreRunner): expired STS credentials
 * (AssumeRole stores one per call, and an expired one is refused whether its row exists or not),
 * signature nonces past their window (and a grace for clocks that disagree; see docs/auth.md),
 * the status rows of nodes long gone (a pod per deployment would otherwise be listed as stale by
 * `keyfence status` forever) and console sessions past their expiry (refused whether their row
 * exists or not; one left by closing the browser is never signed out of). Every node runs it:
 * the deletes are idempotent, and one node's passes never overlap.
 */
export class StoreHousekeeping {
  readonly #store: HousekeptStore;
  readonly #options: StoreHousekeepingOptions;
  #running: Promise<void> | undefined;
  /** A pass every `intervalMs`. */
  readonly chore: Chore;

  constructor(store: HousekeptStore, options: StoreHousekeepingOptions) {
    const { intervalMs, forgetNodesAfterMs } = options;
    if (!Number.isSafeInteger(intervalMs) || intervalMs <= 0 || intervalMs > MAX_MILLISECONDS) {
      throw new RangeError(
        `housekeepingMs must be a whole number of milliseconds from 1 to ${MAX_MILLISECONDS}`,
      );
    }
    if (!Number.isSafeInteger(forgetNodesAfterMs) || forgetNodesAfterMs <= 0) {
      throw new RangeError('forgetNodesAfterMs must be a positive whole number of milliseconds');
    }
    this.#store = store;
    this.#options = options;
    this.chore = {
      intervalMs,
      run: () => this.run(),
      // A pass never rejects: each chore's failure is told to options.onError, with its name.
      onError: () => {},
    };
  }

  /** Runs a pass now, or joins the one under way; resolves once it ended, never rejects. */
  run(): Promise<void> {
    this.#running ??= this.#pass().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #pass(): Promise<void> {
    await this.#purge('expired-credentials', () => this.#store.purgeExpiredTemporaryCredentials());
    await this.#purge('expired-nonces', () => this.#store.purgeExpiredSignatureNonces());
    await this.#purge('silent-nodes', () => this.#store.forgetSilentNodes(this.#options.forgetNodesAfterMs));
    await this.#purge('expired-console-sessions', () => this.#store.deleteExpiredConsoleSessions());
  }

  async #purge(chore: HousekeepingChore, deleteRows: () => Promise<number>): Promise<void> {
    try {
      const count = await deleteRows();
      if (count > 0) this.#options.onDeleted(chore, count);
    } catch (error) {
      this.#options.onError(chore, error);
    }
  }
}
