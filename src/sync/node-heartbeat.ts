import type { Chore } from '../common/chore.js';
import type { KeyFenceStore, NodeState } from '../store/index.js';

export interface NodeHeartbeatOptions {
  readonly nodeId: string;
  /** How often the row is written while nothing changes. */
  readonly heartbeatMs: number;
  /** The version the node enforces, read at each write. */
  readonly appliedVersion: () => number;
  /** A failed write, reported once per run of failures: the row is bookkeeping, never in a request's way. */
  readonly onError: (error: unknown) => void;
}

// A graceful stop does not wait longer than this for the last write (the database may be gone).
const FINAL_WRITE_TIMEOUT_MS = 2000;

/**
 * Keeps this node's row in the node status table current (docs/sync.md): written on start and
 * every `heartbeatMs` (its `chore`, run by the node's ChoreRunner), right after the node applied
 * changes (`beat`), and once more as `stopped` on a graceful stop. Writes never overlap: a beat
 * asked for during a write is made right after it, once however many were asked for.
 */
export class NodeHeartbeat {
  readonly #store: Pick<KeyFenceStore, 'recordNode'>;
  readonly #options: NodeHeartbeatOptions;
  readonly #startedAt = new Date();
  #address: string | null = null;
  #started = false;
  #writing: Promise<void> | undefined;
  #again = false;
  #stopped = false;
  #failing = false;
  #writes = 0;
  #failures = 0;

  /** A beat every `heartbeatMs`; the runner's first round writes the row on start. */
  readonly chore: Chore;

  constructor(store: Pick<KeyFenceStore, 'recordNode'>, options: NodeHeartbeatOptions) {
    this.#store = store;
    this.#options = options;
    this.chore = { intervalMs: options.heartbeatMs, run: () => this.beat(), onError: options.onError };
  }

  get nodeId(): string {
    return this.#options.nodeId;
  }

  /** Rows written successfully. */
  get writes(): number {
    return this.#writes;
  }

  /** Writes that failed. */
  get failures(): number {
    return this.#failures;
  }

  /** The node serves at `address`: beats write the row from now on. */
  start(address: string | null): void {
    this.#address = address;
    this.#started = true;
  }

  /** Writes the row as soon as no other write is under way (once started, until stopped). */
  beat(): void {
    if (this.#stopped || !this.#started) return;
    if (this.#writing !== undefined) {
      this.#again = true;
      return;
    }
    this.#writing = this.#write('serving').finally(() => {
      this.#writing = undefined;
      if (this.#again) {
        this.#again = false;
        this.beat();
      }
    });
  }

  /** Stops beating and records the node as stopped (waiting at most a couple of seconds). */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    if (!this.#started) return;
    await this.#writing;
    let timeout: NodeJS.Timeout | undefined;
    await Promise.race([
      this.#write('stopped'),
      new Promise<void>((resolve) => {
        timeout = setTimeout(resolve, FINAL_WRITE_TIMEOUT_MS);
      }),
    ]);
    clearTimeout(timeout);
  }

  async #write(state: NodeState): Promise<void> {
    try {
      await this.#store.recordNode({
        nodeId: this.#options.nodeId,
        address: this.#address,
        state,
        appliedVersion: this.#options.appliedVersion(),
        heartbeatMs: this.#options.heartbeatMs,
        startedAt: this.#startedAt,
      });
      this.#writes++;
      this.#failing = false;
    } catch (error) {
      this.#failures++;
      if (!this.#failing) this.#options.onError(error);
      this.#failing = true;
    }
  }
}
