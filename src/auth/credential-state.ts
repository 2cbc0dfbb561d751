import { constantTimeEqual } from '../common/constant-time-equal.js';
import { AuthError } from './auth-error.js';
import type { Credential } from './credential.js';

/**
 * Whether a credential whose signature has just been verified may be used now. Asked only after
 * the signature, so that a key's state (disabled, expired) is told only to whoever holds its
 * secret.
 */
export function credentialRefusal(
  credential: Credential,
  presentedToken: string | undefined,
  now: Date,
): AuthError | undefined {
  if (credential.kind === 'permanent') {
    if (credential.status !== 'Active') return AuthError.of('InvalidAccessKeyId.Inactive');
    // A token has no meaning with a permanent key; accepting one would let a client believe it
    // is using temporary credentials when it is not.
    return presentedToken === undefined
      ? undefined
      : AuthError.of('InvalidSecurityToken.MismatchWithAccessKey');
  }
  if (presentedToken === undefined) return AuthError.of('MissingSecurityToken');
  if (!constantTimeEqual(presentedToken, credential.securityToken)) {
    return AuthError.of('InvalidSecurityToken.MismatchWithAccessKey');
  }
  return now.getTime() < credential.expiresAt.getTime()
    ? undefined
    : AuthError.of('InvalidSecurityToken.Expired');
}
