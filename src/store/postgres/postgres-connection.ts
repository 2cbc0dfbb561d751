import pg from 'pg';
import type { PostgresStoreConfig } from './postgres-store-config.js';

const int8 = 20;

/**
 * A connection pool that returns `bigint` columns as numbers. Our 64-bit columns hold
 * millisecond times and change versions, both far below 2^53, and one numeric type keeps the
 * query layer identical to SQLite's.
 */
export function createPostgresPool(config: PostgresStoreConfig): pg.Pool {
  const pool = new pg.Pool({
    connectionString: config.connectionString,
    max: config.poolSize ?? 10,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === int8 ? Number : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // An idle connection that the server drops must not crash the process: the pool discards
  // it, and the next query reports any lasting problem.
  pool.on('error', () => {});
  return pool;
}
