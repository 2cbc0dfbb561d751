/**
 * The headers of one ACS3-HMAC-SHA256-signed call without a body, as openapi-core signs it,
 * with src/auth's signer. Every call gets a fresh date and nonce: the server refuses
 * a replayed nonce, so a load run signs each request as it is sent.
 */
import { randomBytes } from 'node:crypto';
import { signAcs3Request } from '../src/auth/acs3-signature.js';
import { formatAlibabaTime } from '../src/common/alibaba-time.js';
import { sha256Hex } from '../src/common/sha256-hex.js';
import type { LoadRequest } from './load.js';

export interface Credentials {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
}

export interface SignedCall {
  readonly host: string;
  readonly method: 'GET' | 'POST';
  readonly action: string;
  readonly version: string;
  /** The query the call is signed with (the request path must carry the same). */
  readonly query: readonly (readonly [name: string, value: string])[];
  readonly credentials: Credentials;
}

const EMPTY = new Uint8Array(0);
const EMPTY_SHA256 = sha256Hex(EMPTY);

/** The call's signed headers plus `extra` (headers the signer does not cover) and `authorization`. */
export function signedHeaders(
  call: SignedCall,
  extra: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const headers: Record<string, string> = {
    host: call.host,
    'x-acs-action': call.action,
    'x-acs-version': call.version,
    'x-acs-date': formatAlibabaTime(new Date()),
    'x-acs-signature-nonce': randomBytes(16).toString('hex'),
    'x-acs-content-sha256': EMPTY_SHA256,
    ...extra,
  };
  const { authorization } = signAcs3Request({
    method: call.method,
    path: '/',
    query: call.query,
    headers,
    body: EMPTY,
    accessKeyId: call.credentials.accessKeyId,
    secret: call.credentials.accessKeySecret,
  });
  return { ...headers, authorization };
}

/** A load request for `path` that autocannon signs as it sends it (fresh date and nonce each time). */
export function signedLoadRequest(
  path: string,
  call: SignedCall,
  extra: Readonly<Record<string, string>> = {},
): LoadRequest {
  return {
    method: call.method,
    path,
    setupRequest: (request) => ({ ...request, headers: signedHeaders(call, extra) }),
  };
}
