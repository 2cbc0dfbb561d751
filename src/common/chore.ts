/**
 * Periodic work of a node (a heartbeat, a housekeeping pass, a flush): what a ChoreRunner runs.
 * A chore owns what it does, never its timer, so that one runner starts and stops them all.
 */
export interface Chore {
  /** How often `run` is called; at most a node timer's 2^31 - 1 ms. */
  readonly intervalMs: number;
  /**
   * One round of the work. Rounds are not serialized by the runner: a chore whose rounds must not
   * overlap joins or queues behind the one under way itself.
   */
  readonly run: () => void | Promise<void>;
  /** A round that threw or rejected; the next round runs as planned. Must not throw. */
  readonly onError: (error: unknown) => void;
}
