import type { Kysely } from 'kysely';
import {
  type AccountId,
  isAccessKeyId,
  isTemporaryAccessKeyId,
  type RoleId,
  type RoleName,
  type UserId,
  type UserName,
} from '../../common/identifiers.js';
import type { StoreDatabase } from '../schema/database.js';
import { permanentKeysWithUsers, temporaryCredentialsWithRoles } from './key-holders.js';

/** Who holds an AccessKey, in the terms of ActionTrail's `userIdentity`. */
export type AccessKeyPrincipal =
  | { readonly type: 'root-account'; readonly accountId: AccountId }
  | {
      readonly type: 'ram-user';
      readonly accountId: AccountId;
      readonly userName: UserName;
      readonly userId: UserId;
    }
  | {
      readonly type: 'assumed-role';
      readonly accountId: AccountId;
      readonly roleName: RoleName;
      readonly roleId: RoleId;
      readonly roleSessionName: string;
    };

// Well under both databases' limits on bound variables.
const idsPerQuery = 500;

/**
 * The principals holding these AccessKeys (permanent or STS), for the audit log. IDs that name
 * nothing, or that cannot be IDs at all, are absent from the result. Never touches a secret.
 */
export async function accessKeyPrincipals(
  db: Kysely<StoreDatabase>,
  accessKeyIds: readonly string[],
): Promise<Map<string, AccessKeyPrincipal>> {
  const unique = [...new Set(accessKeyIds)];
  const permanent = unique.filter(isAccessKeyId);
  const temporary = unique.filter(isTemporaryAccessKeyId);
  const found = new Map<string, AccessKeyPrincipal>();
  for (let start = 0; start < permanent.length; start += idsPerQuery) {
    const rows = await permanentKeysWithUsers(db)
      .select([
        'access_keys.access_key_id',
        'access_keys.account_id',
        'access_keys.user_name',
        'users.user_id',
      ])
      .where('access_keys.access_key_id', 'in', permanent.slice(start, start + idsPerQuery))
      .execute();
    for (const row of rows) {
      const accountId = row.account_id as AccountId;
      if (row.user_name === null) {
        found.set(row.access_key_id, { type: 'root-account', accountId });
      } else if (row.user_id !== null) {
        found.set(row.access_key_id, {
          type: 'ram-user',
          accountId,
          userName: row.user_name as UserName,
          userId: row.user_id as UserId,
        });
      }
    }
  }
  for (let start = 0; start < temporary.length; start += idsPerQuery) {
    const rows = await temporaryCredentialsWithRoles(db)
      .select([
        'temporary_credentials.access_key_id',
        'temporary_credentials.account_id',
        'temporary_credentials.role_name',
        'temporary_credentials.role_session_name',
        'roles.role_id',
      ])
      .where('temporary_credentials.access_key_id', 'in', temporary.slice(start, start + idsPerQuery))
      .execute();
    for (const row of rows) {
      found.set(row.access_key_id, {
        type: 'assumed-role',
        accountId: row.account_id as AccountId,
        roleName: row.role_name as RoleName,
        roleId: row.role_id as RoleId,
        roleSessionName: row.role_session_name,
      });
    }
  }
  return found;
}
