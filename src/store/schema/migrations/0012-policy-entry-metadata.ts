import type { StoreMigration } from '../store-migration.js';

/**
 * Entry descriptions and parked entries (docs/server.md): KeyFence's metadata about a scope's
 * policy entries, beside the policy in the scope's row (deleting a key deletes them with it), and
 * in the policy history beside each version's document, so that a version restored brings its
 * descriptions back.
 */
export const policyEntryMetadata: StoreMigration = {
  async up(db): Promise<void> {
    for (const table of ['accounts', 'access_keys'] as const) {
      await db.schema.alterTable(table).addColumn('entry_metadata', 'text').execute();
    }
    await db.schema.alterTable('policy_history').addColumn('entry_metadata_before', 'text').execute();
    await db.schema.alterTable('policy_history').addColumn('entry_metadata_after', 'text').execute();
  },
};
