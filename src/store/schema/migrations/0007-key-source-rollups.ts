import { type CreateTableBuilder, type RawBuilder, sql } from 'kysely';
import { upsertKeySourceRollups } from '../../queries/key-source-rollups.js';
import { KeySourceRollupBatch } from '../../rollups/key-source-rollup-batch.js';
import { MAX_NAMED_SERVICES, OTHER_SERVICES } from '../../rollups/service-calls.js';
import type { StoreMigration } from '../store-migration.js';

const BACKFILL_PAGE = 5000;

/**
 * Per-key source rollups (docs/audit.md, "Key-source rollups"): one row per account, permanent
 * AccessKey, UTC day, source address and VPC, kept by additive upserts as events are stored.
 * Keyed for "one key's sources over some days"; the (account, day) index serves the whole
 * account's. On SQLite the table is its key (WITHOUT ROWID), so one key's rows are read in order.
 *
 * PostgreSQL gets `keyfence_merge_service_calls`, the merge an upsert makes of two `services`
 * maps (src/store/rollups/service-calls.ts says how; SQLite's connections register the same
 * function in TypeScript). Then the rollups of the events already stored are added, a page of
 * events at a time, by the code that adds them as events are stored.
 */
export const keySourceRollups: StoreMigration = {
  async up(db, dialect): Promise<void> {
    const clustered = <T extends CreateTableBuilder<string, never>>(table: T): T =>
      dialect === 'sqlite' ? (table.modifyEnd(sql`without rowid`) as T) : table;
    await db.schema
      .createTable('key_source_rollups')
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('access_key_id', 'text', (c) => c.notNull())
      .addColumn('day', 'bigint', (c) => c.notNull())
      .addColumn('source_ip', 'text', (c) => c.notNull())
      .addColumn('vpc_id', 'text', (c) => c.notNull())
      .addColumn('allowed', 'bigint', (c) => c.notNull())
      .addColumn('denied', 'bigint', (c) => c.notNull())
      .addColumn('failed', 'bigint', (c) => c.notNull())
      .addColumn('first_seen', 'bigint', (c) => c.notNull())
      .addColumn('last_seen', 'bigint', (c) => c.notNull())
      .addColumn('services', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('key_source_rollups_pkey', [
        'account_id',
        'access_key_id',
        'day',
        'source_ip',
        'vpc_id',
      ])
      .$call(clustered)
      .execute();
    await db.schema
      .createIndex('key_source_rollups_account_day')
      .on('key_source_rollups')
      .columns(['account_id', 'day'])
      .execute();
    // Retention deletes by day across every account (queries/retention.ts).
    await db.schema.createIndex('key_source_rollups_day').on('key_source_rollups').column('day').execute();
    if (dialect === 'postgres') await createMergeFunction(db);
    await backfill(db);
  },
};

type MigrationDb = Parameters<StoreMigration['up']>[0];

async function createMergeFunction(db: MigrationDb): Promise<void> {
  await sql`create function keyfence_merge_service_calls(stored text, added text) returns text
    language sql immutable parallel safe as $$ ${serviceCallsMerge()} $$`.execute(db);
}

/**
 * The query merging `services` maps `stored` and `added` (the function's arguments): literals
 * only, as a function body takes no bound parameters. 0010-rollup-functions makes the same query
 * a PL/pgSQL function.
 */
export function serviceCallsMerge(): RawBuilder<unknown> {
  const other = sql.lit(OTHER_SERVICES);
  const max = sql.lit(MAX_NAMED_SERVICES);
  return sql`
      with summed as (
        select key as name, sum(value::bigint) as calls
        from (select * from json_each_text(stored::json) union all select * from json_each_text(added::json)) as maps
        group by key
      ), named as (
        select name, calls, row_number() over (order by name collate "C") as place
        from summed where name <> ${other}
      ), capped as (
        select name, calls from named where place <= ${max}
        union all
        select ${other}, sum(calls) from (
          select calls from named where place > ${max}
          union all
          select calls from summed where name = ${other}
        ) as rest
        having count(*) > 0
      )
      select coalesce(json_object_agg(name, calls order by name collate "C"), '{}')::text from capped`;
}

async function backfill(db: MigrationDb): Promise<void> {
  let after = '';
  for (;;) {
    const page: {
      event_id: string;
      account_id: string | null;
      access_key_id: string | null;
      event_time: number | string;
      source_ip: string;
      error_code: string | null;
      event: string;
    }[] = await db
      .selectFrom('audit_events')
      .select(['event_id', 'account_id', 'access_key_id', 'event_time', 'source_ip', 'error_code', 'event'])
      .where('event_id', '>', after)
      .where('account_id', 'is not', null)
      .orderBy('event_id')
      .limit(BACKFILL_PAGE)
      .execute();
    const batch = new KeySourceRollupBatch();
    for (const row of page) {
      batch.add({
        accountId: row.account_id,
        accessKeyId: row.access_key_id,
        at: new Date(Number(row.event_time)),
        sourceIp: row.source_ip,
        errorCode: row.error_code,
        document: row.event,
      });
    }
    await upsertKeySourceRollups(db, batch.rows(), '0007');
    if (page.length < BACKFILL_PAGE) return;
    after = page[page.length - 1]!.event_id;
  }
}
