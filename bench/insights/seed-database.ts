/**
 * The insights benchmark's own connection to a store's database, for what the store's API has no
 * fast path for: inserting millions of events and their rollup rows in bulk (the rollup rows are
 * computed beside the events, so plain inserts), and reading one key's raw events and rollup rows
 * back to check them. SQLite: prepared statements in one transaction per call, with durability
 * off while seeding only (the bench's own file; the journal in memory, WAL again at the end);
 * PostgreSQL: one statement per batch, its rows as one JSON array unpacked by json_to_recordset
 * (as the store's own writer does).
 */
const SEEDED_TABLES = `('audit_events', 'key_source_rollups')`;

import Database from 'better-sqlite3';
import pg from 'pg';
import {
  AUDIT_EVENT_COLUMNS,
  auditEventRow,
  type NewAuditEvent,
} from '../../src/store/queries/audit-events.js';
import { KEY_SOURCE_ROLLUP_COLUMNS } from '../../src/store/queries/key-source-rollups.js';
import type { RollupSource } from '../../src/store/rollups/rolled-up-call.js';
import type { KeySourceRollupTable } from '../../src/store/schema/database.js';

export interface SeedDatabase {
  /**
   * Drops the secondary indexes of both tables until `restoreIndexes`, which builds them again as
   * the migrations made them: one sorted build each instead of millions of scattered inserts.
   */
  deferIndexes(): Promise<void>;
  /** Builds the dropped indexes again; the database is then as the store keeps it. */
  restoreIndexes(): Promise<void>;
  insertEvents(events: readonly NewAuditEvent[]): Promise<void>;
  /** Rows no other row has the key of: plain inserts. */
  insertRollups(rows: readonly KeySourceRollupTable[]): Promise<void>;
  /** One key's stored events, as the migration's backfill reads them (no `rollup` fields). */
  keyEvents(accountId: string, accessKeyId: string): Promise<RollupSource[]>;
  keyRollups(accountId: string, accessKeyId: string): Promise<KeySourceRollupTable[]>;
  /** Rows of both tables. */
  counts(): Promise<{ events: number; rollups: number }>;
  /** The time of the oldest event, ms. */
  oldestEvent(): Promise<number>;
  close(): Promise<void>;
}

const PG_CHUNK = 5000;

type Row = Record<string, unknown>;

function rollupTable(row: Row): KeySourceRollupTable {
  return {
    account_id: String(row.account_id),
    access_key_id: String(row.access_key_id),
    day: Number(row.day),
    source_ip: String(row.source_ip),
    vpc_id: String(row.vpc_id),
    allowed: Number(row.allowed),
    denied: Number(row.denied),
    failed: Number(row.failed),
    first_seen: Number(row.first_seen),
    last_seen: Number(row.last_seen),
    services: String(row.services),
    candidate_denied_calls: Number(row.candidate_denied_calls),
  };
}

function rollupSource(row: Row): RollupSource {
  return {
    accountId: row.account_id as string | null,
    accessKeyId: row.access_key_id as string | null,
    at: new Date(Number(row.event_time)),
    sourceIp: String(row.source_ip),
    errorCode: row.error_code as string | null,
    document: String(row.event),
  };
}

const KEY_EVENTS = `select account_id, access_key_id, event_time, source_ip, error_code, event from audit_events
  where account_id = $1 and access_key_id = $2`;
const KEY_ROLLUPS = 'select * from key_source_rollups where account_id = $1 and access_key_id = $2';

