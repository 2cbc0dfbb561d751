import { Kysely, PostgresDialect, sql } from 'kysely';
import type { ChangeFeedOptions, ChangeListener, ChangeSubscription } from '../change-feed.js';
import type { NewAuditEvent } from '../queries/audit-events.js';
import { deleteRetainedBatch, type RetainedTableName } from '../queries/retention.js';
import type { SignatureNonce } from '../queries/signature-nonces.js';
import type { StoreDatabase } from '../schema/database.js';
import type { StoreDialect, TableScan } from '../store-dialect.js';
import { inTransaction } from '../transaction.js';
import { appendPostgresAuditEvents } from './postgres-audit-events.js';
import { CHANGES_CHANNEL, listenForChanges } from './postgres-change-feed.js';
import { createPostgresPool } from './postgres-connection.js';
import { claimPostgresSignatureNonces } from './postgres-signature-nonces.js';
import type { PostgresStoreConfig } from './postgres-store-config.js';

// Any fixed number, unique to KeyFence's migrations among the database's advisory locks.
const migrationLockId = 4_625_467_329_001;
let cursors = 0;

/**
 * Writers serialise on the change counter's row lock (`SELECT … FOR UPDATE`), taken before
 * anything is read, so version numbers are handed out in commit order with no gaps: a
 * rolled-back transaction's increment is rolled back with it, which a sequence would not do.
 * Committed changes are announced with NOTIFY (postgres-change-feed.ts).
 */
export class PostgresStoreDialect implements StoreDialect {
  readonly name = 'postgres';
  readonly db: Kysely<StoreDatabase>;
  readonly now = sql<number>`(extract(epoch from clock_timestamp()) * 1000)::bigint`;
  readonly #config: PostgresStoreConfig;

  constructor(config: PostgresStoreConfig) {
    this.#config = config;
    this.db = new Kysely<StoreDatabase>({
      dialect: new PostgresDialect({ pool: createPostgresPool(config) }),
    });
  }

  write<T>(work: (connection: Kysely<StoreDatabase>) => Promise<T>): Promise<T> {
    return inTransaction(this.db, (connection) => sql`begin`.execute(connection), work);
  }

  snapshot<T>(work: (connection: Kysely<StoreDatabase>) => Promise<T>): Promise<T> {
    const begin = sql`begin isolation level repeatable read read only`;
    return inTransaction(this.db, (connection) => begin.execute(connection), work);
  }

  // A cursor over a sequential scan: reading a million keys by primary key instead visits the
  // heap in random order and took twice as long.
  async *scan<Row>(
    connection: Kysely<StoreDatabase>,
    table: TableScan<Row>,
    pageSize: number,
  ): AsyncGenerator<Row[]> {
    const cursor = sql.id(`keyfence_scan_${++cursors}`);
    await sql`declare ${cursor} no scroll cursor for ${table.all(connection)}`.execute(connection);
    for (;;) {
      const { rows } = await sql<Row>`fetch forward ${sql.lit(pageSize)} from ${cursor}`.execute(connection);
      if (rows.length > 0) yield rows;
      if (rows.length < pageSize) break;
    }
    await sql`close ${cursor}`.execute(connection);
  }

  async lockMigrations(connection: Kysely<StoreDatabase>): Promise<void> {
    await sql`select pg_advisory_xact_lock(${sql.lit(migrationLockId)})`.execute(connection);
  }

  async lockChangeLog(connection: Kysely<StoreDatabase>): Promise<number> {
    const row = await connection
      .selectFrom('change_counter')
      .select('version')
      .where('id', '=', 1)
      .forUpdate()
      .executeTakeFirstOrThrow();
    return row.version;
  }

  // NOTIFY inside the transaction is delivered at commit, after the rows are visible, and not at
  // all on rollback; the version is all it carries (listeners read the log themselves).
  async announceChanges(connection: Kysely<StoreDatabase>, version: number): Promise<void> {
    await sql`select pg_notify(${CHANGES_CHANNEL}, ${String(version)})`.execute(connection);
  }

  appendAuditEvents(events: readonly NewAuditEvent[]): Promise<void> {
    return appendPostgresAuditEvents(this.db, events);
  }

  deleteRetainedBatch(table: RetainedTableName, beforeDay: number, limit: number): Promise<number> {
    return this.write((connection) => deleteRetainedBatch(connection, table, beforeDay, limit));
  }

  claimSignatureNonces(nonces: readonly SignatureNonce[]): Promise<boolean[]> {
    return claimPostgresSignatureNonces(this.db, nonces);
  }

  subscribeToChanges(listener: ChangeListener, options?: ChangeFeedOptions): Promise<ChangeSubscription> {
    return listenForChanges(this.#config, listener, options);
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}
