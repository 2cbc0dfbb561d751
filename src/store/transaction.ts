import { type Kysely, sql } from 'kysely';
import { KeyFenceError } from '../common/keyfence-error.js';
import type { StoreDatabase } from './schema/database.js';
import { StoreError } from './store-error.js';

type Connection = Kysely<StoreDatabase>;

/**
 * Runs `work` in a transaction on one reserved connection, begun by `begin` (each dialect
 * begins differently: see StoreDialect). Commits if `work` resolves, rolls back if it throws,
 * and rethrows what `work` threw unchanged: `work` wraps its own database calls in `guard`.
 * `work` must not swallow a database error: PostgreSQL would turn the COMMIT into a rollback.
 */
export async function inTransaction<T>(
  db: Connection,
  begin: (connection: Connection) => Promise<unknown>,
  work: (connection: Connection) => Promise<T>,
): Promise<T> {
  let connected = false;
  try {
    return await db.connection().execute(async (connection) => {
      connected = true;
      await guard(() => begin(connection));
      let result: T;
      try {
        result = await work(connection);
      } catch (error) {
        // The original error matters more than a failed rollback (e.g. SQLite already rolled back).
        await sql`rollback`.execute(connection).catch(() => {});
        throw error;
      }
      await guard(() => sql`commit`.execute(connection));
      return result;
    });
  } catch (error) {
    if (connected) throw error;
    throw new StoreError('Store.Database', undefined, { cause: error });
  }
}

/** Database failures become a typed `Store.Database` error; KeyFence's own errors pass through. */
export async function guard<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (error instanceof KeyFenceError) throw error;
    throw new StoreError('Store.Database', undefined, { cause: error });
  }
}
