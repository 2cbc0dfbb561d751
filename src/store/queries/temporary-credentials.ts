import type { Kysely, Selectable } from 'kysely';
import type { AccountId, RoleName, TemporaryAccessKeyId } from '../../common/identifiers.js';
import { sha256Hex } from '../../common/sha256-hex.js';
import type { IssuedTemporaryCredential, TemporaryCredential } from '../entities.js';
import { newTemporaryAccessKeyId, newTemporarySecret } from '../identifiers/random-ids.js';
import type { StoreDatabase, TemporaryCredentialTable } from '../schema/database.js';
import { StoreError } from '../store-error.js';
import type { WriteContext } from '../write-context.js';
import { requireRoleRow } from './roles.js';

export interface AssumeRoleInput {
  readonly roleSessionName: string;
  /** Who is assuming the role, e.g. the caller's AccessKey ID; kept for the audit trail. */
  readonly sourceIdentity: string;
  /** Seconds, from 900 up to the role's maximum session duration; default 3600. */
  readonly durationSeconds?: number;
}

type CredentialRow = Omit<Selectable<TemporaryCredentialTable>, 'sealed_secret' | 'security_token_sha256'>;

const roleSessionNameShape = /^[0-9A-Za-z.@_-]{2,64}$/;

const toCredential = (row: CredentialRow): TemporaryCredential => ({
  accessKeyId: row.access_key_id as TemporaryAccessKeyId,
  accountId: row.account_id as AccountId,
  roleName: row.role_name as RoleName,
  roleSessionName: row.role_session_name,
  sourceIdentity: row.source_identity,
  expiration: new Date(row.expires_at),
  createdAt: new Date(row.created_at),
});

/** Expired credentials are returned too: telling "expired" from "unknown" is the caller's job. */
export async function getTemporaryCredential(
  db: Kysely<StoreDatabase>,
  accessKeyId: TemporaryAccessKeyId,
): Promise<TemporaryCredential> {
  const row = await db
    .selectFrom('temporary_credentials')
    .select([
      'access_key_id',
      'account_id',
      'role_name',
      'role_session_name',
      'source_identity',
      'expires_at',
      'created_at',
    ])
    .where('access_key_id', '=', accessKeyId)
    .executeTakeFirst();
  if (row === undefined) throw new StoreError('EntityNotExist.TemporaryCredential', accessKeyId);
  return toCredential(row);
}

export async function issueTemporaryCredential(
  tx: WriteContext,
  accountId: AccountId,
  roleName: RoleName,
  input: AssumeRoleInput,
): Promise<IssuedTemporaryCredential> {
  const role = await requireRoleRow(tx.db, accountId, roleName);
  const duration = input.durationSeconds ?? 3600;
  if (!Number.isInteger(duration) || duration < 900 || duration > role.max_session_duration) {
    throw new StoreError('InvalidParameter.DurationSeconds');
  }
  if (!roleSessionNameShape.test(input.roleSessionName)) {
    throw new StoreError('InvalidParameter.RoleSessionName', input.roleSessionName);
  }
  const box = await tx.settings.secrets.sealer(tx.db);
  const row: CredentialRow = {
    access_key_id: newTemporaryAccessKeyId(),
    account_id: accountId,
    role_name: role.role_name,
    role_session_name: input.roleSessionName,
    source_identity: input.sourceIdentity,
    expires_at: tx.now + duration * 1000,
    created_at: tx.now,
  };
  const accessKeySecret = newTemporarySecret();
  // The sealer has just made sure there is a master key, hence a stamp.
  const securityToken = tx.settings.secrets.tokens!.issue(row.access_key_id, new Date(row.expires_at));
  await tx.db
    .insertInto('temporary_credentials')
    .values({
      ...row,
      sealed_secret: box.seal(accessKeySecret, row.access_key_id),
      security_token_sha256: sha256Hex(securityToken),
    })
    .execute();
  const credential = toCredential(row);
  await tx.log.append(accountId, {
    kind: 'credential.issued',
    accessKeyId: credential.accessKeyId,
    roleName: credential.roleName,
    expiration: credential.expiration,
  });
  return { ...credential, accessKeySecret, securityToken };
}

/**
 * Deletes credentials that expired before `now`. Garbage collection, not a change of state: an
 * expired credential is refused whether or not its row still exists, so no change record.
 */
export async function purgeExpiredTemporaryCredentials(
  db: Kysely<StoreDatabase>,
  now: number,
): Promise<number> {
  const result = await db
    .deleteFrom('temporary_credentials')
    .where('expires_at', '<', now)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
