/**
 * Envoy's ext_authz HTTP-service contract, against a real `keyfence serve` (Envoy is not packaged
 * for Debian). The check requests are the ones the configuration of docs/forward-auth.md makes
 * Envoy send, per Envoy's documentation: the original method; `path_prefix` followed by the
 * original path and query; `Host`, `Authorization`, `Content-Length: 0` and the headers
 * `allowed_headers` lets through; `x-forwarded-for` with the client's address appended by the
 * connection manager (`use_remote_address`). The original requests are what the official SDK
 * puts on the wire, captured. Envoy then lets a 200 through with the headers
 * `allowed_upstream_headers` matches, and hands any other status and body to the client.
 */
import assert from 'node:assert/strict';
import type { IncomingHttpHeaders } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { parse } from 'yaml';
import { documentedConfig } from '../integration/support/documented-config.js';
import { type CaptureServer, startCaptureServer } from '../interop/support/capture-server.js';
import { type Credentials, callApi, createRestrictedKey, openApiClient } from '../interop/support/sdk.js';
import { type KeyFenceProcess, startKeyFence } from '../support/keyfence-process.js';
import { type Reply, send } from '../support/server-harness.js';

interface Pattern {
  readonly exact?: string;
  readonly prefix?: string;
}

// biome-ignore lint/suspicious/noExplicitAny: the documented YAML is walked field by field
const envoy: any = parse(documentedConfig('envoy', { gateway: 8000, keyfence: 8080, service: 9000 }));
const extAuthz =
  envoy.static_resources.listeners[0].filter_chains[0].filters[0].typed_config.http_filters[0].typed_config;
const PATH_PREFIX: string = extAuthz.http_service.path_prefix;
const ALLOWED: readonly Pattern[] = extAuthz.allowed_headers.patterns;
const UPSTREAM: readonly Pattern[] =
  extAuthz.http_service.authorization_response.allowed_upstream_headers.patterns;
const CLIENT: readonly Pattern[] =
  extAuthz.http_service.authorization_response.allowed_client_headers.patterns;
// Envoy adds these to any allowed_headers list.
const ALWAYS = ['host', 'authorization'];

const matches = (patterns: readonly Pattern[], name: string) =>
  patterns.some((p) => p.exact === name || (p.prefix !== undefined && name.startsWith(p.prefix)));

/** The check request Envoy sends for `original`, coming from `clientIp`. */
function checkRequest(
  original: { method: string; url: string; headers: IncomingHttpHeaders },
  clientIp: string,
) {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(original.headers)) {
    if (value === undefined || name === 'content-length') continue;
    if (ALWAYS.includes(name) || matches(ALLOWED, name)) headers[name] = String(value);
  }
  const forwarded = original.headers['x-forwarded-for'];
  headers['x-forwarded-for'] = forwarded === undefined ? clientIp : `${forwarded},${clientIp}`;
  headers['content-length'] = '0';
  return { method: original.method, path: `${PATH_PREFIX}${original.url}`, headers };
}

describe('Envoy ext_authz (HTTP service) against keyfence serve', () => {
  let kf: KeyFenceProcess;
  let capture: CaptureServer;
  let restricted: Credentials;

  before(async () => {
    kf = await startKeyFence({ built: true, trustedProxies: ['127.0.0.1/32'] });
    capture = await startCaptureServer();
    restricted = await createRestrictedKey(openApiClient(kf, kf.root), '203.0.113.0/24');
  });

  after(async () => {
    await capture?.close();
    await kf?.stop();
  });

  /** What the SDK sends for one call, as Envoy would receive it. */
  async function sdkRequest(credentials: Credentials, options: { signatureAlgorithm?: 'v2' } = {}) {
    const before = capture.requests.length;
    await callApi(openApiClient(capture, credentials, options), 'DescribeInstances', '2014-05-26', {
      RegionId: 'cn-hangzhou',
    });
    return capture.requests[before]!;
  }

  const check = async (credentials: Credentials, clientIp: string, options = {}): Promise<Reply> => {
    const { method, path, headers } = checkRequest(await sdkRequest(credentials, options), clientIp);
    return send(kf.port, { method, path, headers });
  };

  test('allowed: 200, and identity headers the configuration copies to the upstream request', async () => {
    const reply = await check(restricted, '203.0.113.9');
    assert.equal(reply.status, 200, reply.text);
    const identity = Object.keys(reply.headers).filter((name) => matches(UPSTREAM, name));
    assert.deepEqual(identity.sort(), [
      'x-keyfence-access-key-id',
      'x-keyfence-account-id',
      'x-keyfence-credential-type',
      'x-keyfence-policy-version',
      'x-keyfence-principal',
      'x-keyfence-request-id',
    ]);
    assert.equal(reply.headers['x-keyfence-access-key-id'], restricted.accessKeyId);
    assert.equal(reply.headers['x-keyfence-principal'], 'root');
    // HMAC-SHA1 with its parameters in the query, too.
    assert.equal((await check(kf.root, '198.51.100.1', { signatureAlgorithm: 'v2' })).status, 200);
  });

  test('denied: the status and Alibaba JSON body Envoy hands to the client', async () => {
    const reply = await check(restricted, '198.51.100.9');
    assert.equal(reply.status, 400);
    assert.equal(reply.body.Code, 'InvalidAccessKeyId.AccessPolicyDenied');
    assert.equal(reply.body.AccessDeniedDetail.SourceIp, '198.51.100.9');
    assert.equal(reply.body.AccessDeniedDetail.DeniedBy, 'AccessKey');
    for (const name of ['content-type', 'x-acs-request-id']) assert.ok(matches(CLIENT, name), name);
    assert.equal(reply.headers['x-acs-request-id'], reply.body.RequestId);
    assert.equal(reply.headers['x-keyfence-principal'], undefined);
  });

  test('the client’s own x-forwarded-for is to the left of Envoy’s: no help', async () => {
    const original = await sdkRequest(restricted);
    const spoofed = checkRequest(
      { ...original, headers: { ...original.headers, 'x-forwarded-for': '203.0.113.9' } },
      '198.51.100.9',
    );
    const reply = await send(kf.port, spoofed);
    assert.equal(reply.status, 400);
    assert.equal(reply.body.AccessDeniedDetail.SourceIp, '198.51.100.9');
  });
});
