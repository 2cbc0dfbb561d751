import type { Kysely } from 'kysely';
import type { StoreDatabase } from '../schema/database.js';

// Each caller selects its own columns: the audit log's principal lookup must never read a
// sealed secret, while signing needs it.

/** Permanent keys joined with their RAM user (no user for the root identity's keys). */
export function permanentKeysWithUsers(db: Kysely<StoreDatabase>) {
  return db
    .selectFrom('access_keys')
    .leftJoin('users', (join) =>
      join
        .onRef('users.account_id', '=', 'access_keys.account_id')
        .onRef('users.user_name', '=', 'access_keys.user_name'),
    );
}

/** Temporary credentials joined with their role (deleting a role deletes its credentials). */
export function temporaryCredentialsWithRoles(db: Kysely<StoreDatabase>) {
  return db
    .selectFrom('temporary_credentials')
    .innerJoin('roles', (join) =>
      join
        .onRef('roles.account_id', '=', 'temporary_credentials.account_id')
        .onRef('roles.role_name', '=', 'temporary_credentials.role_name'),
    );
}
