import { type CreateTableBuilder, sql } from 'kysely';
import type { StoreMigration } from '../store-migration.js';

/**
 * Column types are limited to `text`, `integer` and `bigint`, which mean the same on SQLite and
 * PostgreSQL, so one migration serves both. Two physical choices differ, both for SQLite's
 * sake: version keys are `integer primary key` there (the rowid itself: appends stay at the end
 * of the table instead of going through a second index; `integer` is 64-bit in SQLite but
 * 32-bit in PostgreSQL), and tables keyed by random text IDs are `without rowid`, clustered by
 * that ID, so a snapshot reading keys in ID order reads the table in order.
 */
export const initialSchema: StoreMigration = {
  async up(db, dialect): Promise<void> {
    const versionType = dialect === 'sqlite' ? 'integer' : 'bigint';
    const clusteredById = <T extends CreateTableBuilder<string, never>>(table: T): T =>
      dialect === 'sqlite' ? (table.modifyEnd(sql`without rowid`) as T) : table;

    await db.schema
      .createTable('keyfence_meta')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('change_counter')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('version', 'bigint', (c) => c.notNull())
      .execute();
    await sql`insert into change_counter (id, version) values (1, 0)`.execute(db);

    await db.schema
      .createTable('change_log')
      .addColumn('version', versionType, (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('access_key_id', 'text')
      .addColumn('user_name', 'text')
      .addColumn('role_name', 'text')
      .addColumn('status', 'text')
      .addColumn('policy', 'text')
      .addColumn('detail', 'text')
      .addColumn('at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('accounts')
      .addColumn('account_id', 'text', (c) => c.primaryKey())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('policy', 'text')
      .addColumn('policy_version', 'bigint', (c) => c.notNull().defaultTo(0))
      .$call(clusteredById)
      .execute();

    await db.schema
      .createTable('users')
      .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.account_id'))
      .addColumn('user_name', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull().unique())
      .addColumn('display_name', 'text', (c) => c.notNull())
      .addColumn('comments', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('users_pk', ['account_id', 'user_name'])
      .execute();

    // A user's keys follow a rename (ON UPDATE CASCADE); deleting a user who still has keys is
    // refused by the store before the foreign key would refuse it.
    await db.schema
      .createTable('access_keys')
      .addColumn('access_key_id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.account_id'))
      .addColumn('user_name', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('sealed_secret', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('last_used_at', 'bigint')
      .addColumn('last_used_service', 'text')
      .addColumn('policy', 'text')
      .addColumn('policy_version', 'bigint', (c) => c.notNull().defaultTo(0))
      .addForeignKeyConstraint(
        'access_keys_owner_fk',
        ['account_id', 'user_name'],
        'users',
        ['account_id', 'user_name'],
        (fk) => fk.onUpdate('cascade'),
      )
      .$call(clusteredById)
      .execute();
    await db.schema
      .createIndex('access_keys_owner')
      .on('access_keys')
      .columns(['account_id', 'user_name'])
      .execute();

    await db.schema
      .createTable('roles')
      .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.account_id'))
      .addColumn('role_name', 'text', (c) => c.notNull())
      .addColumn('role_id', 'text', (c) => c.notNull().unique())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('assume_role_policy', 'text', (c) => c.notNull())
      .addColumn('max_session_duration', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('roles_pk', ['account_id', 'role_name'])
      .execute();

    // Deleting a role revokes the credentials issued for it at once (ON DELETE CASCADE).
    await db.schema
      .createTable('temporary_credentials')
      .addColumn('access_key_id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('role_name', 'text', (c) => c.notNull())
      .addColumn('role_session_name', 'text', (c) => c.notNull())
      .addColumn('source_identity', 'text', (c) => c.notNull())
      .addColumn('sealed_secret', 'text', (c) => c.notNull())
      .addColumn('security_token_sha256', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addForeignKeyConstraint(
        'temporary_credentials_role_fk',
        ['account_id', 'role_name'],
        'roles',
        ['account_id', 'role_name'],
        (fk) => fk.onDelete('cascade'),
      )
      .execute();
    await db.schema
      .createIndex('temporary_credentials_expiry')
      .on('temporary_credentials')
      .column('expires_at')
      .execute();

    // No foreign key: the history of a deleted key's policy stays readable.
    await db.schema
      .createTable('policy_history')
      .addColumn('version', versionType, (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('access_key_id', 'text')
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('policy_before', 'text')
      .addColumn('policy_after', 'text')
      .addColumn('rolled_back_to', 'bigint')
      .execute();
    await db.schema
      .createIndex('policy_history_scope')
      .on('policy_history')
      .columns(['account_id', 'access_key_id', 'version'])
      .execute();
  },
};
