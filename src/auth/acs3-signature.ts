import { createHmac } from 'node:crypto';
import { sha256Hex } from '../common/sha256-hex.js';
import { ACS3_ALGORITHM, formatAcs3Authorization } from './authorization-header.js';
import { byName, canonicalQueryString } from './canonical-query.js';
import type { Param } from './request-params.js';

/** The parts of a request an ACS3-HMAC-SHA256 signature covers. */
export interface Acs3SignedParts {
  readonly method: string;
  /** The path as sent; `/` for RPC APIs. */
  readonly path: string;
  readonly query: Iterable<Param>;
  /** The signed headers, lower-case names in ascending order, values as received. */
  readonly headers: readonly (readonly [name: string, value: string])[];
  /** Lower-case hex SHA-256 of the body. */
  readonly payloadHash: string;
}

export function acs3CanonicalRequest({ method, path, query, headers, payloadHash }: Acs3SignedParts): string {
  const canonicalHeaders = headers.map(([name, value]) => `${name}:${value.trim()}\n`).join('');
  const signedHeaders = headers.map(([name]) => name).join(';');
  return [method, path, canonicalQueryString(query), canonicalHeaders, signedHeaders, payloadHash].join('\n');
}

export function acs3StringToSign(canonicalRequest: string): string {
  return `${ACS3_ALGORITHM}\n${sha256Hex(canonicalRequest)}`;
}

/** Lower-case hex HMAC-SHA256, keyed with the secret as is (no `&`, unlike V2). */
export function acs3Signature(secret: string, stringToSign: string): string {
  return createHmac('sha256', secret).update(stringToSign).digest('hex');
}

export interface Acs3SigningInput {
  readonly method: string;
  readonly path: string;
  readonly query: Iterable<Param>;
  /** All request headers; those the SDK signs (host, content-type, x-acs-*) are picked out. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array;
  readonly accessKeyId: string;
  readonly secret: string;
}

export interface Acs3SigningOutput {
  readonly authorization: string;
  readonly canonicalRequest: string;
  readonly stringToSign: string;
  readonly signature: string;
}

/**
 * Signs a request the way the official SDKs do: what the verifier checks, from the other side.
 * The caller sets `x-acs-content-sha256` (and every other header) itself; the payload hash in the
 * canonical request is always that of the body.
 */
export function signAcs3Request(input: Acs3SigningInput): Acs3SigningOutput {
  const headers = Object.entries(input.headers)
    .map(([name, value]) => [name.toLowerCase(), value] as const)
    .filter(([name]) => name === 'host' || name === 'content-type' || name.startsWith('x-acs-'))
    .sort(byName);
  const canonicalRequest = acs3CanonicalRequest({
    method: input.method,
    path: input.path,
    query: input.query,
    headers,
    payloadHash: sha256Hex(input.body),
  });
  const stringToSign = acs3StringToSign(canonicalRequest);
  const signature = acs3Signature(input.secret, stringToSign);
  const authorization = formatAcs3Authorization({
    accessKeyId: input.accessKeyId,
    signedHeaders: headers.map(([name]) => name),
    signature,
  });
  return { authorization, canonicalRequest, stringToSign, signature };
}
