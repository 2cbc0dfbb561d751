import { type CreateTableBuilder, sql } from 'kysely';
import type { StoreMigration } from '../store-migration.js';

/**
 * Signature nonces claimed by any node (docs/auth.md, "Replay guard"): a signed request is
 * accepted only by the node whose claim inserted its row, so a replay is refused after a restart
 * and on every other node sharing the store. Keyed by expiry first: rows arrive in nearly
 * increasing expiry order (signed time plus the window), so inserts land at the end of the key
 * order and housekeeping deletes a leading range; on SQLite the table is that index itself.
 * `digest` stands for the AccessKeyId, the nonce and the signed time (src/auth/nonce-digest.ts),
 * so a client's nonce length does not decide the row's.
 */
export const signatureNonces: StoreMigration = {
  async up(db, dialect): Promise<void> {
    const clustered = <T extends CreateTableBuilder<string, never>>(table: T): T =>
      dialect === 'sqlite' ? (table.modifyEnd(sql`without rowid`) as T) : table;
    await db.schema
      .createTable('signature_nonces')
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('digest', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('signature_nonces_pkey', ['expires_at', 'digest'])
      .$call(clustered)
      .execute();
  },
};
