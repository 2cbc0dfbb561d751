/**
 * The worker thread that inserts audit events into SQLite (sqlite-audit-appender.ts starts it).
 * It has its own connection; the appender sends it one batch at a time, in the process's write
 * queue, and it answers each with an `AuditWorkerReply`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Statement } from 'better-sqlite3';
import { DummyDriver, Kysely, SqliteAdapter, SqliteIntrospector, SqliteQueryCompiler } from 'kysely';
import { AUDIT_EVENT_COLUMNS, auditEventRow, type NewAuditEvent } from '../queries/audit-events.js';
import { KEY_SOURCE_ROLLUP_COLUMNS, KEY_SOURCE_ROLLUP_CONFLICT } from '../queries/key-source-rollups.js';
import { type RetainedTableName, retainedBatchDeletion } from '../queries/retention.js';
import { KeySourceRollupBatch } from '../rollups/key-source-rollup-batch.js';
import type { StoreDatabase } from '../schema/database.js';
import { openSqliteDatabase } from './sqlite-connection.js';
import type { SqliteStoreConfig } from './sqlite-store-config.js';

/** What the worker is started with: only what can cross to a thread (no clock, no master key). */
export interface AuditWorkerData {
  readonly config: SqliteStoreConfig;
}

export type AuditWorkerRequest =
  | { readonly kind: 'append'; readonly events: readonly NewAuditEvent[] }
  | {
      readonly kind: 'delete-retained';
      readonly table: RetainedTableName;
      readonly beforeDay: number;
      readonly limit: number;
    }
  | { readonly kind: 'close' };

export type AuditWorkerReply =
  /** `deleted`: the rows a `delete-retained` request deleted (0 for an append). */
  | { readonly ok: true; readonly deleted: number }
  | {
      readonly ok: false;
      /** The database refused a value: the same batch would fail again (see isInvalidData). */
      readonly invalidData: boolean;
      readonly code: string | undefined;
      readonly message: string;
    };

const port = parentPort!;
const database = openSqliteDatabase((workerData as AuditWorkerData).config);
// One prepared single-row INSERT, run once per event in one transaction per batch: SQLite has no
// statement to parse per batch (a 500-row VALUES list has 6,500 parameters), and committing once
// per batch writes each touched page to the WAL once. Values bound by position: by name
// (`@column`) cost a fifth more.
const insert = database.prepare(
  `insert into audit_events (${AUDIT_EVENT_COLUMNS.join(', ')})
   values (${AUDIT_EVENT_COLUMNS.map(() => '?').join(', ')})
   on conflict (event_id) do nothing`,
);
const addRollup = database.prepare(
  `insert into key_source_rollups (${KEY_SOURCE_ROLLUP_COLUMNS.join(', ')})
   values (${KEY_SOURCE_ROLLUP_COLUMNS.map(() => '?').join(', ')})
   ${KEY_SOURCE_ROLLUP_CONFLICT}`,
);
// The events inserted (not those stored already) count in the key-source rollups, summed first,
// in the same transaction: the rollups are exactly the events stored.
const appendAll = database.transaction((events: readonly NewAuditEvent[]) => {
  const rollups = new KeySourceRollupBatch();
  for (const event of events) {
    const row = auditEventRow(event);
    if (insert.run(AUDIT_EVENT_COLUMNS.map((column) => row[column])).changes > 0) rollups.add(event);
  }
  for (const row of rollups.rows()) addRollup.run(KEY_SOURCE_ROLLUP_COLUMNS.map((column) => row[column]));
});

// Retention batches are the worker's other write: one statement that costs a few ms per 100 rows,
// which would otherwise stall the thread serving requests. The statement is the store's own
// (retainedBatchDeletion), compiled for SQLite without a connection, prepared once per table.
const compiler = new Kysely<StoreDatabase>({
  dialect: {
    createAdapter: () => new SqliteAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new SqliteIntrospector(db),
    createQueryCompiler: () => new SqliteQueryCompiler(),
  },
});
const deletions = new Map<RetainedTableName, Statement>();

function deleteRetained(table: RetainedTableName, beforeDay: number, limit: number): number {
  const { sql, parameters } = retainedBatchDeletion(table, beforeDay, limit).compile(compiler);
  let statement = deletions.get(table);
  if (statement === undefined) {
    statement = database.prepare(sql);
    deletions.set(table, statement);
  }
  return database.transaction(() => statement.run(parameters as unknown[]).changes).immediate();
}

port.on('message', (request: AuditWorkerRequest) => {
  if (request.kind === 'close') {
    database.close();
    port.close();
    return;
  }
  let reply: AuditWorkerReply;
  try {
    // BEGIN IMMEDIATE, as every writer of the store (sqlite-store-dialect.ts).
    if (request.kind === 'append') {
      appendAll.immediate(request.events);
      reply = { ok: true, deleted: 0 };
    } else {
      reply = { ok: true, deleted: deleteRetained(request.table, request.beforeDay, request.limit) };
    }
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    reply = {
      ok: false,
      invalidData: isInvalidData(error),
      code: typeof code === 'string' ? code : undefined,
      message: error instanceof Error ? error.message : String(error),
    };
  }
  port.postMessage(reply);
});

/**
 * A value SQLite or the driver refuses (a NULL in a NOT NULL column, a value it cannot bind),
 * rather than a database that is busy, full, read-only or gone.
 */
function isInvalidData(error: unknown): boolean {
  // better-sqlite3 refusing to bind a value (an object, a string too big).
  if (error instanceof TypeError || error instanceof RangeError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return (
    typeof code === 'string' &&
    (code.startsWith('SQLITE_CONSTRAINT') || code === 'SQLITE_MISMATCH' || code === 'SQLITE_TOOBIG')
  );
}
