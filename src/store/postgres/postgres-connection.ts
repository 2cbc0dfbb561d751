import pg from 'pg';
import type { PostgresStoreConfig } from './postgres-store-config.js';

const int8 = 20;

/**
 * Bounds on a database that stops answering rather than refusing (a partition, a hung server):
 * without them a connect or a query waits for TCP's own timeouts, hours, and everything queued
 * behind it (the change log follower, audit batches, shutdown) waits too. Nodes decide from
 * memory meanwhile; these only make the store calls fail, so the callers retry or spool.
 */
export const POSTGRES_TIMEOUTS = Object.freeze({
  connectionTimeoutMillis: 10_000,
  keepAlive: true,
  keepAliveInitialDelayMillis: 10_000,
});
const QUERY_TIMEOUT_MS = 30_000;

/**
 * A connection pool that returns `bigint` columns as numbers. Our 64-bit columns hold
 * millisecond times and change versions, both far below 2^53, and one numeric type keeps the
 * query layer identical to SQLite's.
 */
export function createPostgresPool(config: PostgresStoreConfig): pg.Pool {
  const pool = new pg.Pool({
    connectionString: config.connectionString,
    max: config.poolSize ?? 10,
    ...POSTGRES_TIMEOUTS,
    query_timeout: QUERY_TIMEOUT_MS,
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
