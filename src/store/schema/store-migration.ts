import type { Kysely } from 'kysely';
import type { StoreDialect } from '../store-dialect.js';

/**
 * A schema change. It is told the dialect so that the few physical choices that differ (see
 * 0001) can be made per database while the logical schema stays one.
 */
export interface StoreMigration {
  // A migration is written against the schema as it was then, not today's `StoreDatabase`.
  // biome-ignore lint/suspicious/noExplicitAny: Kysely's own Migration type takes Kysely<any> for that reason.
  up(db: Kysely<any>, dialect: StoreDialect['name']): Promise<void>;
}
