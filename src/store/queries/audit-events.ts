import type { Kysely } from 'kysely';
import type { AccountId } from '../../common/identifiers.js';
import { keySourceRollupRows } from '../rollups/key-source-rollup-batch.js';
import { countsInRollups, type RollupFields } from '../rollups/rolled-up-call.js';
import type { AuditEventTable, StoreDatabase } from '../schema/database.js';
import { upsertKeySourceRollups } from './key-source-rollups.js';

/**
 * One API call as the store keeps it. The store does not interpret `document` (src/audit/ builds
 * it); the other fields are copies of what lookups filter and page by.
 */
export interface NewAuditEvent {
  readonly eventId: string;
  /** Null when the caller could not be established: kept, but no account can read it. */
  readonly accountId: AccountId | null;
  readonly at: Date;
  readonly requestId: string;
  readonly accessKeyId: string | null;
  readonly userName: string | null;
  readonly eventName: string | null;
  readonly serviceName: string | null;
  readonly eventRW: AuditEventRW;
  readonly sourceIp: string;
  /** Null for a call that succeeded. */
  readonly errorCode: string | null;
  /** The change-log version the deciding node enforced; null when no decision was made. */
  readonly appliedVersion: number | null;
  /** The whole event, as JSON. */
  readonly document: string;
  /**
   * The few fields of `document` the key-source rollups read, as its builder has them at hand:
   * without them the store parses `document` for them, the rollups' main cost. They must say what
   * `document` says; they are not stored.
   */
  readonly rollup?: RollupFields;
}

export type AuditEventRW = 'Read' | 'Write';

/** Exact matches; all given fields must match. */
export interface AuditEventFilter {
  readonly eventId?: string;
  readonly requestId?: string;
  readonly accessKeyId?: string;
  readonly userName?: string;
  readonly eventName?: string;
  readonly serviceName?: string;
  readonly eventRW?: AuditEventRW;
  readonly sourceIp?: string;
  /** True for failed calls only, false for successful ones only. */
  readonly failed?: boolean;
}

/** A position in an account's events: the time and ID of the last event a page returned. */
export interface AuditEventCursor {
  readonly at: Date;
  readonly eventId: string;
}

export interface AuditEventQuery {
  readonly accountId: AccountId;
  /** Both inclusive, to the millisecond. */
  readonly from: Date;
  readonly to: Date;
  readonly filter?: AuditEventFilter;
  /** Events are ordered by time, then by event ID. */
  readonly order: 'newest-first' | 'oldest-first';
  /** Continue after this event (exclusive), in `order`. */
  readonly after?: AuditEventCursor;
  /** Clamped to 1..1000. */
  readonly limit: number;
}

export interface AuditEventPage {
  readonly events: readonly StoredAuditEvent[];
  /** Where the next page starts, or null when this page is the last. */
  readonly next: AuditEventCursor | null;
}

export interface StoredAuditEvent {
  readonly eventId: string;
  readonly at: Date;
  readonly document: string;
}

const MAX_AUDIT_PAGE = 1000;

/** The columns of `audit_events`, in the order the dialects' inserts name them. */
export const AUDIT_EVENT_COLUMNS = [
  'event_id',
  'account_id',
  'event_time',
  'request_id',
  'access_key_id',
  'user_name',
  'event_name',
  'service_name',
  'event_rw',
  'source_ip',
  'error_code',
  'applied_version',
  'event',
] as const satisfies readonly (keyof AuditEventTable)[];

/** An event as the row `audit_events` stores (the dialects insert it their own way: sqlite/, postgres/). */
export function auditEventRow(event: NewAuditEvent): AuditEventTable {
  return {
    event_id: event.eventId,
    account_id: event.accountId,
    event_time: event.at.getTime(),
    request_id: event.requestId,
    access_key_id: event.accessKeyId,
    user_name: event.userName,
    event_name: event.eventName,
    service_name: event.serviceName,
    event_rw: event.eventRW,
    source_ip: event.sourceIp,
    error_code: event.errorCode,
    applied_version: event.appliedVersion,
    event: event.document,
  };
}

/**
 * Inside a write transaction: stores the event of the call whose change the transaction commits,
 * so that the two commit together or not at all (docs/audit.md, "Durability"). Skipped when its ID
 * is stored already, as every append is; counted in the key-source rollups when inserted.
 */
export async function appendAuditEventInTransaction(
  db: Kysely<StoreDatabase>,
  event: NewAuditEvent,
): Promise<void> {
  const result = await db
    .insertInto('audit_events')
    .values(auditEventRow(event))
    .onConflict((conflict) => conflict.column('event_id').doNothing())
    .executeTakeFirst();
  if (Number(result.numInsertedOrUpdatedRows ?? 0) > 0 && countsInRollups(event)) {
    await upsertKeySourceRollups(db, keySourceRollupRows([event]));
  }
}

/**
 * One page of an account's events in a time window. Keyset paging on (time, event ID): stable
 * while new events arrive, and as cheap on the hundredth page as on the first.
 */
export async function lookupAuditEvents(
  db: Kysely<StoreDatabase>,
  query: AuditEventQuery,
): Promise<AuditEventPage> {
  const limit = Math.min(MAX_AUDIT_PAGE, Math.max(1, Math.floor(query.limit)));
  const filter = query.filter ?? {};
  const direction = query.order === 'newest-first' ? 'desc' : 'asc';
  const after = query.after;
  const rows = await db
    .selectFrom('audit_events')
    .select(['event_id', 'event_time', 'event'])
    .where('account_id', '=', query.accountId)
    .where('event_time', '>=', query.from.getTime())
    .where('event_time', '<=', query.to.getTime())
    .$if(filter.eventId !== undefined, (q) => q.where('event_id', '=', filter.eventId!))
    .$if(filter.requestId !== undefined, (q) => q.where('request_id', '=', filter.requestId!))
    .$if(filter.accessKeyId !== undefined, (q) => q.where('access_key_id', '=', filter.accessKeyId!))
    .$if(filter.userName !== undefined, (q) => q.where('user_name', '=', filter.userName!))
    .$if(filter.eventName !== undefined, (q) => q.where('event_name', '=', filter.eventName!))
    .$if(filter.serviceName !== undefined, (q) => q.where('service_name', '=', filter.serviceName!))
    .$if(filter.eventRW !== undefined, (q) => q.where('event_rw', '=', filter.eventRW!))
    .$if(filter.sourceIp !== undefined, (q) => q.where('source_ip', '=', filter.sourceIp!))
    .$if(filter.failed !== undefined, (q) => q.where('error_code', filter.failed ? 'is not' : 'is', null))
    .$if(after !== undefined, (q) =>
      q.where((eb) =>
        eb(
          eb.refTuple('event_time', 'event_id'),
          direction === 'desc' ? '<' : '>',
          eb.tuple(after!.at.getTime(), after!.eventId),
        ),
      ),
    )
    .orderBy('event_time', direction)
    .orderBy('event_id', direction)
    .limit(limit + 1)
    .execute();
  const page = rows.slice(0, limit).map(
    (row): StoredAuditEvent => ({
      eventId: row.event_id,
      at: new Date(row.event_time),
      document: row.event,
    }),
  );
  const last = page[page.length - 1];
  return { events: page, next: rows.length > limit && last ? { at: last.at, eventId: last.eventId } : null };
}
