/**
 * `/forward-auth` on a real server over a real store: the three gateway conventions (nginx
 * auth_request, Caddy forward_auth, Envoy ext_authz path_prefix) as each gateway sends them,
 * identity headers, Alibaba's denial, the nginx deny-status form, authentication failures,
 * exempt services with path prefixes, and the checks that keep a client from steering the check.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sha256Hex } from '../../../src/common/sha256-hex.js';
import type { AccessKeyId } from '../../../src/store/index.js';
import {
  classicPolicy,
  createUserKey,
  expectError,
  issueStsCredentials,
  loopbackProxies,
  type Reply,
  send,
  setPolicy,
  startTestServer,
} from '../../support/server-harness.js';
import { ECS_VERSION, signOriginal, viaCaddy, viaEnvoy, viaNginx } from './support.js';

const ALLOWED_CLIENT = '203.0.113.7';
const DENIED_CLIENT = '198.51.100.9';

const gateway = {
  routes: [
    {
      host: 'api.example.com',
      version: undefined,
      service: 'orders',
      upstream: new URL('http://127.0.0.1:1'),
    },
    { host: undefined, version: '2099-01-01', service: 'billing', upstream: new URL('http://127.0.0.1:1') },
  ],
  upstreamTimeoutMs: 30_000,
};

function expectAllowed(reply: Reply): void {
  assert.equal(reply.status, 200, reply.text);
  assert.equal(reply.text, '');
  assert.equal(reply.headers['content-length'], '0');
}

describe('forward-auth', async () => {
  const t = await startTestServer({
    trustedProxies: loopbackProxies,
    gateway,
    exemptServices: [
      { service: 'orders', pathPrefixes: ['/public'] },
      { service: 'status', pathPrefixes: [] },
    ],
  });
  const policyVersion = await setPolicy(t, { kind: 'account' }, classicPolicy('203.0.113.0/24'));
  const root = t.root;

  test('nginx: allowed, with the identity headers the upstream is given', async () => {
    const reply = await viaNginx(t.port, signOriginal({ credentials: root, path: '/instances' }));
    expectAllowed(reply);
    assert.equal(reply.headers['x-keyfence-account-id'], t.accountId);
    assert.equal(reply.headers['x-keyfence-principal'], 'root');
    assert.equal(reply.headers['x-keyfence-access-key-id'], root.accessKeyId);
    assert.equal(reply.headers['x-keyfence-credential-type'], 'permanent');
    assert.equal(reply.headers['x-keyfence-policy-version'], String(policyVersion));
    const requestId = reply.headers['x-keyfence-request-id'] as string;
    const record = t.audit.find(requestId);
    assert.equal(record.entryPoint, 'forward-auth');
    assert.equal(record.service, 'ecs');
    assert.deepEqual(record.original, { method: 'GET', host: 'ecs.example.com', path: '/instances' });
    assert.equal(record.action, 'DescribeInstances');
    assert.equal(record.version, ECS_VERSION);
    assert.equal(record.authentication, 'signature');
    assert.deepEqual(record.source, { ip: ALLOWED_CLIENT, vpcId: null, fault: null });
    assert.equal(record.decision?.reason, 'public-ip-allowed');
    assert.equal(record.httpStatus, 200);
  });

  test('nginx: denied by the network ACL, with Alibaba’s denial naming the client', async () => {
    const reply = await viaNginx(t.port, signOriginal({ credentials: root }), { clientIp: DENIED_CLIENT });
    const body = expectError(reply, 400, 'InvalidAccessKeyId.AccessPolicyDenied');
    assert.equal(body.Message, 'Specified access key denied due to access policy.');
    assert.deepEqual(body.AccessDeniedDetail, {
      SourceIp: DENIED_CLIENT,
      VpcId: null,
      DeniedBy: 'Account',
      PolicyVersion: policyVersion,
      Reason: 'public-ip-not-allowed',
    });
    assert.equal(reply.headers['x-keyfence-account-id'], undefined);
    const record = t.audit.find(body.RequestId);
    assert.equal(record.errorCode, 'InvalidAccessKeyId.AccessPolicyDenied');
    assert.equal(record.entryPoint, 'forward-auth');
  });

  test('nginx deny status: a refusal is 403, its status and JSON in headers for the error page', async () => {
    const reply = await viaNginx(t.port, signOriginal({ credentials: root }), {
      clientIp: DENIED_CLIENT,
      headers: { 'x-keyfence-deny-status': '403' },
    });
    assert.equal(reply.status, 403);
    assert.equal(reply.headers['x-keyfence-error-status'], '400');
    const fromHeader = JSON.parse(reply.headers['x-keyfence-error'] as string);
    assert.deepEqual(fromHeader, reply.body);
    assert.equal(fromHeader.Code, 'InvalidAccessKeyId.AccessPolicyDenied');
    // Allowed requests are answered as usual.
    expectAllowed(
      await viaNginx(t.port, signOriginal({ credentials: root }), {
        headers: { 'x-keyfence-deny-status': '403' },
      }),
    );
    const bad = await viaNginx(t.port, signOriginal({ credentials: root }), {
      headers: { 'x-keyfence-deny-status': '500' },
    });
    expectError(bad, 400, 'ForwardAuth.InvalidDenyStatus');
  });

  test('nginx deny status: a long SignatureDoesNotMatch message still fits the header', async () => {
    const original = signOriginal({
      credentials: root,
      signature: 'v2',
      query: { Filler: 'x'.repeat(6000) },
    });
    const tampered = { ...original, target: original.target.replace('Filler=x', 'Filler=y') };
    const reply = await viaNginx(t.port, tampered, { headers: { 'x-keyfence-deny-status': '401' } });
    assert.equal(reply.status, 401);
    assert.equal(reply.headers['x-keyfence-error-status'], '400');
    const header = reply.headers['x-keyfence-error'] as string;
    assert.ok(header.length <= 3072, `${header.length} characters`);
    assert.equal(JSON.parse(header).Code, 'SignatureDoesNotMatch');
    assert.equal(reply.body.Code, 'SignatureDoesNotMatch');
  });

  test('Caddy: the original request in X-Forwarded-Method/-Uri/-Host', async () => {
    const original = signOriginal({
      credentials: root,
      method: 'POST',
      path: '/v1/orders',
      host: 'api.example.com:8443',
    });
    const reply = await viaCaddy(t.port, original);
    expectAllowed(reply);
    const record = t.audit.find(reply.headers['x-keyfence-request-id'] as string);
    assert.deepEqual(record.original, { method: 'POST', host: 'api.example.com', path: '/v1/orders' });
    assert.equal(record.service, 'orders');
    // A client's own X-Forwarded-For is to the left of what Caddy appended: not believed.
    const spoofed = signOriginal({ credentials: root, headers: { 'x-forwarded-for': ALLOWED_CLIENT } });
    const denied = await viaCaddy(t.port, spoofed, { clientIp: DENIED_CLIENT });
    expectError(denied, 400, 'InvalidAccessKeyId.AccessPolicyDenied');
  });

  test('Envoy: /forward-auth followed by the original path, method and headers as sent', async () => {
    const original = signOriginal({
      credentials: root,
      method: 'PUT',
      path: '/v2/things/7',
      query: { a: 'b c' },
    });
    const reply = await viaEnvoy(t.port, original);
    expectAllowed(reply);
    const record = t.audit.find(reply.headers['x-keyfence-request-id'] as string);
    assert.deepEqual(record.original, { method: 'PUT', host: 'ecs.example.com', path: '/v2/things/7' });
    expectError(
      await viaEnvoy(t.port, signOriginal({ credentials: root }), { clientIp: DENIED_CLIENT }),
      400,
      'InvalidAccessKeyId.AccessPolicyDenied',
    );
  });

  test('Envoy form: X-Original-URI and X-Forwarded-Uri mean nothing there', async () => {
    const original = signOriginal({ credentials: root, path: '/private' });
    // A client asks for an exempt path in a header; the path Envoy checks is the one it sent.
    const reply = await viaEnvoy(t.port, original, {
      clientIp: DENIED_CLIENT,
      headers: { 'x-original-uri': '/public/x', 'x-forwarded-uri': '/public/x', 'x-original-method': 'GET' },
    });
    expectError(reply, 400, 'InvalidAccessKeyId.AccessPolicyDenied');
  });

  test('a signed body is checked by its signed hash; the body itself stays with the gateway', async () => {
    const body = Buffer.from(JSON.stringify({ name: 'order-1' }));
    const original = signOriginal({
      credentials: root,
      method: 'POST',
      body,
      contentType: 'application/json',
    });
    assert.equal(original.headers['x-acs-content-sha256'], sha256Hex(body));
    expectAllowed(await viaNginx(t.port, original));
  });

  test('HMAC-SHA1 with its parameters in the query', async () => {
    const reply = await viaNginx(t.port, signOriginal({ credentials: root, signature: 'v2' }));
    expectAllowed(reply);
    const record = t.audit.find(reply.headers['x-keyfence-request-id'] as string);
    assert.equal(record.action, 'DescribeInstances');
    assert.equal(record.service, 'ecs');
  });

  test('authentication failures answer Alibaba’s auth errors', async () => {
    const original = signOriginal({ credentials: root });
    const forged = { ...original, target: '/other' };
    expectError(await viaNginx(t.port, forged), 400, 'SignatureDoesNotMatch');
    expectError(
      await viaNginx(
        t.port,
        signOriginal({ credentials: { ...root, accessKeyId: 'LTAI5tNoSuchKey000000000' } }),
      ),
      404,
      'InvalidAccessKeyId.NotFound',
    );
    // The nonce is spent by the first check.
    expectAllowed(await viaNginx(t.port, original));
    expectError(await viaNginx(t.port, original), 400, 'SignatureNonceUsed');
    // The Host is signed: a gateway that does not pass it on gets no allow.
    expectError(
      await viaNginx(t.port, {
        ...signOriginal({ credentials: root }),
        headers: { ...original.headers, host: 'keyfence' },
      }),
      400,
      'SignatureDoesNotMatch',
    );
  });

  test('a RAM user and an STS session are named as such', async () => {
    const alice = await createUserKey(t, 'alice');
    const user = await viaNginx(t.port, signOriginal({ credentials: alice }));
    expectAllowed(user);
    assert.equal(user.headers['x-keyfence-principal'], 'user/alice');
    const sts = await issueStsCredentials(t);
    const session = await viaNginx(t.port, signOriginal({ credentials: sts }), { clientIp: DENIED_CLIENT });
    // Network ACLs never apply to temporary credentials.
    expectAllowed(session);
    assert.equal(session.headers['x-keyfence-principal'], 'assumed-role/tester/session-1');
    assert.equal(session.headers['x-keyfence-credential-type'], 'temporary');
    assert.equal(session.headers['x-keyfence-access-key-id'], sts.accessKeyId);
  });

  test('services: by route host, by route version, by a known product, by the first host label', async () => {
    const serviceOf = async (spec: Parameters<typeof signOriginal>[0]) => {
      const reply = await viaNginx(t.port, signOriginal(spec));
      expectAllowed(reply);
      return t.audit.find(reply.headers['x-keyfence-request-id'] as string).service;
    };
    assert.equal(await serviceOf({ credentials: root, host: 'API.Example.com' }), 'orders');
    assert.equal(await serviceOf({ credentials: root, version: '2099-01-01' }), 'billing');
    assert.equal(await serviceOf({ credentials: root, host: '127.0.0.1:9', version: '2015-04-01' }), 'sts');
    assert.equal(await serviceOf({ credentials: root, host: 'vpc.cn-hangzhou.example.com' }), 'vpc');
    assert.equal(await serviceOf({ credentials: root, host: '127.0.0.1:9' }), null);
  });

  test('exempt services: whole, or under a path prefix only; still authenticated and audited', async () => {
    const denied = { clientIp: DENIED_CLIENT };
    const check = (host: string, path: string) =>
      viaNginx(t.port, signOriginal({ credentials: root, host, path }), denied);
    const exempt = await check('status.example.com', '/anything');
    expectAllowed(exempt);
    const record = t.audit.find(exempt.headers['x-keyfence-request-id'] as string);
    assert.equal(record.decision?.reason, 'exempt-service');
    assert.equal(record.authentication, 'signature');
    expectAllowed(await check('api.example.com', '/public'));
    expectAllowed(await check('api.example.com', '/public/catalogue'));
    for (const path of [
      '/publicity',
      '/private',
      '/public/../private',
      '/public/%2e%2e/private',
      '/public//x',
    ]) {
      expectError(await check('api.example.com', path), 400, 'InvalidAccessKeyId.AccessPolicyDenied');
    }
    // Exempt or not, the signature is checked.
    const forged = { ...signOriginal({ credentials: root, host: 'status.example.com' }), target: '/x' };
    expectError(await viaNginx(t.port, forged, denied), 400, 'SignatureDoesNotMatch');
  });

  test('the original request must be named once, by one convention', async () => {
    const original = signOriginal({ credentials: root });
    expectError(
      await send(t.port, { path: '/forward-auth', headers: original.headers }),
      400,
      'ForwardAuth.MissingOriginalRequest',
    );
    expectError(
      await viaNginx(t.port, original, {
        headers: { 'x-forwarded-uri': '/public/x', 'x-forwarded-method': 'GET' },
      }),
      400,
      'ForwardAuth.AmbiguousOriginalRequest',
    );
    expectError(
      await viaNginx(t.port, original, { headers: { 'x-original-uri': ['/a', '/b'] } }),
      400,
      'ForwardAuth.InvalidOriginalRequest',
    );
    // node:http keeps only the first Authorization in req.headers: a second one must still be seen.
    const authorization = String(original.headers.authorization);
    const twice = await viaNginx(t.port, original, {
      headers: { authorization: [authorization, authorization] },
    });
    assert.equal(twice.status, 400, twice.text);
    assert.match(twice.text, /IncompleteSignature/);
    // node keeps 1000 headers by default: a repeat after as many others must still be seen.
    const filler = Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`x-filler-${i}`, '1']));
    const { authorization: _, ...unsigned } = original.headers;
    const buried = await send(t.port, {
      path: '/forward-auth',
      headers: {
        ...unsigned,
        'x-original-method': original.method,
        'x-original-uri': original.target,
        'x-forwarded-for': ALLOWED_CLIENT,
        ...filler,
        authorization: [authorization, authorization],
      },
    });
    assert.equal(buried.status, 400, buried.text);
    assert.match(buried.text, /IncompleteSignature/);
    const absolute = await viaNginx(t.port, { ...original, target: 'http://ecs.example.com/' });
    const body = expectError(absolute, 400, 'ForwardAuth.InvalidOriginalRequest');
    assert.match(body.Message, /X-Original-URI/);
    const noMethod = await send(t.port, {
      path: '/forward-auth',
      headers: { ...original.headers, 'x-original-uri': '/' },
    });
    expectError(noMethod, 400, 'ForwardAuth.InvalidOriginalRequest');
  });
});

describe('forward-auth from a caller that is not a trusted proxy', async () => {
  const t = await startTestServer();

  test('is refused, whatever it says about the original request', async () => {
    const reply = await viaNginx(t.port, signOriginal({ credentials: t.root }));
    const body = expectError(reply, 403, 'ForwardAuth.UntrustedCaller');
    assert.match(body.Message, /--trusted-proxy/);
    const record = t.audit.find(body.RequestId);
    assert.equal(record.entryPoint, 'forward-auth');
    assert.equal(record.original, null);
    assert.equal(record.caller, null);
  });
});

describe('forward-auth trusting an upstream verifier (verifySignature: false)', async () => {
  // The server's clock, which the tests move: expiry is judged by it, not by the wall clock.
  let clock: Date | undefined;
  const t = await startTestServer({
    trustedProxies: loopbackProxies,
    forwardAuth: { verifySignature: false },
    now: () => clock ?? new Date(),
  });
  await setPolicy(t, { kind: 'account' }, classicPolicy('203.0.113.0/24'));

  test('identifies an STS credential until it expires, by the server clock', async () => {
    const sts = await issueStsCredentials(t, 'identified');
    const asking = {
      method: 'GET',
      host: 'ecs.example.com',
      target: `/?Action=DescribeRegions&AccessKeyId=${sts.accessKeyId}`,
      headers: { host: 'ecs.example.com' },
      body: Buffer.alloc(0),
    };
    const reply = await viaNginx(t.port, asking);
    expectAllowed(reply);
    assert.equal(reply.headers['x-keyfence-credential-type'], 'temporary');
    clock = new Date(Date.now() + 48 * 3600_000);
    try {
      expectError(await viaNginx(t.port, asking), 400, 'InvalidSecurityToken.Expired');
    } finally {
      clock = undefined;
    }
  });

  test('identifies the key by the Authorization Credential without checking the signature', async () => {
    const original = signOriginal({ credentials: { ...t.root, accessKeySecret: 'not-the-secret' } });
    const reply = await viaNginx(t.port, original);
    expectAllowed(reply);
    assert.equal(reply.headers['x-keyfence-access-key-id'], t.root.accessKeyId);
    const record = t.audit.find(reply.headers['x-keyfence-request-id'] as string);
    assert.equal(record.authentication, 'access-key-id');
    assert.equal(record.action, 'DescribeInstances');
    // The network ACL still applies.
    expectError(
      await viaNginx(t.port, original, { clientIp: DENIED_CLIENT }),
      400,
      'InvalidAccessKeyId.AccessPolicyDenied',
    );
  });

  test('identifies the key by the AccessKeyId parameter', async () => {
    const reply = await viaNginx(t.port, {
      method: 'GET',
      host: 'ecs.example.com',
      target: `/?Action=DescribeRegions&AccessKeyId=${t.root.accessKeyId}`,
      headers: { host: 'ecs.example.com' },
      body: Buffer.alloc(0),
    });
    expectAllowed(reply);
  });

  test('still refuses what only KeyFence knows: an unknown or disabled key, no key at all', async () => {
    const bare = (target: string) => ({
      method: 'GET',
      host: 'ecs.example.com',
      target,
      headers: { host: 'ecs.example.com' },
      body: Buffer.alloc(0),
    });
    expectError(
      await viaNginx(t.port, bare('/?AccessKeyId=LTAI5tNoSuchKey000000000')),
      404,
      'InvalidAccessKeyId.NotFound',
    );
    expectError(await viaNginx(t.port, bare('/')), 400, 'MissingAccessKeyId');
    const alice = await createUserKey(t, 'alice');
    await t.store.write((tx) =>
      tx.updateAccessKey(t.accountId, alice.accessKeyId as AccessKeyId, { status: 'Inactive' }),
    );
    expectError(
      await viaNginx(t.port, signOriginal({ credentials: alice })),
      400,
      'InvalidAccessKeyId.Inactive',
    );
  });
});
