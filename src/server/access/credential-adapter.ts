import type {
  AuthenticatedCredential,
  LookupCredential,
  PermanentCredential,
  TemporaryCredential,
} from '../../auth/credential.js';
import { headerValue, type SignedRequest } from '../../auth/signed-request.js';
import type { Caller } from '../../request/caller.js';
import type {
  AccessKeyId,
  AccountId,
  RoleId,
  RoleName,
  SigningCredential,
  TemporaryAccessKeyId,
  UserId,
  UserName,
} from '../../store/index.js';
import { unverifiedParams } from './claimed-request.js';

/** A store credential as request verification takes it, with the principal it belongs to. */
export type StoreCredential =
  | (PermanentCredential & {
      readonly accessKeyId: AccessKeyId;
      readonly accountId: AccountId;
      /** Both null for a key of the root identity, both set for a RAM user's. */
      readonly userName: UserName | null;
      readonly userId: UserId | null;
    })
  | (TemporaryCredential & {
      readonly accessKeyId: TemporaryAccessKeyId;
      readonly accountId: AccountId;
      readonly roleName: RoleName;
      readonly roleId: RoleId;
      readonly roleSessionName: string;
    });

/** Where a request's credential is found: this node's memory (CredentialCache.find) in the server. */
export type FindCredential = (accessKeyId: string) => Promise<SigningCredential | undefined>;

/**
 * The `lookupCredential` of one request. The store keeps only a digest of a SecurityToken and
 * checks a presented one itself (`matchesSecurityToken`, constant-time), whereas the verifier
 * compares the presented token with the credential's; so the adapter reads the presented token
 * exactly as the verifier does (same header, same parameter parser) and hands back that token
 * when the digest matches, and a value that cannot equal it otherwise. A misreading can only
 * refuse a request, never admit one.
 */
export function credentialLookup(
  find: FindCredential,
  request: SignedRequest,
): LookupCredential<StoreCredential> {
  return async (accessKeyId) => {
    const found = await find(accessKeyId);
    if (found === undefined) return null;
    if (found.kind === 'permanent') {
      return {
        kind: 'permanent',
        accessKeyId: found.accessKeyId,
        accountId: found.accountId,
        userName: found.userName,
        userId: found.userId,
        status: found.status,
        secret: found.secret.reveal(),
      };
    }
    const presented = presentedSecurityToken(request);
    const accepted = presented !== undefined && found.matchesSecurityToken(presented);
    return {
      kind: 'temporary',
      accessKeyId: found.accessKeyId,
      accountId: found.accountId,
      roleName: found.roleName,
      roleId: found.roleId,
      roleSessionName: found.roleSessionName,
      expiresAt: found.expiration,
      secret: found.secret.reveal(),
      securityToken: accepted ? presented : `${presented ?? ''}\u0000not-the-token`,
    };
  };
}

/** The SecurityToken as the verifier reads it: the signed header under V3, the parameter under V2. */
export function presentedSecurityToken(request: SignedRequest): string | undefined {
  const authorization = headerValue(request, 'authorization');
  if (!authorization.ok) return undefined;
  if (authorization.value !== undefined) {
    const header = headerValue(request, 'x-acs-security-token');
    return header.ok ? header.value?.trim() || undefined : undefined;
  }
  // The verifier has parsed query and form before it looks a credential up, so both are readable here.
  return unverifiedParams(request)?.get('SecurityToken') || undefined;
}

/** Who an authenticated credential belongs to. */
export function callerOf(credential: AuthenticatedCredential<StoreCredential>): Caller {
  if (credential.kind === 'temporary') {
    return {
      type: 'assumed-role',
      accountId: credential.accountId,
      accessKeyId: credential.accessKeyId,
      roleName: credential.roleName,
      roleId: credential.roleId,
      roleSessionName: credential.roleSessionName,
    };
  }
  if (credential.userName === null) {
    return { type: 'root-account', accountId: credential.accountId, accessKeyId: credential.accessKeyId };
  }
  // The store's foreign key rules this out; a user's key must never pass for the root identity's.
  if (credential.userId === null)
    throw new Error(`AccessKey ${credential.accessKeyId} has a user without an ID`);
  return {
    type: 'ram-user',
    accountId: credential.accountId,
    accessKeyId: credential.accessKeyId,
    userName: credential.userName,
    userId: credential.userId,
  };
}
