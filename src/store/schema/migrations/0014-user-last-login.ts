import type { StoreMigration } from '../store-migration.js';

/**
 * When a RAM user last signed in to the console (IMS `LastLoginDate`): telemetry beside the user,
 * like an AccessKey's last use, written by the sign-in and never through the change log. On the
 * user's row rather than its login profile, so that disabling or recreating the profile keeps it.
 */
export const userLastLogin: StoreMigration = {
  async up(db): Promise<void> {
    await db.schema.alterTable('users').addColumn('last_login_at', 'bigint').execute();
  },
};
