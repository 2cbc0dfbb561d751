import { createHash } from 'node:crypto';

/**
 * What the store keeps of a request's nonce: a SHA-256 (base64url, 43 characters) of the
 * AccessKeyId, the nonce and the signed time, the same on every node (unlike ReplayGuard's
 * fingerprints, it has no per-process secret), so a client's nonce length does not decide a row's
 * size. A replay repeats all three, since all three are signed; a client reusing a nonce with
 * another signed time is no replay and is left to ReplayGuard.
 */
export function nonceDigest(accessKeyId: string, nonce: string, requestTime: Date): string {
  return createHash('sha256')
    .update(JSON.stringify([accessKeyId, nonce, requestTime.getTime()]))
    .digest('base64url');
}
