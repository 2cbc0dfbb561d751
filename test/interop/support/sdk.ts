/**
 * The official Alibaba Node SDKs configured against a local KeyFence as README.md shows:
 * openapi-core (and the generated clients on it) with `endpoint: '127.0.0.1:PORT'` (no scheme)
 * and `protocol: 'http'`; the generic `callApi` with RPC Params for the actions the typed clients lack.
 */
import assert from 'node:assert/strict';
import Ims from '@alicloud/ims20190815';
import OpenApi, { $OpenApiUtil, OpenApiUtil } from '@alicloud/openapi-core';
import Sts from '@alicloud/sts20150401';
import * as $dara from '@darabonba/typescript';
import type { KeyFenceProcess } from '../../support/keyfence-process.js';

/** API versions KeyFence routes by, per product. */
export const VERSIONS = {
  ims: '2019-08-15',
  ram: '2015-05-01',
  sts: '2015-04-01',
  actiontrail: '2020-07-06',
  keyfence: '2026-12-01',
} as const;

export interface Credentials {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  readonly securityToken?: string;
}

export interface ClientOptions {
  /** `'v2'` switches openapi-core to HMAC-SHA1 RPC signing; default V3 (ACS3). */
  readonly signatureAlgorithm?: 'v2';
}

export function openApiConfig(
  server: Pick<KeyFenceProcess, 'endpoint'>,
  credentials: Credentials,
  options: ClientOptions = {},
): $OpenApiUtil.Config {
  return new $OpenApiUtil.Config({
    accessKeyId: credentials.accessKeyId,
    accessKeySecret: credentials.accessKeySecret,
    ...(credentials.securityToken === undefined ? {} : { securityToken: credentials.securityToken }),
    endpoint: server.endpoint,
    protocol: 'http',
    readTimeout: 10_000,
    connectTimeout: 5_000,
    ...(options.signatureAlgorithm === undefined ? {} : { signatureAlgorithm: options.signatureAlgorithm }),
  });
}

/** openapi-core's own Client: what the generated product clients extend; used for `callApi`. */
export type OpenApiClient = InstanceType<typeof OpenApi.default>;
export type ImsClient = InstanceType<typeof Ims.default>;
export type StsClient = InstanceType<typeof Sts.default>;
export { Ims, Sts };

export function openApiClient(
  server: Pick<KeyFenceProcess, 'endpoint'>,
  credentials: Credentials,
  options: ClientOptions = {},
): OpenApiClient {
  return new OpenApi.default(openApiConfig(server, credentials, options));
}

export function imsClient(server: Pick<KeyFenceProcess, 'endpoint'>, credentials: Credentials): ImsClient {
  return new Ims.default(openApiConfig(server, credentials));
}

export function stsClient(server: Pick<KeyFenceProcess, 'endpoint'>, credentials: Credentials): StsClient {
  return new Sts.default(openApiConfig(server, credentials));
}

export const runtime = () => new $dara.RuntimeOptions({});

/** The Params a generated RPC method passes to `callApi`. */
export function rpcParams(
  action: string,
  version: string,
  method: 'POST' | 'GET' = 'POST',
): $OpenApiUtil.Params {
  return new $OpenApiUtil.Params({
    action,
    version,
    protocol: 'HTTPS',
    pathname: '/',
    method,
    authType: 'AK',
    style: 'RPC',
    reqBodyType: 'formData',
    bodyType: 'json',
  });
}

export interface CallOptions {
  /** Per-request headers (e.g. `x-forwarded-for` for a trusted proxy), via `OpenApiRequest({ headers })`. */
  readonly headers?: Record<string, string>;
  readonly method?: 'POST' | 'GET';
}

export interface CallResult {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: Record<string, unknown>;
}

/** `client.callApi` for one RPC action; parameters go in the query as the generated clients put them. */
export async function callApi(
  client: OpenApiClient,
  action: string,
  version: string,
  query: Record<string, unknown> = {},
  options: CallOptions = {},
): Promise<CallResult> {
  const request = new $OpenApiUtil.OpenApiRequest({
    query: OpenApiUtil.query(query),
    ...(options.headers === undefined ? {} : { headers: options.headers }),
  });
  const result = (await client.callApi(rpcParams(action, version, options.method), request, runtime())) as {
    statusCode: number;
    headers: Record<string, string>;
    body: Record<string, unknown>;
  };
  return result;
}

