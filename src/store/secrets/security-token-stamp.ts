import { createHmac } from 'node:crypto';
import { constantTimeEqual } from '../../common/constant-time-equal.js';
import { randomBase62 } from '../identifiers/random-ids.js';
import type { MasterKey } from './master-key.js';

// `CAIS` (Alibaba's tokens start so), random characters, the expiry in milliseconds since the
// epoch, then an HMAC-SHA256 (base64url) of the AccessKeyId, the expiry and the random part.
const prefix = 'CAIS';
const randomLength = 64;
const expiryDigits = 15;
const tagLength = 43;
const tokenLength = prefix.length + randomLength + expiryDigits + tagLength;
const expiryShape = /^[0-9]{15}$/;

/**
 * STS SecurityTokens that carry their credential's expiry, authenticated by a key derived from the
 * master key (so every node sharing the store can read them, and nobody without it can forge one).
 * The expiry is read only to answer a token whose credential the store no longer has (deleted by
 * housekeeping once expired) with `InvalidSecurityToken.Expired` rather than "key not found"; it
 * never admits a request, which takes the stored credential and its signature as before.
 */
export class SecurityTokenStamp {
  readonly #key: Buffer;

  constructor(masterKey: MasterKey) {
    this.#key = masterKey.deriveKey('security-token/v1');
  }

  issue(accessKeyId: string, expiresAt: Date): string {
    const body = randomBase62(randomLength) + String(expiresAt.getTime()).padStart(expiryDigits, '0');
    return prefix + body + this.#tag(accessKeyId, body);
  }

  /** The expiry `token` carries when it is an authentic token of `accessKeyId`; otherwise undefined. */
  expiryOf(accessKeyId: string, token: string): Date | undefined {
    if (token.length !== tokenLength || !token.startsWith(prefix)) return undefined;
    const body = token.slice(prefix.length, tokenLength - tagLength);
    if (!constantTimeEqual(token.slice(tokenLength - tagLength), this.#tag(accessKeyId, body)))
      return undefined;
    const expiry = body.slice(randomLength);
    return expiryShape.test(expiry) ? new Date(Number(expiry)) : undefined;
  }

  #tag(accessKeyId: string, body: string): string {
    return createHmac('sha256', this.#key).update(`${accessKeyId}\n${body}`).digest('base64url');
  }
}
