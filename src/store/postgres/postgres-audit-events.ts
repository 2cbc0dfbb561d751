import { type Kysely, sql } from 'kysely';
import { AUDIT_EVENT_COLUMNS, auditEventRow, type NewAuditEvent } from '../queries/audit-events.js';
import { upsertKeySourceRollups } from '../queries/key-source-rollups.js';
import { KeySourceRollupBatch } from '../rollups/key-source-rollup-batch.js';
import { countsInRollups } from '../rollups/rolled-up-call.js';
import type { AuditEventTable, StoreDatabase } from '../schema/database.js';
import { StoreError } from '../store-error.js';
import { inTransaction } from '../transaction.js';

const BIGINT_COLUMNS: ReadonlySet<keyof AuditEventTable> = new Set(['event_time', 'applied_version']);
const columns = sql.raw(AUDIT_EVENT_COLUMNS.join(', '));
const recordType = sql.raw(
  `batch(${AUDIT_EVENT_COLUMNS.map((c) => `${c} ${BIGINT_COLUMNS.has(c) ? 'bigint' : 'text'}`).join(', ')})`,
);

/**
 * Inserts a batch in one statement, whatever its size: the rows travel as one JSON array that
 * PostgreSQL unpacks with json_to_recordset. Binding 13 values per event cost this process about
 * 10 µs per event (and a statement text per batch size), arrays through unnest() three times that
 * (the driver escapes every element); the one JSON text costs about 8.
 *
 * A batch with events the key-source rollups count goes in a transaction with their upserts,
 * counting only the events inserted (`returning`): one stored already is counted already. A
 * batch with none (STS keys, refused requests) is one statement, atomic on its own, with no
 * transaction (two round trips fewer).
 */
export async function appendPostgresAuditEvents(
  db: Kysely<StoreDatabase>,
  events: readonly NewAuditEvent[],
): Promise<void> {
  const rows = JSON.stringify(events.map(auditEventRow));
  const insert = sql<Pick<AuditEventTable, 'event_id'>>`insert into audit_events (${columns})
    select ${columns} from json_to_recordset(${rows}::json) as ${recordType}
    on conflict (event_id) do nothing`;
  try {
    if (!events.some(countsInRollups)) {
      await insert.execute(db);
      return;
    }
    await inTransaction(
      db,
      (connection) => sql`begin`.execute(connection),
      async (connection) => {
        const inserted = await sql<Pick<AuditEventTable, 'event_id'>>`${insert} returning event_id`.execute(
          connection,
        );
        const ids = new Set(inserted.rows.map((row) => row.event_id));
        const rollups = new KeySourceRollupBatch();
        for (const event of events) if (ids.has(event.eventId)) rollups.add(event);
        await upsertKeySourceRollups(connection, rollups.rows());
      },
    );
  } catch (error) {
    if (error instanceof StoreError) throw error;
    throw new StoreError(isDataException(error) ? 'Store.InvalidData' : 'Store.Database', undefined, {
      cause: error,
    });
  }
}

/**
 * SQLSTATE classes 22, data exception (22021: a NUL byte in text; 22P05: `\u0000` or a lone
 * surrogate in JSON), and 23, integrity constraint violation (23502: NULL in a NOT NULL column):
 * the batch holds a value the database refuses, and will refuse on every retry.
 */
function isDataException(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23'));
}
