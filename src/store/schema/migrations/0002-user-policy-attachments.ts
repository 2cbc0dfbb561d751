import type { StoreMigration } from '../store-migration.js';

/**
 * RAM's user policy attachments (AttachPolicyToUser). The primary key leads with the user, so
 * listing a user's policies and the check made before deleting a user read one index range.
 * Attachments follow a user's rename (ON UPDATE CASCADE); deleting a user who still has some is
 * refused by the store (`DeleteConflict.User.Policy`, as RAM does) before the foreign key would.
 */
export const userPolicyAttachments: StoreMigration = {
  async up(db): Promise<void> {
    await db.schema
      .createTable('user_policy_attachments')
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('user_name', 'text', (c) => c.notNull())
      .addColumn('policy_type', 'text', (c) => c.notNull())
      .addColumn('policy_name', 'text', (c) => c.notNull())
      .addColumn('attached_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('user_policy_attachments_pk', [
        'account_id',
        'user_name',
        'policy_type',
        'policy_name',
      ])
      .addForeignKeyConstraint(
        'user_policy_attachments_user_fk',
        ['account_id', 'user_name'],
        'users',
        ['account_id', 'user_name'],
        (fk) => fk.onUpdate('cascade'),
      )
      .execute();
  },
};