/** What the SDKs throw for an error response, as far as the tests read it. */
export interface SdkError extends Error {
  readonly code: string;
  readonly statusCode?: number;
  readonly data?: Record<string, unknown> & { AccessDeniedDetail?: Record<string, unknown> };
  readonly accessDeniedDetail?: Record<string, unknown> | null;
  readonly requestId?: string;
}

/** Awaits `promise`, which must reject with an SDK error, and returns that error. */
export async function sdkError(promise: Promise<unknown>, what: string): Promise<SdkError> {
  let result: unknown;
  try {
    result = await promise;
  } catch (error) {
    assert.ok(error instanceof Error, `${what}: the SDK throws an Error, got ${String(error)}`);
    assert.ok(
      typeof (error as Partial<SdkError>).code === 'string',
      `${what}: the SDK error has a code (not a raw parse error): ${error.name}: ${error.message}`,
    );
    return error as SdkError;
  }
  assert.fail(`${what}: expected the SDK to throw, got ${JSON.stringify(result)}`);
}

/** Like `sdkError`, and the error must carry `code` and HTTP `statusCode`. */
export async function expectSdkError(
  promise: Promise<unknown>,
  what: string,
  code: string,
  statusCode: number,
): Promise<SdkError> {
  const e = await sdkError(promise, what);
  assert.equal(e.code, code);
  assert.equal(e.statusCode, statusCode);
  return e;
}

/** The RAM logon name of a user, under the default domain suffix. */
export const principalName = (user: string, accountId: string) => `${user}@${accountId}.onaliyun.com`;

export interface PolicyStatement {
  readonly Type: 'ClassicWhiteList' | 'VPCWhiteList';
  readonly Value?: string;
  readonly IPList: readonly string[];
}

export function policy(status: 'Active' | 'Inactive', ...statements: PolicyStatement[]): string {
  return JSON.stringify({ Version: 1, Status: status, Statements: statements });
}

export const classic = (...ips: string[]): PolicyStatement => ({ Type: 'ClassicWhiteList', IPList: ips });
export const vpc = (vpcId: string, ...ips: string[]): PolicyStatement => ({
  Type: 'VPCWhiteList',
  Value: vpcId,
  IPList: ips,
});

/**
 * A policy at the documented limits: 8 statements (the limit) of 50 IPv6 /128 entries (the limit)
 * each, about 18.5 KB of JSON. The classic statement's first entry is `reachableFrom`, so that the
 * caller can still use a key under it.
 */
export function largestPolicy(reachableFrom: string) {
  const entries = Array.from({ length: 50 }, (_, i) => {
    const group = (0x1000 + i).toString(16);
    return `2001:db8:${group}:5678:9abc:def0:1234:${group}/128`;
  });
  return {
    Version: 1,
    Status: 'Active',
    Statements: [
      { Type: 'ClassicWhiteList', IPList: [reachableFrom, ...entries.slice(1)] },
      ...Array.from({ length: 7 }, (_, j) => ({
        Type: 'VPCWhiteList',
        Value: `vpc-bp1234567890abcde${j}`,
        IPList: entries,
      })),
    ],
  };
}

/**
 * A new AccessKey of the identity `root` signs as, usable only from `ips` (an Active key-level
 * policy): the same identity as `root`, so calls made with either differ only in the decision.
 */
export async function createRestrictedKey(root: OpenApiClient, ...ips: string[]): Promise<Credentials> {
  const created = await callApi(root, 'CreateAccessKey', VERSIONS.ims);
  const key = created.body.AccessKey as { AccessKeyId: string; AccessKeySecret: string };
  await callApi(root, 'SetAccessKeyPolicy', VERSIONS.ims, {
    UserAccessKeyId: key.AccessKeyId,
    AccessKeyPolicy: policy('Active', classic(...ips)),
  });
  return { accessKeyId: key.AccessKeyId, accessKeySecret: key.AccessKeySecret };
}

/** Calls `probe` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 5000,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) assert.fail(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** The Alibaba date format of responses: UTC to the second. */
export const ALIBABA_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
