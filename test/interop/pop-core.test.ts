/**
 * The legacy `@alicloud/pop-core` RPCClient (HMAC-SHA1, SignatureVersion 1.0): POST with every
 * parameter (Signature included) in an x-www-form-urlencoded body, and GET with everything in
 * the query. pop-core ignores the HTTP status and throws iff the body has a `Code`. The server
 * trusts 127.0.0.1 as a proxy and exempts the `sts` service from network ACLs (`--exempt-service sts`).
 *
 * pop-core's per-request `headers` option REPLACES its default headers (x-acs-action,
 * x-acs-version, user-agent, x-sdk-client: a shallow Object.assign); that is harmless here, since
 * V2 requests carry Action and Version as signed parameters.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import RPCClient from '@alicloud/pop-core';
import type { KeyFenceProcess } from '../support/keyfence-process.js';
import { startCaptureServer } from './support/capture-server.js';
import {
  type Credentials,
  classic,
  eventually,
  largestPolicy,
  policy,
  principalName,
  sdkError,
  VERSIONS,
} from './support/sdk.js';
import { useKeyFence } from './support/use-keyfence.js';

type Method = 'POST' | 'GET';
type Body = Record<string, unknown>;

function pop(url: string, credentials: Credentials, apiVersion: string): RPCClient {
  return new RPCClient({
    endpoint: url,
    apiVersion,
    accessKeyId: credentials.accessKeyId,
    accessKeySecret: credentials.accessKeySecret,
    ...(credentials.securityToken === undefined ? {} : { securityToken: credentials.securityToken }),
  });
}

function request(
  client: RPCClient,
  action: string,
  params: Record<string, unknown>,
  method: Method,
  headers?: Record<string, string>,
): Promise<Body> {
  return client.request<Body>(action, params, {
    method,
    timeout: 10_000,
    ...(headers === undefined ? {} : { headers }),
  });
}

let server: KeyFenceProcess;
let frank: string;
let frankKey: Credentials;

useKeyFence({ trustedProxies: ['127.0.0.1/32'], exemptServices: ['sts'] }, (started) => {
  server = started;
  frank = principalName('frank', server.root.accountId);
});

describe('@alicloud/pop-core on the wire (without KeyFence)', () => {
  test('POST sends a form body with Signature; GET sends the query; both send per-request headers', async () => {
    const capture = await startCaptureServer();
    try {
      const c = pop(capture.url, { accessKeyId: 'LTAI5tCapture', accessKeySecret: 'secret' }, VERSIONS.ims);
      await request(c, 'GetUser', { UserPrincipalName: 'x@1.onaliyun.com' }, 'POST', {
        'x-forwarded-for': '198.51.100.9',
      });
      await request(c, 'GetUser', { UserPrincipalName: 'x@1.onaliyun.com' }, 'GET', {
        'x-forwarded-for': '198.51.100.9',
      });
      const [post, get] = capture.requests;
      assert.ok(post !== undefined && get !== undefined, 'two requests captured');
      assert.equal(post.url, '/');
      assert.equal(post.headers['content-type'], 'application/x-www-form-urlencoded');
      assert.match(post.body, /(^|&)Signature=/);
      assert.match(post.body, /(^|&)Action=GetUser(&|$)/);
      assert.equal(post.headers['x-forwarded-for'], '198.51.100.9');
      assert.equal(get.body, '');
      assert.match(get.url, /^\/\?.*Signature=/);
      assert.equal(get.headers['x-forwarded-for'], '198.51.100.9');
    } finally {
      await capture.close();
    }
  });
});

for (const method of ['POST', 'GET'] as const) {
  describe(`@alicloud/pop-core RPCClient ${method}`, () => {
    test('root manages a user and its key; success bodies carry no Code', async () => {
      const root = pop(server.url, server.root, VERSIONS.ims);
      if (method === 'POST') {
        const created = await request(
          root,
          'CreateUser',
          { UserPrincipalName: frank, DisplayName: 'Frank K' },
          method,
        );
        assert.equal((created.User as Body).UserPrincipalName, frank);
        const key = (await request(root, 'CreateAccessKey', { UserPrincipalName: frank }, method))
          .AccessKey as Body;
        frankKey = { accessKeyId: String(key.AccessKeyId), accessKeySecret: String(key.AccessKeySecret) };
        // pop-core upper-cases the first letter of each parameter name (formatParams).
        await request(
          root,
          'SetAccessKeyPolicy',
          {
            userPrincipalName: frank,
            userAccessKeyId: frankKey.accessKeyId,
            accessKeyPolicy: policy('Active', classic('198.51.100.0/24')),
          },
          method,
        );
      }
      const user = await request(root, 'GetUser', { UserPrincipalName: frank }, method);
      assert.equal((user.User as Body).DisplayName, 'Frank K');
      assert.ok(!Object.hasOwn(user, 'Code'), 'no Code in a success body');
      const keys = await request(root, 'ListAccessKeys', { UserPrincipalName: frank }, method);
      const listed = ((keys.AccessKeys as Body).AccessKey as Body[]).map((k) => k.AccessKeyId);
      assert.deepEqual(listed, [frankKey.accessKeyId]);
      const got = await request(
        root,
        'GetAccessKeyPolicy',
        { UserPrincipalName: frank, UserAccessKeyId: frankKey.accessKeyId },
        method,
      );
      assert.equal(JSON.parse(String(got.AccessKeyPolicy)).Status, 'Active');
    });

    test('a denied address gets InvalidAccessKeyId.AccessPolicyDenied with AccessDeniedDetail', async () => {
      const asFrank = pop(server.url, frankKey, VERSIONS.ims);
      const e = await sdkError(
        request(asFrank, 'GetUser', { UserPrincipalName: frank }, method, {
          'x-forwarded-for': '192.0.2.44',
        }),
        'denied',
      );
      assert.equal(e.name, 'InvalidAccessKeyId.AccessPolicyDeniedError');
      assert.equal(e.code, 'InvalidAccessKeyId.AccessPolicyDenied');
      assert.match(
        e.message,
        /^Specified access key denied due to access policy\., URL: http:\/\/127\.0\.0\.1:/,
      );
      assert.equal(e.data?.AccessDeniedDetail?.SourceIp, '192.0.2.44');
      assert.equal(e.data?.AccessDeniedDetail?.DeniedBy, 'AccessKey');
    });

    test('an allowed address reaches authorization: NoPermission', async () => {
      const asFrank = pop(server.url, frankKey, VERSIONS.ims);
      const e = await sdkError(
        request(asFrank, 'ListUsers', {}, method, { 'x-forwarded-for': '198.51.100.20' }),
        'ListUsers as frank',
      );
      assert.equal(e.name, 'NoPermissionError');
      assert.equal(e.code, 'NoPermission');
    });

    test('--exempt-service sts: STS calls pass from an address denied for IMS calls (above)', async () => {
      const sts = pop(server.url, frankKey, VERSIONS.sts);
      const me = await request(sts, 'GetCallerIdentity', {}, method, { 'x-forwarded-for': '192.0.2.44' });
      assert.equal(me.IdentityType, 'RAMUser');
      assert.equal(me.AccountId, server.root.accountId);
    });

    test('a wrong secret is SignatureDoesNotMatch', async () => {
      const wrong = pop(
        server.url,
        { accessKeyId: server.root.accessKeyId, accessKeySecret: 'wrong' },
        VERSIONS.ims,
      );
      const e = await sdkError(request(wrong, 'ListUsers', {}, method), 'wrong secret');
      assert.equal(e.code, 'SignatureDoesNotMatch');
    });

    test('parameter values with reserved and non-ASCII characters survive signing', async () => {
      const root = pop(server.url, server.root, VERSIONS.ims);
      const userPrincipalName = principalName(`odd-${method.toLowerCase()}`, server.root.accountId);
      const displayName = `Zoë O'Brien (ops)*! ~${method}`;
      const comments = 'a b+c&d=e/f?g#h%i;j,k:l@m[n]{o}|"p"\\q\u4e2d\u6587 \ud83d\ude00';
      await request(
        root,
        'CreateUser',
        { UserPrincipalName: userPrincipalName, DisplayName: displayName, Comments: comments },
        method,
      );
      const got = await request(root, 'GetUser', { UserPrincipalName: userPrincipalName }, method);
      assert.equal((got.User as Body).DisplayName, displayName);
      assert.equal((got.User as Body).Comments, comments);
    });

    if (method === 'POST') {
      test('a policy at the documented limits (8 × 50 IPv6 entries) fits in a form body', async () => {
        const largest = largestPolicy('198.51.100.0/24');
        const root = pop(server.url, server.root, VERSIONS.ims);
        const target = { UserPrincipalName: frank, UserAccessKeyId: frankKey.accessKeyId };
        await request(
          root,
          'SetAccessKeyPolicy',
          { ...target, AccessKeyPolicy: JSON.stringify(largest) },
          method,
        );
        const got = await request(root, 'GetAccessKeyPolicy', target, method);
        assert.deepEqual(JSON.parse(String(got.AccessKeyPolicy)), largest);
      });
    }

    test('LookupEvents with a flattened LookupAttribute array finds the denied call', async () => {
      const trail = pop(server.url, server.root, VERSIONS.actiontrail);
      const event = await eventually('the denied call in LookupEvents', async () => {
        const res = await request(
          trail,
          'LookupEvents',
          { LookupAttribute: [{ Key: 'AccessKeyId', Value: frankKey.accessKeyId }] },
          method,
        );
        return (res.Events as Body[] | undefined)?.find(
          (ev) =>
            ev.errorCode === 'InvalidAccessKeyId.AccessPolicyDenied' && ev.sourceIpAddress === '192.0.2.44',
        );
      });
      assert.equal((event.userIdentity as Body).accessKeyId, frankKey.accessKeyId);
      assert.equal(event.eventName, 'GetUser');
    });
  });
}
