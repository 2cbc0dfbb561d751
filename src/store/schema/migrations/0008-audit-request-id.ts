import type { StoreMigration } from '../store-migration.js';

/**
 * CheckAccessKeyAccess explains a past call by its RequestId: without this index, finding one
 * event read every event of the account.
 */
export const auditRequestId: StoreMigration = {
  async up(db): Promise<void> {
    await db.schema
      .createIndex('audit_events_account_request')
      .on('audit_events')
      .columns(['account_id', 'request_id'])
      .execute();
  },
};
