import type { StoreMigration } from '../store-migration.js';

/**
 * Commit-confirmed policy changes (docs/server.md, "Commit-confirmed changes"): while a scope's
 * policy change awaits confirmation, its row holds the deadline and what to restore after it;
 * `first_pass` is the first call a network ACL let in under the change, recorded when it confirmed
 * the change, kept until the next change of the scope.
 */
export const policyAutoRevert: StoreMigration = {
  async up(db): Promise<void> {
    for (const table of ['accounts', 'access_keys'] as const) {
      await db.schema.alterTable(table).addColumn('revert_at', 'bigint').execute();
      await db.schema.alterTable(table).addColumn('revert_policy', 'text').execute();
      await db.schema.alterTable(table).addColumn('revert_entry_metadata', 'text').execute();
      await db.schema.alterTable(table).addColumn('first_pass', 'text').execute();
      // Every node looks for deadlines passed every few seconds: an index read, not a scan of every key.
      await db.schema.createIndex(`${table}_revert_at`).on(table).column('revert_at').execute();
    }
  },
};
