/**
 * Requests to a platform's own services, signed as the official SDKs sign them (ACS3 with any
 * host and path, or HMAC-SHA1 RPC in the query), and the forward-auth requests nginx, Caddy and
 * Envoy make about them, per each gateway's documented behaviour.
 */
import { randomBytes } from 'node:crypto';
import { acs3CanonicalRequest, acs3Signature, acs3StringToSign } from '../../../src/auth/acs3-signature.js';
import { formatAcs3Authorization } from '../../../src/auth/authorization-header.js';
import { formatAlibabaTime } from '../../../src/common/alibaba-time.js';
import { sha256Hex } from '../../../src/common/sha256-hex.js';
import {
  type Credentials,
  encodeQuery,
  type Reply,
  rpcSignedQuery,
  send,
} from '../../support/server-harness.js';

export const ECS_VERSION = '2014-05-26';

export interface OriginalSpec {
  readonly credentials: Credentials;
  readonly method?: string;
  /** The Host the client addresses. Default `ecs.example.com`. */
  readonly host?: string;
  /** Default `/`. */
  readonly path?: string;
  readonly query?: Readonly<Record<string, string>>;
  /** `x-acs-action` (V3) or `Action` (V2). Default `DescribeInstances`. */
  readonly action?: string;
  /** `x-acs-version` (V3) or `Version` (V2). Default ECS's. */
  readonly version?: string;
  readonly body?: Buffer;
  /** The body's SHA-256 when it is streamed rather than given (`body` is then left empty). */
  readonly contentSha256?: string;
  readonly contentType?: string;
  /** V3 (default) or V2 with every parameter in the query. */
  readonly signature?: 'v3' | 'v2';
  /** Unsigned headers the client adds. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** A signed request as the client sends it. */
export interface Original {
  readonly method: string;
  readonly host: string;
  /** Path and query, as on the request line. */
  readonly target: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

export function signOriginal(spec: OriginalSpec): Original {
  const method = spec.method ?? 'GET';
  const host = spec.host ?? 'ecs.example.com';
  const path = spec.path ?? '/';
  const body = spec.body ?? Buffer.alloc(0);
  const { credentials } = spec;
  if (spec.signature === 'v2') {
    const signed = rpcSignedQuery({
      method,
      action: spec.action ?? 'DescribeInstances',
      version: spec.version ?? ECS_VERSION,
      params: Object.entries(spec.query ?? {}),
      credentials,
    });
    return { method, host, target: `${path}?${signed}`, headers: { host, ...spec.headers }, body };
  }
  const query = Object.entries(spec.query ?? {});
  const headers: Record<string, string> = {
    host,
    'x-acs-action': spec.action ?? 'DescribeInstances',
    'x-acs-version': spec.version ?? ECS_VERSION,
    'x-acs-date': formatAlibabaTime(new Date()),
    'x-acs-signature-nonce': randomBytes(16).toString('hex'),
    'x-acs-content-sha256': spec.contentSha256 ?? sha256Hex(body),
    ...(spec.contentType === undefined ? {} : { 'content-type': spec.contentType }),
    ...(credentials.securityToken === undefined ? {} : { 'x-acs-security-token': credentials.securityToken }),
  };
  // As the SDKs sign: the signed headers are host, content-type and x-acs-*, sorted.
  const signed = Object.entries(headers).sort(([a], [b]) => (a < b ? -1 : 1));
  const stringToSign = acs3StringToSign(
    acs3CanonicalRequest({
      method,
      path,
      query,
      headers: signed,
      payloadHash: headers['x-acs-content-sha256']!,
    }),
  );
  const authorization = formatAcs3Authorization({
    accessKeyId: credentials.accessKeyId,
    signedHeaders: signed.map(([name]) => name),
    signature: acs3Signature(credentials.accessKeySecret, stringToSign),
  });
  const rawQuery = encodeQuery(query);
  return {
    method,
    host,
    target: rawQuery === '' ? path : `${path}?${rawQuery}`,
    headers: { ...headers, authorization, accept: 'application/json', ...spec.headers },
    body,
  };
}

/** What the gateway adds: the client's address, and KeyFence-specific headers of its config. */
export interface Asking {
  readonly clientIp?: string;
  readonly headers?: Readonly<Record<string, string | string[]>>;
}

const DEFAULT_CLIENT = '203.0.113.7';

/** Sends `original` straight to `port` (a gateway listener), as the client would. */
export function sendOriginal(port: number, original: Original): Promise<Reply> {
  return send(port, {
    method: original.method,
    path: original.target,
    headers: original.headers,
    body: original.body,
  });
}

/**
 * nginx `auth_request` as docs/forward-auth.md configures it: the subrequest has the client's
 * headers, `proxy_pass_request_body off` and an empty Content-Length, the Host as the client
 * sent it, X-Original-Method/-URI, X-Forwarded-For `$remote_addr`.
 */
export function viaNginx(port: number, original: Original, asking: Asking = {}): Promise<Reply> {
  return send(port, {
    method: original.method,
    path: '/forward-auth',
    headers: {
      ...original.headers,
      'x-original-method': original.method,
      'x-original-uri': original.target,
      'x-forwarded-for': asking.clientIp ?? DEFAULT_CLIENT,
      ...asking.headers,
    },
  });
}

/**
 * Caddy `forward_auth`: a GET with the client's headers, X-Forwarded-Method/-Uri, and
 * reverse_proxy's X-Forwarded-For (appended), -Proto and -Host.
 */
export function viaCaddy(port: number, original: Original, asking: Asking = {}): Promise<Reply> {
  const clientXff = original.headers['x-forwarded-for'];
  const client = asking.clientIp ?? DEFAULT_CLIENT;
  return send(port, {
    method: 'GET',
    path: '/forward-auth',
    headers: {
      ...original.headers,
      host: original.host,
      'x-forwarded-method': original.method,
      'x-forwarded-uri': original.target,
      'x-forwarded-for': clientXff === undefined ? client : `${clientXff}, ${client}`,
      'x-forwarded-proto': 'http',
      'x-forwarded-host': original.host,
      ...asking.headers,
    },
  });
}

/**
 * Envoy `ext_authz` HTTP service with `path_prefix: /forward-auth`: the original method, the
 * prefix followed by the original path, the allowed headers, Content-Length 0, and the
 * x-forwarded-for the connection manager appended the client to.
 */
export function viaEnvoy(port: number, original: Original, asking: Asking = {}): Promise<Reply> {
  const clientXff = original.headers['x-forwarded-for'];
  const client = asking.clientIp ?? DEFAULT_CLIENT;
  return send(port, {
    method: original.method,
    path: `/forward-auth${original.target}`,
    headers: {
      ...original.headers,
      'content-length': '0',
      'x-forwarded-for': clientXff === undefined ? client : `${clientXff},${client}`,
      'x-envoy-expected-rq-timeout-ms': '200',
      ...asking.headers,
    },
  });
}
