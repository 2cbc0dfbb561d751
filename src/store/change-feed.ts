/**
 * Committed changes pushed to a node as they happen (PostgreSQL's LISTEN/NOTIFY), so that it
 * reads the change log at once instead of at its next poll. A notification carries only a
 * version, and it is a hint, not the log: notifications can be lost (while the connection is
 * down), so the subscriber still reads `changesSince` itself and still polls now and then.
 */
export interface ChangeListener {
  /** A write transaction that appended changes up to `version` committed. */
  changed(version: number): void;
  /**
   * The feed is listening again after `failed`: what committed in between was not announced,
   * so read the log now.
   */
  resumed(): void;
  /** The feed lost its connection or could not restore it yet; it keeps retrying by itself. */
  failed(error: unknown): void;
}

export interface ChangeSubscription {
  /** False when the database pushes nothing (SQLite): polling the log is the only way. */
  readonly pushes: boolean;
  /** True while changes are being pushed; false while reconnecting, after `close`, or without push. */
  readonly listening: boolean;
  /** How many times the connection was restored after a loss. */
  readonly reconnects: number;
  /** Stops listening; no listener method is called after it resolves. */
  close(): Promise<void>;
}

export interface ChangeFeedOptions {
  /** The first delay before reconnecting after a loss; doubled after each failed attempt. Default 100 ms. */
  readonly reconnectMinMs?: number;
  /** The longest delay between attempts. Default 5 s. */
  readonly reconnectMaxMs?: number;
}

/** SQLite's: nothing is pushed. */
export const NO_CHANGE_FEED: ChangeSubscription = Object.freeze({
  pushes: false,
  listening: false,
  reconnects: 0,
  close: async () => {},
});
