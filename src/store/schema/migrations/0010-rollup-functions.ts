import { sql } from 'kysely';
import type { StoreMigration } from '../store-migration.js';
import { serviceCallsMerge } from './0007-key-source-rollups.js';

/**
 * PostgreSQL only; nothing on SQLite, whose connections register the merge in TypeScript.
 *
 * `keyfence_merge_service_calls` becomes PL/pgSQL, with the same query: a SQL-language function
 * that cannot be inlined has its body planned again in every statement calling it, about 1 ms
 * of every audit batch's upsert; PL/pgSQL keeps the plan for the session.
 *
 * `keyfence_whole_batch(inserted, expected)` lets the audit writer add a batch's rollups summed
 * in advance (src/store/postgres/postgres-audit-events.ts): true when every event of the batch
 * was inserted, false when none was (all stored already, counted already), and for any other
 * count it fails the statement with SQLSTATE KF001, inserting nothing, so that the writer sends
 * the batch again the exact way.
 */
export const rollupFunctions: StoreMigration = {
  async up(db, dialect): Promise<void> {
    if (dialect !== 'postgres') return;
    await sql`create or replace function keyfence_merge_service_calls(stored text, added text) returns text
      language plpgsql immutable parallel safe as $$ begin return (${serviceCallsMerge()}); end $$`.execute(
      db,
    );
    await sql`create function keyfence_whole_batch(inserted bigint, expected bigint) returns boolean
      language plpgsql immutable parallel safe as $$
      begin
        if inserted = expected then return true; end if;
        if inserted = 0 then return false; end if;
        raise exception 'a part of the audit batch was stored already' using errcode = 'KF001';
      end $$`.execute(db);
  },
};
