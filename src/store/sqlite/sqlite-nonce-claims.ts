import type Database from 'better-sqlite3';
import type { SignatureNonce } from '../queries/signature-nonces.js';
import { StoreError } from '../store-error.js';
import { openSqliteDatabase, type WriteQueue } from './sqlite-connection.js';
import type { SqliteStoreConfig } from './sqlite-store-config.js';

const INSERT = 'insert into signature_nonces (expires_at, digest) values (?, ?) on conflict do nothing';

/**
 * Nonce claims on a connection of their own, with `synchronous = NORMAL`: in WAL mode a commit
 * then writes its pages to the log without an fsync. A claim committed so survives a crash or a
 * kill -9 of the process (the operating system holds the pages), not a power loss of the machine
 * before the next checkpoint or FULL commit of another connection syncs the log; in exchange a
 * batch costs the event loop (better-sqlite3 is synchronous) tens of microseconds instead of an
 * fsync's milliseconds. One prepared insert per row: `changes` says whether it inserted.
 *
 * Opened with the first claim (a store that never claims never opens it); each batch takes its
 * turn in the process's write queue (see writeQueueFor).
 */
export class SqliteNonceClaims {
  readonly #config: SqliteStoreConfig;
  readonly #writers: WriteQueue;
  #claim: ((nonces: readonly SignatureNonce[]) => boolean[]) | undefined;
  #database: Database.Database | undefined;
  #closed = false;

  constructor(config: SqliteStoreConfig, writers: WriteQueue) {
    this.#config = config;
    this.#writers = writers;
  }

  claim(nonces: readonly SignatureNonce[]): Promise<boolean[]> {
    return this.#writers.run(async () => {
      if (this.#closed)
        throw new StoreError('Store.Database', undefined, { cause: new Error('the store is closed') });
      try {
        return (this.#claim ?? this.#open())(nonces);
      } catch (cause) {
        throw new StoreError('Store.Database', undefined, { cause });
      }
    });
  }

  close(): Promise<void> {
    this.#closed = true;
    return this.#writers.run(async () => {
      this.#database?.close();
      this.#database = undefined;
      this.#claim = undefined;
    });
  }

  #open(): (nonces: readonly SignatureNonce[]) => boolean[] {
    const database = openSqliteDatabase(this.#config);
    try {
      database.pragma('synchronous = NORMAL');
      const insert = database.prepare<[number, string]>(INSERT);
      const claim = database.transaction((nonces: readonly SignatureNonce[]) =>
        nonces.map((nonce) => insert.run(nonce.expiresAt, nonce.digest).changes === 1),
      );
      this.#database = database;
      this.#claim = (nonces) => claim.immediate(nonces);
      return this.#claim;
    } catch (error) {
      database.close();
      throw error;
    }
  }
}
