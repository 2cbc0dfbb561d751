import type { StoreMigration } from '../store-migration.js';

/**
 * Propagation receipts (docs/sync.md). `nodes` has one row per KeyFence node, written by the
 * node itself on every heartbeat and after every change it applies: which change-log version
 * it enforces, and when it last said so (the database's clock, so that nodes on machines whose
 * clocks disagree are still compared fairly). `audit_events.applied_version` is the version the
 * deciding node enforced when it decided; NULL for events without a decision and for events
 * written before this migration.
 */
export const nodeStatus: StoreMigration = {
  async up(db): Promise<void> {
    await db.schema
      .createTable('nodes')
      .addColumn('node_id', 'text', (c) => c.primaryKey())
      .addColumn('address', 'text')
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('applied_version', 'bigint', (c) => c.notNull())
      .addColumn('heartbeat_ms', 'integer', (c) => c.notNull())
      .addColumn('started_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.alterTable('audit_events').addColumn('applied_version', 'bigint').execute();
  },
};
