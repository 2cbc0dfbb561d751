import type { Kysely, RawBuilder } from 'kysely';
import { sql } from 'kysely';
import type { StoreDatabase } from '../schema/database.js';

/**
 * A daily task that one node at a time runs for every node sharing the store (retention): who
 * asks, for which UTC day, and for how long it may hold the task without renewing.
 */
export interface DailyLease {
  /** The task; one row of `store_leases` each. */
  readonly task: 'retention';
  /** The node ID asking. */
  readonly holder: string;
  /** The UTC day (days since the epoch) the run is for, by the holder's clock. */
  readonly day: number;
  /** How long the lease runs from now, by the database's clock, before anyone may take it. */
  readonly forMs: number;
}

/**
 * Takes the lease, or renews it for its holder: only while nobody else holds it (free, or expired
 * by the database's clock) and no run for `day` or a later day has finished. One conditional
 * UPDATE: two nodes asking at once are serialised by its row lock (PostgreSQL re-reads the row
 * the first one changed; SQLite has one writer), so exactly one of them gets it.
 */
export async function takeDailyLease(
  db: Kysely<StoreDatabase>,
  now: RawBuilder<number>,
  lease: DailyLease,
): Promise<boolean> {
  await db
    .insertInto('store_leases')
    .values({ name: lease.task, holder: null, expires_at: 0, done_day: null })
    .onConflict((conflict) => conflict.column('name').doNothing())
    .execute();
  const result = await db
    .updateTable('store_leases')
    .set({ holder: lease.holder, expires_at: sql<number>`${now} + ${lease.forMs}` })
    .where('name', '=', lease.task)
    .where((eb) => eb.or([eb('holder', '=', lease.holder), eb('expires_at', '<', now)]))
    .where((eb) => eb.or([eb('done_day', 'is', null), eb('done_day', '<', lease.day)]))
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

/**
 * Frees the lease if `lease.holder` still holds it, recording `lease.day` as done when `done`
 * (an unfinished run is left for any node to take up again); true when it held it.
 */
export async function releaseDailyLease(
  db: Kysely<StoreDatabase>,
  lease: DailyLease,
  done: boolean,
): Promise<boolean> {
  const result = await db
    .updateTable('store_leases')
    .set({ holder: null, expires_at: 0, ...(done ? { done_day: lease.day } : {}) })
    .where('name', '=', lease.task)
    .where('holder', '=', lease.holder)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}
