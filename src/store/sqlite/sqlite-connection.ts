import { realpathSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { createPrivateFileSync } from '../../common/private-files.js';
import { mergeEncodedServiceCalls } from '../rollups/service-calls.js';
import type { SqliteStoreConfig } from './sqlite-store-config.js';

/**
 * Opens the database file. WAL lets a snapshot read run while another connection writes;
 * synchronous=FULL makes a committed policy change survive power loss, not just a crash;
 * the busy timeout makes `BEGIN IMMEDIATE` queue behind another process's writer instead of
 * failing at once; SQLite leaves foreign keys off unless asked; a 64 MiB page cache (the
 * default is 2 MiB) keeps a million keys' index pages in memory, which makes loading and
 * snapshotting them a fifth faster. A new file is created 0600 first; SQLite gives its `-wal`
 * and `-shm` files the database file's mode. Every connection has the SQL function the
 * key-source rollups' upserts call (PostgreSQL has it from migration 0007).
 */
export function openSqliteDatabase(config: SqliteStoreConfig): Database.Database {
  createPrivateFileSync(config.file);
  const database = new Database(config.file, { timeout: config.busyTimeoutMs ?? 10_000 });
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = FULL');
  database.pragma('foreign_keys = ON');
  database.pragma('cache_size = -65536');
  database.function('keyfence_merge_service_calls', { deterministic: true }, (stored, added) =>
    mergeEncodedServiceCalls(String(stored), String(added)),
  );
  return database;
}

/**
 * One queue of writers per database file per process. better-sqlite3 is synchronous: a second
 * connection in this process waiting for SQLite's write lock would block the very event loop
 * the lock holder needs to commit, so writers in one process queue here instead, and only
 * writers in other processes meet SQLite's busy timeout.
 */
export function writeQueueFor(file: string): WriteQueue {
  const key = join(realpathSync(dirname(file)), basename(file));
  let queue = queues.get(key);
  if (queue === undefined) {
    queue = new WriteQueue();
    queues.set(key, queue);
  }
  return queue;
}

const queues = new Map<string, WriteQueue>();

export class WriteQueue {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(work);
    this.#tail = result.catch(() => {});
    return result;
  }
}
