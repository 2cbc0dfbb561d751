import { createHmac } from 'node:crypto';
import { canonicalQueryString } from './canonical-query.js';
import { percentEncode } from './percent-encode.js';
import type { Param } from './request-params.js';

export const RPC_SIGNATURE_METHOD = 'HMAC-SHA1';
export const RPC_SIGNATURE_VERSION = '1.0';

/**
 * `METHOD&%2F&enc(canonicalized)` over every parameter but `Signature`. The path is
 * always `/` here: this algorithm does not sign the path at all.
 */
export function rpcStringToSign(method: string, params: Iterable<Param>): string {
  return `${method}&${percentEncode('/')}&${percentEncode(canonicalQueryString(params))}`;
}

/** Base64 HMAC-SHA1 keyed with `secret + '&'`. */
export function rpcSignature(secret: string, stringToSign: string): string {
  return createHmac('sha1', `${secret}&`).update(stringToSign).digest('base64');
}

export interface RpcSigningOutput {
  readonly stringToSign: string;
  /** The value of the `Signature` parameter, before it is itself percent-encoded onto the wire. */
  readonly signature: string;
}

/** Signs parameters the way pop-core and openapi-core (`signatureAlgorithm: 'v2'`) do. */
export function signRpcRequest(method: string, params: Iterable<Param>, secret: string): RpcSigningOutput {
  const stringToSign = rpcStringToSign(method, params);
  return { stringToSign, signature: rpcSignature(secret, stringToSign) };
}
