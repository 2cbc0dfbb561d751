import type { Expression, Kysely, RawBuilder } from 'kysely';
import type { ChangeFeedOptions, ChangeListener, ChangeSubscription } from './change-feed.js';
import type { NewAuditEvent } from './queries/audit-events.js';
import type { RetainedTableName } from './queries/retention.js';
import type { SignatureNonce } from './queries/signature-nonces.js';
import type { StoreDatabase } from './schema/database.js';

/**
 * What differs between the databases the store runs on. Each folder next to this file
 * (`sqlite/`, `postgres/`) implements it with the same three files: config, connection,
 * dialect. Everything else — schema, migrations, queries — is shared.
 */
export interface StoreDialect {
  readonly name: 'sqlite' | 'postgres';
  readonly db: Kysely<StoreDatabase>;
  /** Runs `work` in a write transaction on one connection; commits if it resolves. */
  write<T>(work: (connection: Kysely<StoreDatabase>) => Promise<T>): Promise<T>;
  /** Runs `work` in a read-only transaction in which every read sees the same committed state. */
  snapshot<T>(work: (connection: Kysely<StoreDatabase>) => Promise<T>): Promise<T>;
  /**
   * Inside `snapshot`: every row of a table, in pages of at most `pageSize` rows, read the way
   * this database reads a whole table fastest.
   */
  scan<Row>(
    connection: Kysely<StoreDatabase>,
    table: TableScan<Row>,
    pageSize: number,
  ): AsyncGenerator<Row[]>;
  /** Inside `write`: waits until no other process is migrating this database. */
  lockMigrations(connection: Kysely<StoreDatabase>): Promise<void>;
  /**
   * Inside `write`: takes the store's single change-log lock, held until the transaction ends,
   * and returns the last version handed out.
   */
  lockChangeLog(connection: Kysely<StoreDatabase>): Promise<number>;
  /**
   * Inside `write`, after the changes up to `version` were appended: tells listening nodes
   * once the transaction commits (and never if it rolls back).
   */
  announceChanges(connection: Kysely<StoreDatabase>, version: number): Promise<void>;
  /** Pushes committed changes' versions to `listener`; see ChangeSubscription. */
  subscribeToChanges(listener: ChangeListener, options?: ChangeFeedOptions): Promise<ChangeSubscription>;
  /**
   * Stores audit events, all or none, skipping event IDs already stored; outside the change log
   * and its lock. Each database inserts them its cheapest way (the audit log's volume is that of
   * the requests). Throws `Store.InvalidData` when the database refused a value (an event the
   * caller should set aside), `Store.Database` for anything else (worth retrying).
   */
  appendAuditEvents(events: readonly NewAuditEvent[]): Promise<void>;
  /**
   * Deletes one batch of audit data past retention (retainedBatchDeletion), in its own
   * transaction, outside the change log and its lock; returns how many rows it deleted. Where
   * the audit log is written off the request thread, so is this.
   */
  deleteRetainedBatch(table: RetainedTableName, beforeDay: number, limit: number): Promise<number>;
  /**
   * Inserts the nonces not stored yet, all in one transaction, outside the change log and its
   * lock; says which were inserted (KeyFenceStore.claimSignatureNonces).
   */
  claimSignatureNonces(nonces: readonly SignatureNonce[]): Promise<boolean[]>;
  /** The database's clock, in milliseconds since the epoch: one clock for every node that shares it. */
  readonly now: RawBuilder<number>;
  close(): Promise<void>;
}

/** Two ways to read a whole table, for `StoreDialect.scan` to choose from. */
export interface TableScan<Row> {
  /** Every row, in no particular order. */
  all(connection: Kysely<StoreDatabase>): Expression<Row>;
  /** At most `limit` rows with a primary key above `after`, in key order. */
  after(connection: Kysely<StoreDatabase>, after: string, limit: number): { execute(): Promise<Row[]> };
  key(row: Row): string;
}
