import { type Kysely, sql } from 'kysely';
import { AUDIT_EVENT_COLUMNS, auditEventRow, type NewAuditEvent } from '../queries/audit-events.js';
import { KEY_SOURCE_ROLLUP_COLUMNS, KEY_SOURCE_ROLLUP_CONFLICT } from '../queries/key-source-rollups.js';
import { KeySourceRollupBatch } from '../rollups/key-source-rollup-batch.js';
import { type RolledUpCall, rolledUpCall } from '../rollups/rolled-up-call.js';
import { OTHER_SERVICES } from '../rollups/service-calls.js';
import type { AuditEventTable, StoreDatabase } from '../schema/database.js';
import { StoreError } from '../store-error.js';

const BIGINT_COLUMNS: ReadonlySet<keyof AuditEventTable> = new Set(['event_time', 'applied_version']);
const columns = sql.raw(AUDIT_EVENT_COLUMNS.join(', '));
const eventFields = AUDIT_EVENT_COLUMNS.map((c) => `${c} ${BIGINT_COLUMNS.has(c) ? 'bigint' : 'text'}`);
const recordType = sql.raw(`batch(${eventFields.join(', ')})`);

/** An event's row, and its share of the rollups (see appendPostgresAuditEvents). */
interface SharingRow extends AuditEventTable {
  /** Null for an event the rollups leave out. */
  readonly rollup_class: number | null;
  /** Null for the one call of an event that was not coalesced. */
  readonly calls: number | null;
  /** Null when it is the event's own time. */
  readonly last_seen: number | null;
}

/** What the events of one rollup class share: the row they add to, their service and outcome. */
interface RollupClass {
  readonly rollup_class: number;
  readonly account_id: string;
  readonly access_key_id: string;
  readonly day: number;
  readonly source_ip: string;
  readonly vpc_id: string;
  readonly service: string;
  readonly outcome: RolledUpCall['outcome'];
  /** 1 when a report-only candidate would have denied the calls, else 0. */
  readonly candidate_denied: number;
}

const rollupKey = sql.raw('account_id, access_key_id, day, source_ip, vpc_id');
const sharedRecordType = sql.raw(
  `batch(${eventFields.join(', ')}, rollup_class integer, calls bigint, last_seen bigint)`,
);
const classType = sql.raw(
  `class(rollup_class integer, account_id text, access_key_id text, day bigint, source_ip text,
    vpc_id text, service text, outcome text, candidate_denied integer)`,
);
const rollupColumns = sql.raw(KEY_SOURCE_ROLLUP_COLUMNS.join(', '));
const rollupConflict = sql.raw(KEY_SOURCE_ROLLUP_CONFLICT);
const ROLLUP_TEXT_COLUMNS: ReadonlySet<string> = new Set([
  'account_id',
  'access_key_id',
  'source_ip',
  'vpc_id',
  'services',
]);
const rollupRecordType = sql.raw(
  `rollup(${KEY_SOURCE_ROLLUP_COLUMNS.map((c) => `${c} ${ROLLUP_TEXT_COLUMNS.has(c) ? 'text' : 'bigint'}`).join(', ')})`,
);
/** The SQLSTATE of keyfence_whole_batch (migration 0010-rollup-functions): part of a batch was stored. */
const PARTLY_STORED = 'KF001';

/**
 * Inserts a batch in one statement, whatever its size: the rows travel as one JSON array that
 * PostgreSQL unpacks with json_to_recordset. Binding 13 values per event cost this process about
 * 10 µs per event (and a statement text per batch size), arrays through unnest() three times that
 * (the driver escapes every element); the one JSON text costs about 8.
 *
 * A batch with events the key-source rollups count adds them to the rollups in the same
 * statement, one round trip, atomic on its own: summed here first, as SQLite's writer does, and
 * added only when every event of the batch was inserted (keyfence_whole_batch). That is nearly
 * always; a batch sent again after a lost answer was stored whole, and adds nothing. A batch
 * partly stored before (the spool's events sent again in other batches after a crash) makes that
 * statement fail and roll back, and goes again as `appendCountingInserted`. Summing in the
 * database per event inserted cost the batch about a fifth more than the events alone; summed
 * here, a few percent.
 */
