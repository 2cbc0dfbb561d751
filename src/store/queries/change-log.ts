import type { Kysely } from 'kysely';
import type { ChangeRecord } from '../change-log/change-record.js';
import { fromChangeRow } from '../change-log/change-row.js';
import type { StoreDatabase } from '../schema/database.js';

export const DEFAULT_CHANGES_LIMIT = 1000;

/**
 * Changes after `version`, oldest first. Versions are committed in order, so a reader that
 * asks again with the last version it saw never skips one.
 */
export async function changesSince(
  db: Kysely<StoreDatabase>,
  version: number,
  limit: number = DEFAULT_CHANGES_LIMIT,
): Promise<ChangeRecord[]> {
  const rows = await db
    .selectFrom('change_log')
    .selectAll()
    .where('version', '>', version)
    .orderBy('version')
    .limit(Math.max(1, Math.floor(limit)))
    .execute();
  return rows.map(fromChangeRow);
}

export async function currentVersion(db: Kysely<StoreDatabase>): Promise<number> {
  const row = await db
    .selectFrom('change_counter')
    .select('version')
    .where('id', '=', 1)
    .executeTakeFirstOrThrow();
  return row.version;
}
