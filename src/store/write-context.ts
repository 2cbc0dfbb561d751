import type { Kysely } from 'kysely';
import type { ChangeLogWriter } from './change-log/change-log-writer.js';
import type { StoreDatabase } from './schema/database.js';
import type { StoreSettings } from './store-settings.js';

/** What a mutation needs: the transaction's connection, its change log and its time. */
export interface WriteContext {
  readonly db: Kysely<StoreDatabase>;
  readonly settings: StoreSettings;
  readonly log: ChangeLogWriter;
  /** The transaction's time (ms since the epoch), taken once the change-log lock was held. */
  readonly now: number;
}
