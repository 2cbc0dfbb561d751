import { sql } from 'kysely';
import type { StoreDialect } from '../store-dialect.js';
import { guard } from '../transaction.js';
import { migrations } from './migrations.js';

/**
 * Applies the migrations not yet applied, all in one transaction (both databases have
 * transactional DDL) under the dialect's migration lock: a second run finds nothing to do, and
 * two processes starting at once apply each migration once. Returns the names applied.
 */
export function migrate(dialect: StoreDialect): Promise<string[]> {
  return dialect.write((connection) =>
    guard(async () => {
      await dialect.lockMigrations(connection);
      await sql`create table if not exists keyfence_migrations (name text primary key, applied_at bigint not null)`.execute(
        connection,
      );
      const rows = await connection.selectFrom('keyfence_migrations').select('name').execute();
      const applied = new Set(rows.map((row) => row.name));
      const ran: string[] = [];
      for (const [name, migration] of migrations) {
        if (applied.has(name)) continue;
        await migration.up(connection, dialect.name);
        await connection.insertInto('keyfence_migrations').values({ name, applied_at: Date.now() }).execute();
        ran.push(name);
      }
      return ran;
    }),
  );
}
