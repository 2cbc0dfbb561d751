import { type Kysely, type RawBuilder, sql } from 'kysely';
import { DAY_MS } from '../../common/utc-day.js';
import type { StoreDatabase } from '../schema/database.js';

/**
 * A table whose rows retention deletes once their UTC day is older than `audit.retentionDays`
 * (docs/audit.md, "Retention"): its key (to delete a batch by), and the column that dates a row,
 * in milliseconds or in UTC days since the epoch. That column must lead an index, or every batch
 * reads the whole table.
 */
interface RetainedTable {
  readonly key: readonly string[];
  readonly dated: string;
  readonly unit: 'ms' | 'day';
}

/** Every table retention purges, in the order a pass purges them: one line each. */
export const RETAINED_TABLES = {
  audit_events: { key: ['event_id'], dated: 'event_time', unit: 'ms' },
  key_source_rollups: {
    key: ['account_id', 'access_key_id', 'day', 'source_ip', 'vpc_id'],
    dated: 'day',
    unit: 'ms',
  },
} as const satisfies { readonly [Table in keyof StoreDatabase]?: RetainedTable };

export type RetainedTableName = keyof typeof RETAINED_TABLES;

export const RETAINED_TABLE_NAMES = Object.keys(RETAINED_TABLES) as readonly RetainedTableName[];

/**
 * The statement deleting at most `limit` of `table`'s rows dated before the UTC day `beforeDay`
 * (days since the epoch), oldest first. The batch is picked by a subquery on the key (neither
 * database's DELETE takes a LIMIT as standard), so a statement never holds more than `limit`
 * rows' locks however many are due. Compiled for SQLite's audit worker too, which runs it on its
 * own connection (sqlite-audit-worker.ts): one text for both.
 */
export function retainedBatchDeletion(
  table: RetainedTableName,
  beforeDay: number,
  limit: number,
): RawBuilder<unknown> {
  const { key, dated, unit } = RETAINED_TABLES[table];
  const before = unit === 'ms' ? beforeDay * DAY_MS : beforeDay;
  const keys = sql.join(key.map((column) => sql.ref(column)));
  return sql`
    delete from ${sql.table(table)} where (${keys}) in (
      select ${keys} from ${sql.table(table)}
      where ${sql.ref(dated)} < ${before}
      order by ${sql.ref(dated)}
      limit ${limit}
    )`;
}

/** Runs retainedBatchDeletion in one statement; returns how many rows it deleted. */
export async function deleteRetainedBatch(
  db: Kysely<StoreDatabase>,
  table: RetainedTableName,
  beforeDay: number,
  limit: number,
): Promise<number> {
  const result = await retainedBatchDeletion(table, beforeDay, limit).execute(db);
  return Number(result.numAffectedRows ?? 0n);
}