/** `seeding`: durability off and the file locked until `close`; otherwise for reading beside the store. */
export function sqliteSeedDatabase(file: string, seeding: boolean): SeedDatabase {
  const db = new Database(file);
  if (seeding) {
    db.pragma('journal_mode = MEMORY');
    db.pragma('synchronous = OFF');
    db.pragma('locking_mode = EXCLUSIVE');
  }
  db.pragma('cache_size = -262144');
  const addEvent = db.prepare(
    `insert into audit_events (${AUDIT_EVENT_COLUMNS.join(', ')}) values (${AUDIT_EVENT_COLUMNS.map(() => '?').join(', ')})`,
  );
  const addRollup = db.prepare(
    `insert into key_source_rollups (${KEY_SOURCE_ROLLUP_COLUMNS.join(', ')}) values (${KEY_SOURCE_ROLLUP_COLUMNS.map(() => '?').join(', ')})`,
  );
  const events = db.transaction((batch: readonly NewAuditEvent[]) => {
    for (const event of batch) {
      const row = auditEventRow(event);
      addEvent.run(AUDIT_EVENT_COLUMNS.map((column) => row[column]));
    }
  });
  const rollups = db.transaction((rows: readonly KeySourceRollupTable[]) => {
    for (const row of rows) addRollup.run(KEY_SOURCE_ROLLUP_COLUMNS.map((column) => row[column]));
  });
  const sqliteText = (text: string) => text.replace(/\$\d/g, '?');
  let deferred: { name: string; sql: string }[] = [];
  return {
    deferIndexes: async () => {
      // Unique and primary-key indexes have no sql: they stay.
      deferred = db
        .prepare(
          `select name, sql from sqlite_master where type = 'index' and sql is not null and tbl_name in ${SEEDED_TABLES}`,
        )
        .all() as { name: string; sql: string }[];
      for (const { name } of deferred) db.exec(`drop index ${name}`);
    },
    insertEvents: async (batch) => events(batch),
    insertRollups: async (rows) => rollups(rows),
    keyEvents: async (account, key) =>
      (db.prepare(sqliteText(KEY_EVENTS)).all(account, key) as Row[]).map(rollupSource),
    keyRollups: async (account, key) =>
      (db.prepare(sqliteText(KEY_ROLLUPS)).all(account, key) as Row[]).map(rollupTable),
    counts: async () => ({
      events: (db.prepare('select count(*) as n from audit_events').get() as { n: number }).n,
      rollups: (db.prepare('select count(*) as n from key_source_rollups').get() as { n: number }).n,
    }),
    oldestEvent: async () =>
      (db.prepare('select min(event_time) as t from audit_events').get() as { t: number }).t,
    restoreIndexes: async () => {
      for (const index of deferred.splice(0)) db.exec(index.sql);
    },
    close: async () => {
      if (seeding) db.pragma('journal_mode = WAL');
      db.close();
    },
  };
}

const BIGINT = new Set([
  'event_time',
  'applied_version',
  'day',
  'allowed',
  'denied',
  'failed',
  'first_seen',
  'last_seen',
  'candidate_denied_calls',
]);
const recordType = (columns: readonly string[]) =>
  columns.map((c) => `${c} ${BIGINT.has(c) ? 'bigint' : 'text'}`).join(', ');

export async function postgresSeedDatabase(connectionString: string): Promise<SeedDatabase> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  await client.query('set synchronous_commit = off');
  const insertJson = async (table: string, columns: readonly string[], rows: readonly object[]) => {
    const names = columns.join(', ');
    for (let start = 0; start < rows.length; start += PG_CHUNK) {
      await client.query(
        `insert into ${table} (${names}) select ${names} from json_to_recordset($1::json) as batch(${recordType(columns)})`,
        [JSON.stringify(rows.slice(start, start + PG_CHUNK))],
      );
    }
  };
  const count = async (table: string) =>
    Number((await client.query(`select count(*) as n from ${table}`)).rows[0].n);
  let deferred: { indexname: string; indexdef: string }[] = [];
  return {
    deferIndexes: async () => {
      deferred = (
        await client.query(
          `select indexname, indexdef from pg_indexes where tablename in ${SEEDED_TABLES} and indexname not like '%_pkey'`,
        )
      ).rows;
      for (const { indexname } of deferred) await client.query(`drop index ${indexname}`);
    },
    insertEvents: (batch) => insertJson('audit_events', AUDIT_EVENT_COLUMNS, batch.map(auditEventRow)),
    insertRollups: (rows) => insertJson('key_source_rollups', KEY_SOURCE_ROLLUP_COLUMNS, rows),
    keyEvents: async (account, key) =>
      (await client.query(KEY_EVENTS, [account, key])).rows.map(rollupSource),
    keyRollups: async (account, key) =>
      (await client.query(KEY_ROLLUPS, [account, key])).rows.map(rollupTable),
    counts: async () => ({ events: await count('audit_events'), rollups: await count('key_source_rollups') }),
    oldestEvent: async () =>
      Number((await client.query('select min(event_time) as t from audit_events')).rows[0].t),
    restoreIndexes: async () => {
      await client.query(`set maintenance_work_mem = '512MB'`);
      for (const index of deferred.splice(0)) await client.query(index.indexdef);
      await client.query('analyze audit_events');
      await client.query('analyze key_source_rollups');
    },
    close: async () => {
      await client.end();
    },
  };
}