export async function appendPostgresAuditEvents(
  db: Kysely<StoreDatabase>,
  events: readonly NewAuditEvent[],
): Promise<void> {
  const calls = events.map(rolledUpCall);
  try {
    if (calls.every((call) => call === null)) {
      const rows = JSON.stringify(events.map(auditEventRow));
      await sql`insert into audit_events (${columns})
        select ${columns} from json_to_recordset(${rows}::json) as ${recordType}
        on conflict (event_id) do nothing`.execute(db);
      return;
    }
    const batch = new KeySourceRollupBatch();
    for (const call of calls) if (call !== null) batch.addCall(call);
    const rows = JSON.stringify(events.map(auditEventRow));
    try {
      await sql`with inserted as (
          insert into audit_events (${columns})
          select ${columns} from json_to_recordset(${rows}::json) as ${recordType}
          on conflict (event_id) do nothing
          returning 1
        )
        insert into key_source_rollups (${rollupColumns})
        select ${rollupColumns} from json_to_recordset(${JSON.stringify(batch.rows())}::json) as ${rollupRecordType}
        where keyfence_whole_batch((select count(*) from inserted), ${events.length})
        order by ${rollupKey}
        ${rollupConflict}`.execute(db);
    } catch (error) {
      if ((error as { code?: unknown } | null)?.code !== PARTLY_STORED) throw error;
      await appendCountingInserted(db, events, calls);
    }
  } catch (error) {
    if (error instanceof StoreError) throw error;
    throw new StoreError(isDataException(error) ? 'Store.InvalidData' : 'Store.Database', undefined, {
      cause: error,
    });
  }
}

/**
 * The batch with the rollups of only the events it inserts, in one statement. The insert is a data-modifying CTE; the rows its
 * `returning` names (only the events inserted count: one stored already is counted already) are
 * summed per rollup class: each such event's row carries the number of a class (row key, service,
 * outcome, candidate outcome), its call count and last arrival when they are not 1 and its own time, and a second,
 * small JSON array describes the classes. The sums are upserted in key order, so that concurrent
 * nodes do not deadlock. A second JSON array of every event's share would cost more: the
 * database parses every object of such an array field by field.
 */
async function appendCountingInserted(
  db: Kysely<StoreDatabase>,
  events: readonly NewAuditEvent[],
  calls: readonly (RolledUpCall | null)[],
): Promise<void> {
  const classes = new Map<string, RollupClass>();
  const rows = JSON.stringify(events.map((event, i) => sharingRow(event, calls[i]!, classes)));
  // json_object_agg names a service once per outcome it had: the merge sums a name's values.
  await sql`with batch as (
      select * from json_to_recordset(${rows}::json) as ${sharedRecordType}
    ), inserted as (
      insert into audit_events (${columns}) select ${columns} from batch
      on conflict (event_id) do nothing
      returning event_id
    ), shares as (
      select rollup_class, sum(coalesce(calls, 1)) as calls, min(event_time) as first_seen,
        max(coalesce(last_seen, event_time)) as last_seen
      from batch join inserted using (event_id)
      where rollup_class is not null
      group by rollup_class
    )
    insert into key_source_rollups (${rollupColumns})
    select ${rollupKey},
      coalesce(sum(calls) filter (where outcome = 'allowed'), 0),
      coalesce(sum(calls) filter (where outcome = 'denied'), 0),
      coalesce(sum(calls) filter (where outcome = 'failed'), 0),
      min(first_seen), max(last_seen),
      keyfence_merge_service_calls('{}', json_object_agg(service, calls)::text),
      coalesce(sum(calls) filter (where candidate_denied = 1), 0)
    from shares join json_to_recordset(${JSON.stringify([...classes.values()])}::json) as ${classType}
      using (rollup_class)
    group by ${rollupKey}
    order by ${rollupKey}
    ${rollupConflict}`.execute(db);
}

/**
 * `event`'s row with its share of the rollups, `call`, whose class it adds to `classes`. Only a
 * batch partly stored before comes this way, so spreading auditEventRow's (some 2 µs an event)
 * costs nothing that matters.
 */
function sharingRow(
  event: NewAuditEvent,
  call: RolledUpCall | null,
  classes: Map<string, RollupClass>,
): SharingRow {
  return {
    ...auditEventRow(event),
    rollup_class: call === null ? null : classOf(call, classes),
    calls: call === null || call.calls === 1 ? null : call.calls,
    last_seen: call === null || call.last === call.first ? null : call.last,
  };
}

/** The number of `call`'s class, added to `classes` if new. */
function classOf(call: RolledUpCall, classes: Map<string, RollupClass>): number {
  const service = call.service ?? OTHER_SERVICES;
  const candidateDenied = call.candidateDenied ? 1 : 0;
  const name = `${call.accountId}\n${call.accessKeyId}\n${call.day}\n${call.sourceIp}\n${call.vpcId}\n${service}\n${call.outcome}\n${candidateDenied}`;
  let rollupClass = classes.get(name);
  if (rollupClass === undefined) {
    rollupClass = {
      rollup_class: classes.size,
      account_id: call.accountId,
      access_key_id: call.accessKeyId,
      day: call.day,
      source_ip: call.sourceIp,
      vpc_id: call.vpcId,
      service,
      outcome: call.outcome,
      candidate_denied: candidateDenied,
    };
    classes.set(name, rollupClass);
  }
  return rollupClass.rollup_class;
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
