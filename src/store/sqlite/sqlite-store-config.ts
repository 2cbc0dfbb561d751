export interface SqliteStoreConfig {
  readonly dialect: 'sqlite';
  /** The database file; its directory must exist. */
  readonly file: string;
  /** How long a writer waits for another process's write transaction; default 10 s. */
  readonly busyTimeoutMs?: number;
}

/** The database file's name inside a data directory. */
export const SQLITE_FILE_NAME = 'keyfence.db';
