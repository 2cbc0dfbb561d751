import type { StoreMigration } from '../store-migration.js';

/**
 * Retention (docs/audit.md, "Retention"). `audit_events_time` lets the daily pass find the
 * oldest events without reading the table: every other index leads with the account. `store_leases`
 * holds one row per daily task that one node at a time runs for a whole deployment: who holds it
 * until when (the database's clock, as for node status), and the last UTC day (days since the
 * epoch) whose pass finished, so that the other nodes do not run it again that day.
 */
export const retention: StoreMigration = {
  async up(db): Promise<void> {
    await db.schema
      .createIndex('audit_events_time')
      .on('audit_events')
      .columns(['event_time', 'event_id'])
      .execute();
    await db.schema
      .createTable('store_leases')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('holder', 'text')
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('done_day', 'bigint')
      .execute();
  },
};
