import type { Kysely } from 'kysely';
import { constantTimeEqual } from '../../common/constant-time-equal.js';
import { sha256Hex } from '../../common/sha256-hex.js';
import type { AccessKeyStatus } from '../entities.js';
import {
  type AccountId,
  isAccessKeyId,
  isTemporaryAccessKeyId,
  type RoleName,
  type UserName,
} from '../identifiers/ids.js';
import type { StoreDatabase } from '../schema/database.js';
import type { SecretKeeper } from '../secrets/secret-keeper.js';
import { SigningSecret } from '../secrets/signing-secret.js';
import type { SigningCredential } from '../signing-credential.js';

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
    const row = await db
      .selectFrom('access_keys')
      .select(['account_id', 'user_name', 'status', 'sealed_secret'])
      .where('access_key_id', '=', accessKeyId)
      .executeTakeFirst();
    if (row === undefined) return undefined;
    return {
      kind: 'permanent',
      accessKeyId,
      accountId: row.account_id as AccountId,
      userName: row.user_name as UserName | null,
      status: row.status as AccessKeyStatus,
      secret: new SigningSecret(secrets.opener().open(row.sealed_secret, accessKeyId)),
    };
  }
  if (isTemporaryAccessKeyId(accessKeyId)) {
    const row = await db
      .selectFrom('temporary_credentials')
      .select([
        'account_id',
        'role_name',
        'role_session_name',
        'expires_at',
        'sealed_secret',
        'security_token_sha256',
      ])
      .where('access_key_id', '=', accessKeyId)
      .executeTakeFirst();
    if (row === undefined) return undefined;
    const tokenDigest = row.security_token_sha256;
    return {
      kind: 'temporary',
      accessKeyId,
      accountId: row.account_id as AccountId,
      roleName: row.role_name as RoleName,
      roleSessionName: row.role_session_name,
      expiration: new Date(row.expires_at),
      secret: new SigningSecret(secrets.opener().open(row.sealed_secret, accessKeyId)),
      matchesSecurityToken: (securityToken) => constantTimeEqual(sha256Hex(securityToken), tokenDigest),
    };
  }
  return undefined;
}
