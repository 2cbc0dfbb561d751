import { Kysely, SqliteDialect, sql } from 'kysely';
import { type ChangeSubscription, NO_CHANGE_FEED } from '../change-feed.js';
import type { NewAuditEvent } from '../queries/audit-events.js';
import type { RetainedTableName } from '../queries/retention.js';
import type { SignatureNonce } from '../queries/signature-nonces.js';
import type { StoreDatabase } from '../schema/database.js';
import type { StoreDialect, TableScan } from '../store-dialect.js';
import { inTransaction } from '../transaction.js';
import { SqliteAuditAppender } from './sqlite-audit-appender.js';
import { openSqliteDatabase, type WriteQueue, writeQueueFor } from './sqlite-connection.js';
import { SqliteNonceClaims } from './sqlite-nonce-claims.js';
import type { SqliteStoreConfig } from './sqlite-store-config.js';

/**
 * SQLite allows one writer per database file. `BEGIN IMMEDIATE` takes that lock when the
 * transaction starts (a plain `BEGIN` would take it at the first write, after the reads that
 * decided what to write, and could then fail with SQLITE_BUSY). That lock already serialises
 * migrations and the change log across connections and processes, so `lockMigrations` has
 * nothing to add and `lockChangeLog` only reads the counter. SQLite cannot push a commit to
 * other processes, so there is no change feed: readers poll the change counter, which is cheap.
 */
export class SqliteStoreDialect implements StoreDialect {
  readonly name = 'sqlite';
  readonly db: Kysely<StoreDatabase>;
  readonly now = sql<number>`cast(unixepoch('subsec') * 1000 as integer)`;
  readonly #writers: WriteQueue;
  readonly #audit: SqliteAuditAppender;
  readonly #nonces: SqliteNonceClaims;

  constructor(config: SqliteStoreConfig) {
    const database = openSqliteDatabase(config);
    this.#writers = writeQueueFor(config.file);
    this.#audit = new SqliteAuditAppender(config, this.#writers);
    this.#nonces = new SqliteNonceClaims(config, this.#writers);
    this.db = new Kysely<StoreDatabase>({ dialect: new SqliteDialect({ database }) });
  }

  write<T>(work: (connection: Kysely<StoreDatabase>) => Promise<T>): Promise<T> {
    return this.#writers.run(() =>
      inTransaction(this.db, (connection) => sql`begin immediate`.execute(connection), work),
    );
  }

  // In WAL mode a deferred transaction reads one snapshot from its first read to its end.
  snapshot<T>(work: (connection: Kysely<StoreDatabase>) => Promise<T>): Promise<T> {
    return inTransaction(this.db, (connection) => sql`begin deferred`.execute(connection), work);
  }

  // Keyset pages: the tables scanned are clustered by their key (WITHOUT ROWID), so reading in
  // key order is reading the file in order, and each page is one statement with no cursor.
  async *scan<Row>(
    connection: Kysely<StoreDatabase>,
    table: TableScan<Row>,
    pageSize: number,
  ): AsyncGenerator<Row[]> {
    let after = '';
    for (;;) {
      const page = await table.after(connection, after, pageSize).execute();
      if (page.length > 0) yield page;
      if (page.length < pageSize) return;
      after = table.key(page[page.length - 1]!);
    }
  }

  async lockMigrations(): Promise<void> {}

  async lockChangeLog(connection: Kysely<StoreDatabase>): Promise<number> {
    const row = await connection
      .selectFrom('change_counter')
      .select('version')
      .where('id', '=', 1)
      .executeTakeFirstOrThrow();
    return row.version;
  }

  async announceChanges(): Promise<void> {}

  // On a worker thread: see SqliteAuditAppender.
  appendAuditEvents(events: readonly NewAuditEvent[]): Promise<void> {
    return this.#audit.append(events);
  }

  // On the audit worker too: a batch costs the thread running it several ms (sqlite-audit-worker.ts).
  deleteRetainedBatch(table: RetainedTableName, beforeDay: number, limit: number): Promise<number> {
    return this.#audit.deleteRetained(table, beforeDay, limit);
  }

  // On a connection of its own: see SqliteNonceClaims.
  claimSignatureNonces(nonces: readonly SignatureNonce[]): Promise<boolean[]> {
    return this.#nonces.claim(nonces);
  }

  async subscribeToChanges(): Promise<ChangeSubscription> {
    return NO_CHANGE_FEED;
  }

  async close(): Promise<void> {
    await this.#audit.close();
    await this.#nonces.close();
    await this.db.destroy();
  }
}
