/**
 * Shared helpers for the auth tests: credentials, a pinned clock, request builders that sign the
 * way the SDKs do, and assertions on verification results.
 */

import assert from 'node:assert/strict';
import { stringify } from 'node:querystring';
import { signAcs3Request } from '../../src/auth/acs3-signature.js';
import type { AuthError, AuthErrorCode } from '../../src/auth/auth-error.js';
import type { Credential, PermanentCredential, TemporaryCredential } from '../../src/auth/credential.js';
import { percentEncode } from '../../src/auth/percent-encode.js';
import { ReplayGuard } from '../../src/auth/replay-guard.js';
import type { Param } from '../../src/auth/request-params.js';
import { signRpcRequest } from '../../src/auth/rpc-signature.js';
import type { SignedRequest } from '../../src/auth/signed-request.js';
import { type VerifiedRequest, verifyRequest } from '../../src/auth/verify-request.js';
import { formatAlibabaTime } from '../../src/common/alibaba-time.js';
import type { Result } from '../../src/common/result.js';
import { sha256Hex } from '../../src/common/sha256-hex.js';

export interface Principal {
  readonly userName: string | null;
}

export const permanentKey = (
  accessKeyId: string,
  secret: string,
  status: 'Active' | 'Inactive' = 'Active',
): PermanentCredential & Principal => ({
  kind: 'permanent',
  accessKeyId,
  secret,
  status,
  accountId: '1234567890123456',
  userName: 'alice',
});

export const temporaryKey = (
  accessKeyId: string,
  secret: string,
  securityToken: string,
  expiresAt: Date,
): TemporaryCredential & { readonly roleArn: string } => ({
  kind: 'temporary',
  accessKeyId,
  secret,
  securityToken,
  expiresAt,
  accountId: '1234567890123456',
  roleArn: 'acs:ram::1234567890123456:role/auditor',
});

export interface VerifyContext<C extends Credential = Credential> {
  readonly credentials: readonly C[];
  /** The server clock; defaults to the request's own signed time. */
  readonly now: Date;
  readonly guard?: ReplayGuard;
  readonly lookups?: string[];
}

/** Verifies with an in-memory key table, a fixed clock and (unless given) a fresh replay guard. */
export function verifyWith<C extends Credential>(
  request: SignedRequest,
  context: VerifyContext<C>,
): Promise<Result<VerifiedRequest<C>, AuthError>> {
  const byId = new Map(context.credentials.map((c) => [c.accessKeyId, c]));
  return verifyRequest(request, {
    lookupCredential: async (accessKeyId) => {
      context.lookups?.push(accessKeyId);
      return byId.get(accessKeyId) ?? null;
    },
    replayGuard: context.guard ?? new ReplayGuard(),
    now: () => context.now,
  });
}

export function expectVerified<T>(result: Result<T, AuthError>): T {
  if (!result.ok)
    assert.fail(`expected the request to verify, got ${result.error.code}: ${result.error.message}`);
  return result.value;
}

export function expectRefused<T>(result: Result<T, AuthError>, code: AuthErrorCode): AuthError {
  if (result.ok) assert.fail(`expected ${code}, but the request verified`);
  assert.equal(result.error.code, code, result.error.message);
  return result.error;
}

/** A query string as the Node SDKs put it on the wire: `querystring.stringify`, `!'()*` left bare. */
export const sdkQuery = (params: readonly Param[]): string =>
  params.map(([name, value]) => stringify({ [name]: value })).join('&');

/** A query string encoded strictly, as other clients do. */
export const strictQuery = (params: readonly Param[]): string =>
  params.map(([name, value]) => `${percentEncode(name)}=${percentEncode(value)}`).join('&');

