import { type CreateTableBuilder, sql } from 'kysely';
import type { StoreMigration } from '../store-migration.js';

/**
 * The web console's data (docs/store.md, "Console data"). Login profiles and console sessions
 * hang off their user through (account_id, user_name): a rename moves them (ON UPDATE CASCADE)
 * and deleting the user deletes them (ON DELETE CASCADE), which ends that user's sessions in
 * the same transaction. A root session has a NULL user_name, which the foreign key ignores.
 * Sessions and setup tokens are keyed by SHA-256 hashes of random IDs, so on SQLite they are
 * `without rowid`, clustered by that key, as 0001 does for random IDs.
 */
export const consoleAuth: StoreMigration = {
  async up(db, dialect): Promise<void> {
    const clusteredById = <T extends CreateTableBuilder<string, never>>(table: T): T =>
      dialect === 'sqlite' ? (table.modifyEnd(sql`without rowid`) as T) : table;

    await db.schema
      .createTable('login_profiles')
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('user_name', 'text', (c) => c.notNull())
      .addColumn('password_hash', 'text', (c) => c.notNull())
      .addColumn('password_reset_required', 'integer', (c) => c.notNull())
      .addColumn('mfa_bind_required', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('login_profiles_pk', ['account_id', 'user_name'])
      .addForeignKeyConstraint(
        'login_profiles_user_fk',
        ['account_id', 'user_name'],
        'users',
        ['account_id', 'user_name'],
        (fk) => fk.onUpdate('cascade').onDelete('cascade'),
      )
      .execute();

    await db.schema
      .createTable('root_console_passwords')
      .addColumn('account_id', 'text', (c) => c.primaryKey().references('accounts.account_id'))
      .addColumn('password_hash', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('security_preferences')
      .addColumn('account_id', 'text', (c) => c.primaryKey().references('accounts.account_id'))
      .addColumn('login_session_duration', 'integer', (c) => c.notNull())
      .addColumn('allow_user_to_change_password', 'integer', (c) => c.notNull())
      .addColumn('allow_user_to_manage_access_keys', 'integer', (c) => c.notNull())
      .addColumn('login_network_masks', 'text', (c) => c.notNull())
      .addColumn('access_key_rotation_days', 'integer', (c) => c.notNull())
      .addColumn('impact_preview_days', 'integer', (c) => c.notNull())
      .addColumn('version', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('console_sessions')
      .addColumn('id_hash', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.account_id'))
      .addColumn('principal_type', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text')
      .addColumn('user_name', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('source_ip', 'text', (c) => c.notNull())
      .addColumn('user_agent', 'text', (c) => c.notNull())
      .addColumn('csrf_token', 'text', (c) => c.notNull())
      .addColumn('auth_methods', 'text', (c) => c.notNull())
      .addColumn('root_access_key_acknowledged', 'integer', (c) => c.notNull())
      .addForeignKeyConstraint(
        'console_sessions_user_fk',
        ['account_id', 'user_name'],
        'users',
        ['account_id', 'user_name'],
        (fk) => fk.onUpdate('cascade').onDelete('cascade'),
      )
      .$call(clusteredById)
      .execute();
    // Ending a principal's sessions, and the cascade from a user, read by principal.
    await db.schema
      .createIndex('console_sessions_principal')
      .on('console_sessions')
      .columns(['account_id', 'user_name'])
      .execute();
    await db.schema
      .createIndex('console_sessions_expiry')
      .on('console_sessions')
      .column('expires_at')
      .execute();

    await db.schema
      .createTable('console_setup_tokens')
      .addColumn('token_hash', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull().unique().references('accounts.account_id'))
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .$call(clusteredById)
      .execute();
  },
};
