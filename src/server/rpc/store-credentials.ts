import type {
  AuthenticatedCredential,
  LookupCredential,
  PermanentCredential,
  TemporaryCredential,
} from '../../auth/credential.js';
import { headerValue, type SignedRequest } from '../../auth/signed-request.js';
import type {
  AccessKeyId,
  AccountId,
  KeyFenceStore,
  RoleName,
  TemporaryAccessKeyId,
  UserName,
} from '../../store/index.js';
import type { Caller } from './caller.js';
import { unverifiedParams } from './claimed-request.js';

/** A store credential as request verification takes it, with the principal it belongs to. */
export type StoreCredential =
  | (PermanentCredential & {
      readonly accessKeyId: AccessKeyId;
      readonly accountId: AccountId;
      readonly userName: UserName | null;
    })
  | (TemporaryCredential & {
      readonly accessKeyId: TemporaryAccessKeyId;
      readonly accountId: AccountId;
      readonly roleName: RoleName;
      readonly roleSessionName: string;
    });

/**
 * The `lookupCredential` of one request. The store keeps only a digest of a SecurityToken and
 * checks a presented one itself (`matchesSecurityToken`), whereas the verifier compares the
 * presented token with the credential's; so the adapter reads the presented token exactly as the
 * verifier does (same header, same parameter parser) and hands back that token when the store
 * accepts it, and a value that cannot equal it otherwise. A misreading can only refuse a
 * request, never admit one.
 */
export function storeCredentialLookup(
  store: KeyFenceStore,
  request: SignedRequest,
): LookupCredential<StoreCredential> {
  return async (accessKeyId) => {
    const found = await store.revealCredentialForSigning(accessKeyId);
    if (found === undefined) return null;
    if (found.kind === 'permanent') {
      return {
        kind: 'permanent',
        accessKeyId: found.accessKeyId,
        accountId: found.accountId,
        userName: found.userName,
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
      roleSessionName: found.roleSessionName,
      expiresAt: found.expiration,
      secret: found.secret.reveal(),
      securityToken: accepted ? presented : `${presented ?? ''}\u0000not-the-token`,
    };
  };
}

/** The SecurityToken as the verifier reads it: the signed header under V3, the parameter under V2. */
function presentedSecurityToken(request: SignedRequest): string | undefined {
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
      roleSessionName: credential.roleSessionName,
    };
  }
  if (credential.userName === null) {
    return { type: 'root-account', accountId: credential.accountId, accessKeyId: credential.accessKeyId };
  }
  return {
    type: 'ram-user',
    accountId: credential.accountId,
    accessKeyId: credential.accessKeyId,
    userName: credential.userName,
  };
}
