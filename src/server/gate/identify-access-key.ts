import { AuthError } from '../../auth/auth-error.js';
import {
  type AuthenticatedCredential,
  type Credential,
  type LookupCredential,
  withoutSecrets,
} from '../../auth/credential.js';
import { err, ok, type Result } from '../../common/result.js';

/**
 * The credential a request names when an upstream verifier has already checked its signature
 * (forward-auth with `verifySignature: false`): found by its AccessKeyId alone, refused only for
 * what the verifier cannot know, i.e. KeyFence's own state of the key (unknown, disabled, expired).
 * Neither the signature, the time window, the nonce nor the SecurityToken is checked here: that
 * is the upstream verifier's job, and anyone who can reach the gateway with a bare AccessKeyId
 * would otherwise be identified as its owner.
 */
export async function identifyAccessKey<C extends Credential>(
  accessKeyId: string | null,
  lookup: LookupCredential<C>,
  now: Date,
): Promise<Result<AuthenticatedCredential<C>, AuthError>> {
  if (accessKeyId === null) return err(AuthError.of('MissingAccessKeyId'));
  const credential = await lookup(accessKeyId);
  // An exact match only, as in verifyRequest: a lookup that folds case must not find another key.
  if (credential === null || credential.accessKeyId !== accessKeyId) {
    return err(AuthError.of('InvalidAccessKeyId.NotFound'));
  }
  if (credential.kind === 'permanent' && credential.status !== 'Active') {
    return err(AuthError.of('InvalidAccessKeyId.Inactive'));
  }
  if (credential.kind === 'temporary' && now.getTime() >= credential.expiresAt.getTime()) {
    return err(AuthError.of('InvalidSecurityToken.Expired'));
  }
  return ok(withoutSecrets(credential));
}
