import { AuthError } from '../../auth/auth-error.js';
import type { AuthenticatedCredential } from '../../auth/credential.js';
import { err, ok, type Result } from '../../common/result.js';
import type { SigningCredential } from '../../store/index.js';
import type { StoreCredential } from './credential-adapter.js';

/**
 * The credential a request names when an upstream verifier has already checked its signature
 * (forward-auth with `verifySignature: false`): found by its AccessKeyId alone, refused only for
 * what the verifier cannot know, i.e. KeyFence's own state of the key (unknown, disabled, expired).
 * Neither the signature, the time window, the nonce nor the SecurityToken is checked here: that
 * is the upstream verifier's job, and anyone who can reach the gateway with a bare AccessKeyId
 * would otherwise be identified as its owner. The secret is never revealed: nothing is signed.
 */
export function identifyAccessKey(
  accessKeyId: string,
  found: SigningCredential | undefined,
  now: number,
): Result<AuthenticatedCredential<StoreCredential>, AuthError> {
  // An exact match only, as in verifyRequest: a lookup that folds case must not find another key.
  if (found === undefined || found.accessKeyId !== accessKeyId) {
    return err(AuthError.of('InvalidAccessKeyId.NotFound'));
  }
  if (found.kind === 'permanent') {
    if (found.status !== 'Active') return err(AuthError.of('InvalidAccessKeyId.Inactive'));
    return ok({
      kind: 'permanent',
      accessKeyId: found.accessKeyId,
      accountId: found.accountId,
      userName: found.userName,
      userId: found.userId,
      status: found.status,
    });
  }
  if (now >= found.expiration.getTime()) return err(AuthError.of('InvalidSecurityToken.Expired'));
  return ok({
    kind: 'temporary',
    accessKeyId: found.accessKeyId,
    accountId: found.accountId,
    roleName: found.roleName,
    roleId: found.roleId,
    roleSessionName: found.roleSessionName,
    expiresAt: found.expiration,
  });
}
