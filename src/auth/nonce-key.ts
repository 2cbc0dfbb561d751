import { createHash } from 'node:crypto';

/** Nonces longer than this are remembered by a digest: every SDK's are 32 to 36 characters. */
const LONGEST_KEPT = 80;
const DIGEST_PREFIX = 'sha256:';

/**
 * What replay protection remembers of a nonce: the nonce itself when it is short, else
 * `sha256:` and its digest (50 characters). A client chooses its nonces, and a request may carry
 * hundreds of kilobytes of headers: kept as sent, one key's nonces could fill the replay journal's
 * disk. A short nonce that reads like a digest can only meet the long nonce it names, and then
 * the second is refused as a replay, never admitted. Idempotent: a key is its own key.
 */
export function nonceKey(nonce: string): string {
  return nonce.length <= LONGEST_KEPT
    ? nonce
    : DIGEST_PREFIX + createHash('sha256').update(nonce).digest('base64url');
}
