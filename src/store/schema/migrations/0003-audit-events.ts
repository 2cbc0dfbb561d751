import type { StoreMigration } from '../store-migration.js';

/**
 * The audit log: one row per API call. The columns are what LookupEvents filters and pages by;
 * `event` is the whole event as JSON, kept as given. No foreign key to `accounts`: a call whose
 * caller could not be established has no account, and events outlive what they mention.
 * Reads are always one account's time window, newest or oldest first, so the main index leads
 * with the account and the time; the second serves "where was this key used from", the
 * question the audit log exists to answer.
 */
export const auditEvents: StoreMigration = {
  async up(db): Promise<void> {
    await db.schema
      .createTable('audit_events')
      .addColumn('event_id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text')
      .addColumn('event_time', 'bigint', (c) => c.notNull())
      .addColumn('request_id', 'text', (c) => c.notNull())
      .addColumn('access_key_id', 'text')
      .addColumn('user_name', 'text')
      .addColumn('event_name', 'text')
      .addColumn('service_name', 'text')
      .addColumn('event_rw', 'text', (c) => c.notNull())
      .addColumn('source_ip', 'text', (c) => c.notNull())
      .addColumn('error_code', 'text')
      .addColumn('event', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('audit_events_account_time')
      .on('audit_events')
      .columns(['account_id', 'event_time', 'event_id'])
      .execute();
    await db.schema
      .createIndex('audit_events_account_key_time')
      .on('audit_events')
      .columns(['account_id', 'access_key_id', 'event_time', 'event_id'])
      .execute();
  },
};
