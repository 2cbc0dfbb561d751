import type { Kysely } from 'kysely';
import { constantTimeEqual } from '../../common/constant-time-equal.js';
import {
  type AccessKeyId,
  type AccountId,
  isAccessKeyId,
  isTemporaryAccessKeyId,
  type RoleId,
  type RoleName,
  type TemporaryAccessKeyId,
  type UserId,
  type UserName,
} from '../../common/identifiers.js';
import { sha256Hex } from '../../common/sha256-hex.js';
import type { AccessKeyStatus } from '../entities.js';
import type { StoreDatabase } from '../schema/database.js';
import type { SecretBox } from '../secrets/secret-box.js';
import type { SecretKeeper } from '../secrets/secret-keeper.js';
import { SigningSecret } from '../secrets/signing-secret.js';
import type { SigningCredential } from '../signing-credential.js';
import { permanentKeysWithUsers, temporaryCredentialsWithRoles } from './key-holders.js';

/** A permanent key's row as a signing credential is made from it: the secret still sealed. */
export interface PermanentCredentialRow {
  readonly accessKeyId: string;
  readonly accountId: string;
  readonly userName: string | null;
  readonly userId: string | null;
  readonly status: string;
  readonly sealedSecret: string;
}

/** A temporary credential's row, likewise. */
export interface TemporaryCredentialRow {
  readonly accessKeyId: string;
  readonly accountId: string;
  readonly roleName: string;
  readonly roleId: string;
  readonly roleSessionName: string;
  readonly expiresAt: number;
  readonly sealedSecret: string;
  readonly securityTokenSha256: string;
}

/** Permanent keys with their user's ID (none for the root identity's keys). */
export function selectPermanentCredentials(db: Kysely<StoreDatabase>) {
  return permanentKeysWithUsers(db).select([
    'access_keys.access_key_id as accessKeyId',
    'access_keys.account_id as accountId',
    'access_keys.user_name as userName',
    'users.user_id as userId',
    'access_keys.status as status',
    'access_keys.sealed_secret as sealedSecret',
  ]);
}

/** Temporary credentials with their role's ID. */
export function selectTemporaryCredentials(db: Kysely<StoreDatabase>) {
  return temporaryCredentialsWithRoles(db).select([
    'temporary_credentials.access_key_id as accessKeyId',
    'temporary_credentials.account_id as accountId',
    'temporary_credentials.role_name as roleName',
    'roles.role_id as roleId',
    'temporary_credentials.role_session_name as roleSessionName',
    'temporary_credentials.expires_at as expiresAt',
    'temporary_credentials.sealed_secret as sealedSecret',
    'temporary_credentials.security_token_sha256 as securityTokenSha256',
  ]);
}

/** Decrypts a permanent key's secret; throws `Store.SecretUndecryptable` when it cannot. */
export function openPermanentCredential(row: PermanentCredentialRow, box: SecretBox): SigningCredential {
  return {
    kind: 'permanent',
    accessKeyId: row.accessKeyId as AccessKeyId,
    accountId: row.accountId as AccountId,
    userName: row.userName as UserName | null,
    userId: row.userId as UserId | null,
    status: row.status as AccessKeyStatus,
    secret: new SigningSecret(box.open(row.sealedSecret, row.accessKeyId)),
  };
}

/** Decrypts a temporary credential's secret; throws `Store.SecretUndecryptable` when it cannot. */
export function openTemporaryCredential(row: TemporaryCredentialRow, box: SecretBox): SigningCredential {
  const tokenDigest = row.securityTokenSha256;
  return {
    kind: 'temporary',
    accessKeyId: row.accessKeyId as TemporaryAccessKeyId,
    accountId: row.accountId as AccountId,
    roleName: row.roleName as RoleName,
    roleId: row.roleId as RoleId,
    roleSessionName: row.roleSessionName,
    expiration: new Date(row.expiresAt),
    secret: new SigningSecret(box.open(row.sealedSecret, row.accessKeyId)),
    matchesSecurityToken: (securityToken) => constantTimeEqual(sha256Hex(securityToken), tokenDigest),
  };
}

/**
 * Looks up the credential a request names and decrypts its secret. `accessKeyId` comes straight
 * from the request, so anything not shaped like one of our IDs is unknown without a query.
 */
export async function revealCredentialForSigning(
  db: Kysely<StoreDatabase>,
  secrets: SecretKeeper,
  accessKeyId: string,
): Promise<SigningCredential | undefined> {
  if (isAccessKeyId(accessKeyId)) {
    const row = await selectPermanentCredentials(db)
      .where('access_keys.access_key_id', '=', accessKeyId)
      .executeTakeFirst();
    return row === undefined ? undefined : openPermanentCredential(row, secrets.opener());
  }
  if (isTemporaryAccessKeyId(accessKeyId)) {
    const row = await selectTemporaryCredentials(db)
      .where('temporary_credentials.access_key_id', '=', accessKeyId)
      .executeTakeFirst();
    return row === undefined ? undefined : openTemporaryCredential(row, secrets.opener());
  }
  return undefined;
}
