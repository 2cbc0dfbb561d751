import { type Kysely, sql } from 'kysely';
import { AUDIT_EVENT_COLUMNS, auditEventRow, type NewAuditEvent } from '../queries/audit-events.js';
import { KEY_SOURCE_ROLLUP_COLUMNS, KEY_SOURCE_ROLLUP_CONFLICT } from '../queries/key-source-rollups.js';
import { rolledUpCall } from '../rollups/rolled-up-call.js';
import { OTHER_SERVICES } from '../rollups/service-calls.js';
import type { AuditEventTable, StoreDatabase } from '../schema/database.js';
import { StoreError } from '../store-error.js';

const BIGINT_COLUMNS: ReadonlySet<keyof AuditEventTable> = new Set(['event_time', 'applied_version']);
const columns = sql.raw(AUDIT_EVENT_COLUMNS.join(', '));
const recordType = sql.raw(
  `batch(${AUDIT_EVENT_COLUMNS.map((c) => `${c} ${BIGINT_COLUMNS.has(c) ? 'bigint' : 'text'}`).join(', ')})`,
);

/** One event's share of a key-source rollup row, as the statement below reads it. */
interface RollupCall {
  readonly event_id: string;
  readonly account_id: string;
  readonly access_key_id: string;
  readonly day: number;
  readonly source_ip: string;
  readonly vpc_id: string;
  readonly service: string;
  readonly allowed: number;
  readonly denied: number;
  readonly failed: number;
  readonly first_seen: number;
  readonly last_seen: number;
}

const ROLLUP_KEY = 'account_id, access_key_id, day, source_ip, vpc_id';
const rollupKey = sql.raw(ROLLUP_KEY);
const callType = sql.raw(
  `call(event_id text, account_id text, access_key_id text, day bigint, source_ip text, vpc_id text,
    service text, allowed bigint, denied bigint, failed bigint, first_seen bigint, last_seen bigint)`,
);
const rollupColumns = sql.raw(KEY_SOURCE_ROLLUP_COLUMNS.join(', '));
const rollupConflict = sql.raw(KEY_SOURCE_ROLLUP_CONFLICT);

/**
 * Inserts a batch in one statement, whatever its size: the rows travel as one JSON array that
 * PostgreSQL unpacks with json_to_recordset. Binding 13 values per event cost this process about
 * 10 µs per event (and a statement text per batch size), arrays through unnest() three times that
 * (the driver escapes every element); the one JSON text costs about 8.
 *
 * A batch with events the key-source rollups count adds them to the rollups in the same
 * statement: the insert is a data-modifying CTE whose `returning` joins each event's share
 * (a second JSON array), so that only the events inserted count (one stored already is counted
 * already), summed per row and service in SQL, the services capped as the conflict merges them
 * (keyfence_merge_service_calls), the rows upserted in key order so that concurrent nodes do not
 * deadlock. One round trip, atomic on its own: a transaction (begin, insert, upsert, commit)
 * took four.
 */
export async function appendPostgresAuditEvents(
  db: Kysely<StoreDatabase>,
  events: readonly NewAuditEvent[],
): Promise<void> {
  const rows = JSON.stringify(events.map(auditEventRow));
  const insert = sql`insert into audit_events (${columns})
    select ${columns} from json_to_recordset(${rows}::json) as ${recordType}
    on conflict (event_id) do nothing`;
  const calls = rollupCalls(events);
  try {
    if (calls.length === 0) {
      await insert.execute(db);
      return;
    }
    await sql`with inserted as (${insert} returning event_id),
      per_service as (
        select ${rollupKey}, service, sum(allowed) as allowed, sum(denied) as denied, sum(failed) as failed,
          min(first_seen) as first_seen, max(last_seen) as last_seen
        from json_to_recordset(${JSON.stringify(calls)}::json) as ${callType} join inserted using (event_id)
        group by ${rollupKey}, service
      )
      insert into key_source_rollups (${rollupColumns})
      select ${rollupKey}, sum(allowed), sum(denied), sum(failed), min(first_seen), max(last_seen),
        keyfence_merge_service_calls('{}', json_object_agg(service, allowed + denied + failed)::text)
      from per_service
      group by ${rollupKey}
      order by ${rollupKey}
      ${rollupConflict}`.execute(db);
  } catch (error) {
    if (error instanceof StoreError) throw error;
    throw new StoreError(isDataException(error) ? 'Store.InvalidData' : 'Store.Database', undefined, {
      cause: error,
    });
  }
}

/** The shares of the events the rollups count (rolled-up-call.ts). */
function rollupCalls(events: readonly NewAuditEvent[]): RollupCall[] {
  const calls: RollupCall[] = [];
  for (const event of events) {
    const call = rolledUpCall(event);
    if (call === null) continue;
    calls.push({
      event_id: event.eventId,
      account_id: call.accountId,
      access_key_id: call.accessKeyId,
      day: call.day,
      source_ip: call.sourceIp,
      vpc_id: call.vpcId,
      service: call.service ?? OTHER_SERVICES,
      allowed: call.outcome === 'allowed' ? call.calls : 0,
      denied: call.outcome === 'denied' ? call.calls : 0,
      failed: call.outcome === 'failed' ? call.calls : 0,
      first_seen: call.first,
      last_seen: call.last,
    });
  }
  return calls;
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
