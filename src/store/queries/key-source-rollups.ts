import { type Kysely, sql } from 'kysely';
import type { AccountId } from '../../common/identifiers.js';
import { DAY_MS } from '../../common/utc-day.js';
import {
  capServiceCalls,
  decodeServiceCalls,
  mergeServiceCalls,
  OTHER_SERVICES,
  type ServiceCalls,
} from '../rollups/service-calls.js';
import type { KeySourceRollupTable, StoreDatabase } from '../schema/database.js';

/** The columns migration 0007 created: its backfill, which runs before 0009, writes these alone. */
const COLUMNS_SINCE_0007 = [
  'account_id',
  'access_key_id',
  'day',
  'source_ip',
  'vpc_id',
  'allowed',
  'denied',
  'failed',
  'first_seen',
  'last_seen',
  'services',
] as const satisfies readonly (keyof KeySourceRollupTable)[];

/** The columns of `key_source_rollups`, in the order the upserts name them. */
export const KEY_SOURCE_ROLLUP_COLUMNS = [
  ...COLUMNS_SINCE_0007,
  'candidate_denied_calls',
] as const satisfies readonly (keyof KeySourceRollupTable)[];

const CONFLICT_SINCE_0007 = `on conflict (account_id, access_key_id, day, source_ip, vpc_id) do update set
  allowed = key_source_rollups.allowed + excluded.allowed,
  denied = key_source_rollups.denied + excluded.denied,
  failed = key_source_rollups.failed + excluded.failed,
  first_seen = case when excluded.first_seen < key_source_rollups.first_seen then excluded.first_seen else key_source_rollups.first_seen end,
  last_seen = case when excluded.last_seen > key_source_rollups.last_seen then excluded.last_seen else key_source_rollups.last_seen end,
  services = keyfence_merge_service_calls(key_source_rollups.services, excluded.services)`;

/**
 * What makes an upsert additive: a row already there takes the sum of both. The same text on
 * both databases (no `min`/`greatest`, which only one of them has), and in the SQLite audit
 * worker's prepared statement.
 */
export const KEY_SOURCE_ROLLUP_CONFLICT = `${CONFLICT_SINCE_0007},
  candidate_denied_calls = key_source_rollups.candidate_denied_calls + excluded.candidate_denied_calls`;

/** The table's shape an upsert writes: as it is now, or as migration 0007 left it. */
export type RollupSchema = 'current' | '0007';

const statementParts = {
  current: { names: KEY_SOURCE_ROLLUP_COLUMNS, conflict: sql.raw(KEY_SOURCE_ROLLUP_CONFLICT) },
  '0007': { names: COLUMNS_SINCE_0007, conflict: sql.raw(CONFLICT_SINCE_0007) },
} as const;

// 12 parameters a row: far below both databases' limits per statement.
const UPSERT_CHUNK = 500;

/**
 * Adds `rows` (from KeySourceRollupBatch, so distinct and in key order) to the rollups, inside
 * the caller's transaction.
 */
export async function upsertKeySourceRollups(
  db: Kysely<StoreDatabase>,
  rows: readonly KeySourceRollupTable[],
  schema: RollupSchema = 'current',
): Promise<void> {
  const { names, conflict } = statementParts[schema];
  const columns = sql.raw(names.join(', '));
  for (let start = 0; start < rows.length; start += UPSERT_CHUNK) {
    const values = rows
      .slice(start, start + UPSERT_CHUNK)
      .map((row) => sql`(${sql.join(names.map((column) => row[column]))})`);
    await sql`insert into key_source_rollups (${columns}) values ${sql.join(values)} ${conflict}`.execute(db);
  }
}

export interface KeySourceRollupQuery {
  readonly accountId: AccountId;
  /** One key's sources; absent for every key of the account. */
  readonly accessKeyId?: string;
  /** The UTC days from `from`'s to `to`'s, both included. */
  readonly from: Date;
  readonly to: Date;
}

/** One (key, source, VPC)'s calls summed over the days of a window. */
export interface KeySourceRollup {
  readonly accessKeyId: string;
  readonly sourceIp: string;
  /** Null for calls from no VPC. */
  readonly vpcId: string | null;
  readonly allowed: number;
  readonly denied: number;
  readonly failed: number;
  /** Calls a report-only candidate staged at the time would have denied; absent when none. */
  readonly candidateDenied?: number;
  readonly firstSeen: Date;
  readonly lastSeen: Date;
  /** Days of the window with at least one call. */
  readonly days: number;
  /** Calls per service code, at most 32 of them (the first in code-point order). */
  readonly services: ReadonlyMap<string, number>;
  /** Calls of the other services, and of calls made under no known service. */
  readonly otherServices: number;
}

/**
 * One account's rollups over a window, one row per (key, source, VPC), ordered by key, source
 * and VPC. Reads the primary key's range for one key, the (account, day) index for a whole
 * account.
 */
export async function keySourceRollups(
  db: Kysely<StoreDatabase>,
  query: KeySourceRollupQuery,
): Promise<KeySourceRollup[]> {
  const rows = await db
    .selectFrom('key_source_rollups')
    .selectAll()
    .where('account_id', '=', query.accountId)
    .$if(query.accessKeyId !== undefined, (q) => q.where('access_key_id', '=', query.accessKeyId!))
    .where('day', '>=', dayOf(query.from))
    .where('day', '<=', dayOf(query.to))
    .execute();
  const sums = new Map<string, Sum>();
  for (const row of rows) {
    const key = `${row.access_key_id}\n${row.source_ip}\n${row.vpc_id}`;
    const sum = sums.get(key);
    if (sum === undefined) {
      sums.set(key, { ...row, days: 1, services: decodeServiceCalls(row.services) });
      continue;
    }
    sum.allowed += row.allowed;
    sum.denied += row.denied;
    sum.failed += row.failed;
    sum.candidate_denied_calls += row.candidate_denied_calls;
    if (row.first_seen < sum.first_seen) sum.first_seen = row.first_seen;
    if (row.last_seen > sum.last_seen) sum.last_seen = row.last_seen;
    sum.days++;
    mergeServiceCalls(sum.services, decodeServiceCalls(row.services));
  }
  return [...sums.keys()].sort().map((key) => {
    const sum = sums.get(key)!;
    const services = capServiceCalls(sum.services);
    const otherServices = services.get(OTHER_SERVICES) ?? 0;
    services.delete(OTHER_SERVICES);
    return {
      accessKeyId: sum.access_key_id,
      sourceIp: sum.source_ip,
      vpcId: sum.vpc_id === '' ? null : sum.vpc_id,
      allowed: sum.allowed,
      denied: sum.denied,
      failed: sum.failed,
      firstSeen: new Date(sum.first_seen),
      lastSeen: new Date(sum.last_seen),
      days: sum.days,
      services,
      otherServices,
      ...(sum.candidate_denied_calls > 0 ? { candidateDenied: sum.candidate_denied_calls } : {}),
    };
  });
}

type Sum = Omit<KeySourceRollupTable, 'services'> & { days: number; services: ServiceCalls };

function dayOf(time: Date): number {
  return Math.floor(time.getTime() / DAY_MS) * DAY_MS;
}