export interface Acs3RequestSpec {
  readonly method?: string;
  readonly path?: string;
  readonly query?: readonly Param[];
  readonly encodeQuery?: (params: readonly Param[]) => string;
  /**
   * Headers over the SDK's defaults (host, x-acs-action, x-acs-version, x-acs-date,
   * x-acs-signature-nonce, x-acs-content-sha256, accept, user-agent); undefined leaves one out.
   */
  readonly headers?: Readonly<Record<string, string | undefined>>;
  readonly body?: Buffer;
  readonly accessKeyId: string;
  readonly secret: string;
  readonly time: Date;
  readonly nonce?: string;
}

/** A request signed with ACS3-HMAC-SHA256 the way openapi-core does it. */
export function acs3Request(spec: Acs3RequestSpec): SignedRequest & { readonly body: Buffer } {
  const body = spec.body ?? Buffer.alloc(0);
  const query = spec.query ?? [];
  const withDefaults: Record<string, string | undefined> = {
    host: '127.0.0.1:8080',
    'x-acs-action': 'GetAccessKeyPolicy',
    'x-acs-version': '2019-08-15',
    'x-acs-date': formatAlibabaTime(spec.time),
    'x-acs-signature-nonce': spec.nonce ?? 'c0ffee00c0ffee00c0ffee00c0ffee00',
    'x-acs-content-sha256': sha256Hex(body),
    accept: 'application/json',
    'user-agent': 'AlibabaCloud (linux; x64) Node.js/v20.20.2 Core/1.0.1 TeaDSL/2',
    ...spec.headers,
  };
  const headers = Object.fromEntries(
    Object.entries(withDefaults).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  const method = spec.method ?? 'POST';
  const path = spec.path ?? '/';
  const { authorization } = signAcs3Request({
    method,
    path,
    query,
    headers,
    body,
    accessKeyId: spec.accessKeyId,
    secret: spec.secret,
  });
  return {
    method,
    path,
    rawQuery: (spec.encodeQuery ?? sdkQuery)(query),
    headers: { ...headers, authorization },
    body,
  };
}

export interface RpcRequestSpec {
  readonly method?: string;
  /** Parameters besides the common ones, which are filled in. */
  readonly params?: readonly Param[];
  /** Where the parameters travel: the query (openapi-core v2) or a form body (pop-core POST). */
  readonly in?: 'query' | 'body';
  readonly headers?: Readonly<Record<string, string>>;
  readonly accessKeyId: string;
  readonly secret: string;
  readonly securityToken?: string;
  readonly time: Date;
  readonly nonce?: string;
}

/** A request signed with HMAC-SHA1 RPC, Signature appended last as the SDKs do. */
export function rpcRequest(spec: RpcRequestSpec): SignedRequest & { readonly body: Buffer } {
  const method = spec.method ?? 'POST';
  const params: Param[] = [
    ['Action', 'GetAccessKeyPolicy'],
    ['Format', 'json'],
    ['Version', '2019-08-15'],
    ['Timestamp', formatAlibabaTime(spec.time)],
    ['SignatureNonce', spec.nonce ?? 'nonce-c0ffee'],
    ...(spec.params ?? []),
    ...(spec.securityToken === undefined ? [] : [['SecurityToken', spec.securityToken] as const]),
    ['SignatureMethod', 'HMAC-SHA1'],
    ['SignatureVersion', '1.0'],
    ['AccessKeyId', spec.accessKeyId],
  ];
  const { signature } = signRpcRequest(method, params, spec.secret);
  const encoded = sdkQuery([...params, ['Signature', signature]]);
  const inBody = spec.in === 'body';
  return {
    method,
    path: '/',
    rawQuery: inBody ? '' : encoded,
    headers: {
      host: '127.0.0.1:8080',
      ...(inBody ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      ...spec.headers,
    },
    body: inBody ? Buffer.from(encoded) : Buffer.alloc(0),
  };
}

export const withHeaders = (
  request: SignedRequest,
  headers: Readonly<Record<string, string | readonly string[] | undefined>>,
): SignedRequest => ({ ...request, headers: { ...request.headers, ...headers } });
