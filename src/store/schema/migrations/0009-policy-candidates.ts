import type { StoreMigration } from '../store-migration.js';

/**
 * Report-only candidates (docs/server.md, "Report-only candidates"): a scope's staged policy sits
 * beside its enforced one, in the same row, so that deleting a key deletes its candidate with it.
 * `candidate_denied_calls` counts, per rollup row, the calls the candidates staged at the time
 * would have denied.
 */
export const policyCandidates: StoreMigration = {
  async up(db): Promise<void> {
    for (const table of ['accounts', 'access_keys'] as const) {
      await db.schema.alterTable(table).addColumn('candidate', 'text').execute();
      await db.schema
        .alterTable(table)
        .addColumn('candidate_version', 'bigint', (c) => c.notNull().defaultTo(0))
        .execute();
    }
    await db.schema
      .alterTable('key_source_rollups')
      .addColumn('candidate_denied_calls', 'bigint', (c) => c.notNull().defaultTo(0))
      .execute();
  },
};
