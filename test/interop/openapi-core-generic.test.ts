/**
 * `@alicloud/openapi-core`'s generic `callApi` (what every generated method calls) for the policy
 * actions no SDK has typed methods for, signed with the default ACS3-HMAC-SHA256 and
 * with `signatureAlgorithm: 'v2'` (HMAC-SHA1). The server runs WITHOUT a trusted proxy, so a
 * client's own X-Forwarded-For / X-Forwarded-Vpc-Id must gain it nothing.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { KeyFenceProcess } from '../support/keyfence-process.js';
import { startCaptureServer } from './support/capture-server.js';
import {
  type CallResult,
  type ClientOptions,
  type Credentials,
  callApi,
  classic,
  largestPolicy,
  type OpenApiClient,
  openApiClient,
  policy,
  principalName,
  sdkError,
  VERSIONS,
  vpc,
} from './support/sdk.js';
import { useKeyFence } from './support/use-keyfence.js';

let server: KeyFenceProcess;
let dave: string;
const daveKeys: Record<'v3' | 'v2', Credentials> = {
  v3: { accessKeyId: '', accessKeySecret: '' },
  v2: { accessKeyId: '', accessKeySecret: '' },
};

const SIGNINGS: readonly { readonly name: 'v3' | 'v2'; readonly options: ClientOptions }[] = [
  { name: 'v3', options: {} },
  { name: 'v2', options: { signatureAlgorithm: 'v2' } },
];

const ims = (client: OpenApiClient, action: string, query: Record<string, unknown> = {}) =>
  callApi(client, action, VERSIONS.ims, query);

function policyOf(res: CallResult): unknown {
  const text = res.body.AccessKeyPolicy;
  assert.equal(typeof text, 'string', `AccessKeyPolicy is a JSON string: ${JSON.stringify(res.body)}`);
  return JSON.parse(text as string);
}

useKeyFence({}, async (started) => {
  server = started;
  dave = principalName('dave', server.root.accountId);
  const root = openApiClient(server, server.root);
  await ims(root, 'CreateUser', { UserPrincipalName: dave, DisplayName: 'Dave' });
  for (const name of ['v3', 'v2'] as const) {
    const res = await ims(root, 'CreateAccessKey', { UserPrincipalName: dave });
    const key = res.body.AccessKey as { AccessKeyId: string; AccessKeySecret: string };
    daveKeys[name] = { accessKeyId: key.AccessKeyId, accessKeySecret: key.AccessKeySecret };
  }
});

describe('openapi-core sends per-request headers (checked on the wire, without KeyFence)', () => {
  for (const { name, options } of SIGNINGS) {
    test(`${name}: OpenApiRequest({ headers }) reaches the server`, async () => {
      const capture = await startCaptureServer();
      try {
        const client = openApiClient(
          capture,
          { accessKeyId: 'LTAI5tCapture', accessKeySecret: 'secret' },
          options,
        );
        await callApi(
          client,
          'GetCallerIdentity',
          VERSIONS.sts,
          {},
          {
            headers: { 'x-forwarded-for': '198.51.100.7', 'x-forwarded-vpc-id': 'vpc-capture' },
          },
        );
        const [seen] = capture.requests;
        assert.ok(seen !== undefined, 'one request captured');
        assert.equal(seen.headers['x-forwarded-for'], '198.51.100.7');
        assert.equal(seen.headers['x-forwarded-vpc-id'], 'vpc-capture');
        if (name === 'v2') assert.match(seen.url, /[?&]SignatureMethod=HMAC-SHA1(&|$)/);
        else assert.match(String(seen.headers.authorization), /^ACS3-HMAC-SHA256 /);
      } finally {
        await capture.close();
      }
    });
  }
});

describe('openapi-core callApi: account-level policy', () => {
  test('GetAccessKeyPolicyForAccount before any Set is "{}"', async () => {
    for (const { name, options } of SIGNINGS) {
      const root = openApiClient(server, server.root, options);
      const res = await ims(root, 'GetAccessKeyPolicyForAccount');
      assert.equal(res.statusCode, 200);
      assert.equal(res.body.AccessKeyPolicy, '{}', `${name}: never set`);
      assert.equal(typeof res.body.RequestId, 'string');
      assert.ok(!Object.hasOwn(res.body, 'Code'), `${name}: a success body carries no Code`);
    }
  });

  for (const { name, options } of SIGNINGS) {
    test(`${name}: an account policy denying the caller is refused (LockoutPrevented), the stored one unchanged`, async () => {
      const root = openApiClient(server, server.root, options);
      const before = (await ims(root, 'GetAccessKeyPolicyForAccount')).body.AccessKeyPolicy;
      const e = await sdkError(
        ims(root, 'SetAccessKeyPolicyForAccount', {
          AccessKeyPolicy: policy('Active', classic('203.0.113.0/24')),
        }),
        'account policy without 127.0.0.1',
      );
      assert.equal(e.code, 'LockoutPrevented');
      assert.equal(e.statusCode, 400);
      const afterwards = (await ims(root, 'GetAccessKeyPolicyForAccount')).body.AccessKeyPolicy;
      assert.equal(afterwards, before);
    });

    test(`${name}: SetAccessKeyPolicyForAccount / GetAccessKeyPolicyForAccount round trip`, async () => {
      const root = openApiClient(server, server.root, options);
      const doc = {
        Version: 1,
        Status: 'Active',
        Statements: [
          classic('127.0.0.1', `203.0.113.${name === 'v3' ? 3 : 2}`),
          vpc('vpc-acct', '10.0.0.0/8'),
        ],
      };
      const set = await ims(root, 'SetAccessKeyPolicyForAccount', { AccessKeyPolicy: JSON.stringify(doc) });
      assert.equal(set.statusCode, 200);
      const got = await ims(root, 'GetAccessKeyPolicyForAccount');
      assert.deepEqual(policyOf(got), doc);
    });
  }

  for (const { name, options } of SIGNINGS) {
    test(`${name}: ExpectedPolicyVersion from Get is honoured; a stale one fails with 409 PolicyVersionConflict`, async () => {
      const root = openApiClient(server, server.root, options);
      const read = await ims(root, 'GetAccessKeyPolicyForAccount');
      const version = read.body.PolicyVersion;
      assert.equal(typeof version, 'number', `${name}: Get answers PolicyVersion`);
      const doc = policy('Active', classic('127.0.0.1', `198.51.100.${name === 'v3' ? 30 : 20}`));
      const set = await ims(root, 'SetAccessKeyPolicyForAccount', {
        AccessKeyPolicy: doc,
        ExpectedPolicyVersion: String(version),
      });
      assert.equal(set.statusCode, 200);
      const e = await sdkError(
        ims(root, 'SetAccessKeyPolicyForAccount', {
          AccessKeyPolicy: policy('Active', classic('127.0.0.1')),
          ExpectedPolicyVersion: String(version),
        }),
        'a write from a stale read',
      );
      assert.equal(e.code, 'PolicyVersionConflict');
      assert.equal(e.statusCode, 409);
      assert.match(e.message, new RegExp(`current PolicyVersion is ${set.body.PolicyVersion}\\b`));
      assert.equal(
        (await ims(root, 'GetAccessKeyPolicyForAccount')).body.AccessKeyPolicy,
        set.body.AccessKeyPolicy,
      );
    });
  }

  test('an Inactive account policy with [] is how it is cleared', async () => {
    const root = openApiClient(server, server.root);
    const cleared = policy('Inactive');
    await ims(root, 'SetAccessKeyPolicyForAccount', { AccessKeyPolicy: cleared });
    const got = await ims(root, 'GetAccessKeyPolicyForAccount');
    assert.deepEqual(policyOf(got), { Version: 1, Status: 'Inactive', Statements: [] });
  });
});

describe('openapi-core callApi: AccessKey-level policy', () => {
  for (const { name, options } of SIGNINGS) {
    test(`${name}: GetAccessKeyPolicy of a key never set is "{}"`, async () => {
      const root = openApiClient(server, server.root, options);
      const res = await ims(root, 'GetAccessKeyPolicy', {
        UserAccessKeyId: daveKeys[name].accessKeyId,
        UserPrincipalName: dave,
      });
      assert.equal(res.body.AccessKeyPolicy, '{}');
      assert.equal(res.body.AccessKeyId, daveKeys[name].accessKeyId);
    });

    test(`${name}: SetAccessKeyPolicy stores it; Get echoes Version 1 even when Set omitted it`, async () => {
      const root = openApiClient(server, server.root, options);
      const withoutVersion = {
        Status: 'Active',
        Statements: [classic('198.51.100.7', '2001:db8::/32'), vpc('vpc-dave', '172.16.0.0/16')],
      };
      const set = await ims(root, 'SetAccessKeyPolicy', {
        UserAccessKeyId: daveKeys[name].accessKeyId,
        UserPrincipalName: dave,
        AccessKeyPolicy: JSON.stringify(withoutVersion),
      });
      assert.equal(set.statusCode, 200);
      assert.equal(set.body.AccessKeyId, daveKeys[name].accessKeyId);
      assert.deepEqual(policyOf(set), { Version: 1, ...withoutVersion });
      const got = await ims(root, 'GetAccessKeyPolicy', {
        UserAccessKeyId: daveKeys[name].accessKeyId,
        UserPrincipalName: dave,
      });
      assert.deepEqual(policyOf(got), { Version: 1, ...withoutVersion });
    });

    test(`${name}: invalid documents are refused (400) and the stored policy is unchanged`, async () => {
      const root = openApiClient(server, server.root, options);
      const target = { UserAccessKeyId: daveKeys[name].accessKeyId, UserPrincipalName: dave };
      const before = (await ims(root, 'GetAccessKeyPolicy', target)).body.AccessKeyPolicy;
      for (const bad of [
        '{}',
        'not json',
        policy('Active', classic('10.0.0.0/33')),
        policy('Active', classic('010.0.0.1')),
        JSON.stringify({ Version: 1, Status: 'Active', Statements: null }),
        JSON.stringify({ Version: 2, Status: 'Active', Statements: [] }),
        policy('Active', classic('192.0.2.1'), classic('192.0.2.2')),
      ]) {
        const e = await sdkError(
          ims(root, 'SetAccessKeyPolicy', { ...target, AccessKeyPolicy: bad }),
          `Set ${bad}`,
        );
        assert.equal(e.statusCode, 400, `${bad}: ${e.message}`);
        assert.equal(e.name, 'ClientError');
      }
      const twoProblems = await sdkError(
        ims(root, 'SetAccessKeyPolicy', {
          ...target,
          AccessKeyPolicy: policy('Active', classic('10.0.0.0/33'), classic('192.0.2.2')),
        }),
        'a document with two problems',
      );
      assert.match(twoProblems.message, /10\.0\.0\.0\/33/, 'the bad entry is named');
      assert.match(twoProblems.message, /ClassicWhiteList/, 'the second ClassicWhiteList is named too');
      const missing = await sdkError(ims(root, 'SetAccessKeyPolicy', target), 'Set without AccessKeyPolicy');
      assert.equal(missing.statusCode, 400);
      assert.match(missing.code, /AccessKeyPolicy/, `the error names the missing parameter: ${missing.code}`);
      const afterwards = (await ims(root, 'GetAccessKeyPolicy', target)).body.AccessKeyPolicy;
      assert.equal(afterwards, before);
    });

    test(`${name}: the key's own calls are denied from 127.0.0.1 with Alibaba's denial`, async () => {
      const asDave = openApiClient(server, daveKeys[name], options);
      const e = await sdkError(callApi(asDave, 'GetCallerIdentity', VERSIONS.sts), 'denied call');
      assert.equal(e.name, 'ClientError');
      assert.equal(e.code, 'InvalidAccessKeyId.AccessPolicyDenied');
      assert.equal(e.statusCode, 400);
      assert.equal(
        e.message,
        `InvalidAccessKeyId.AccessPolicyDenied: code: 400, Specified access key denied due to access policy. request id: ${e.data?.RequestId}`,
      );
      assert.equal(e.requestId, e.data?.RequestId);
      assert.ok(
        typeof e.data?.HostId === 'string' && typeof e.data?.Recommend === 'string',
        'HostId, Recommend',
      );
      const detail = e.data?.AccessDeniedDetail;
      assert.ok(detail !== undefined, `AccessDeniedDetail in the body: ${JSON.stringify(e.data)}`);
      assert.deepEqual(e.accessDeniedDetail, detail, 'the SDK exposes AccessDeniedDetail');
      assert.equal(detail.SourceIp, '127.0.0.1');
      assert.equal(detail.VpcId, null);
      assert.equal(detail.DeniedBy, 'AccessKey');
      assert.equal(typeof detail.PolicyVersion, 'number');
    });

    test(`${name}: with no trusted proxy, a client's own X-Forwarded-For / Forwarded / VPC header gains nothing`, async () => {
      const asDave = openApiClient(server, daveKeys[name], options);
      const spoofed: Record<string, string>[] = [
        { 'x-forwarded-for': '198.51.100.7' },
        { forwarded: 'for=198.51.100.7' },
        { 'x-forwarded-for': '172.16.0.9', 'x-forwarded-vpc-id': 'vpc-dave' },
      ];
      for (const headers of spoofed) {
        const e = await sdkError(
          callApi(asDave, 'GetCallerIdentity', VERSIONS.sts, {}, { headers }),
          `spoofed ${JSON.stringify(headers)}`,
        );
        assert.equal(e.code, 'InvalidAccessKeyId.AccessPolicyDenied', JSON.stringify(headers));
        assert.equal(e.data?.AccessDeniedDetail?.SourceIp, '127.0.0.1', JSON.stringify(headers));
        assert.equal(e.data?.AccessDeniedDetail?.VpcId, null, JSON.stringify(headers));
      }
    });
  }

  test('an Inactive key policy has no effect, and clears the restriction', async () => {
    const root = openApiClient(server, server.root);
    await ims(root, 'SetAccessKeyPolicy', {
      UserAccessKeyId: daveKeys.v3.accessKeyId,
      UserPrincipalName: dave,
      AccessKeyPolicy: policy('Inactive', classic('198.51.100.7')),
    });
    const res = await callApi(openApiClient(server, daveKeys.v3), 'GetCallerIdentity', VERSIONS.sts);
    assert.equal(res.body.AccountId, server.root.accountId);
  });

  test("lockout guard on the caller's own key; IgnoreLockoutCheck=true overrides it", async () => {
    const root = openApiClient(server, server.root);
    const created = await ims(root, 'CreateAccessKey');
    const key = created.body.AccessKey as { AccessKeyId: string; AccessKeySecret: string };
    const second: Credentials = { accessKeyId: key.AccessKeyId, accessKeySecret: key.AccessKeySecret };
    const asSecond = openApiClient(server, second);
    const lockMeOut = {
      UserAccessKeyId: second.accessKeyId,
      AccessKeyPolicy: policy('Active', classic('198.51.100.7')),
    };

    const refused = await sdkError(ims(asSecond, 'SetAccessKeyPolicy', lockMeOut), 'self lockout');
    assert.equal(refused.code, 'LockoutPrevented');
    assert.equal(refused.statusCode, 400);
    assert.match(refused.message, /IgnoreLockoutCheck=true/);

    const forced = await ims(asSecond, 'SetAccessKeyPolicy', { ...lockMeOut, IgnoreLockoutCheck: 'true' });
    assert.equal(forced.statusCode, 200);
    const denied = await sdkError(ims(asSecond, 'GetAccessKeyPolicyForAccount'), 'locked-out key');
    assert.equal(denied.code, 'InvalidAccessKeyId.AccessPolicyDenied');

    // Another key of the same identity recovers it.
    await ims(root, 'SetAccessKeyPolicy', {
      UserAccessKeyId: second.accessKeyId,
      AccessKeyPolicy: policy('Inactive'),
    });
    const back = await ims(asSecond, 'GetAccessKeyPolicyForAccount');
    assert.equal(back.statusCode, 200);
    await ims(root, 'DeleteAccessKey', { UserAccessKeyId: second.accessKeyId });
  });
});

describe('openapi-core callApi: what the official client really sends', () => {
  // At the documented limits: 28 KB once openapi-core has put it in the query string, where it
  // puts every parameter.
  const largest = largestPolicy('127.0.0.1');

  for (const { name, options } of SIGNINGS) {
    test(`${name}: a policy at the documented limits (8 statements × 50 IPv6 entries) is accepted`, async () => {
      const root = openApiClient(server, server.root, options);
      const target = { UserAccessKeyId: daveKeys[name].accessKeyId, UserPrincipalName: dave };
      const set = await ims(root, 'SetAccessKeyPolicy', {
        ...target,
        AccessKeyPolicy: JSON.stringify(largest),
      });
      assert.equal(set.statusCode, 200);
      const got = await ims(root, 'GetAccessKeyPolicy', target);
      assert.deepEqual(policyOf(got), largest);
    });
  }

  for (const { name, options } of SIGNINGS) {
    test(`${name}: parameter values with reserved and non-ASCII characters survive signing`, async () => {
      const root = openApiClient(server, server.root, options);
      const userPrincipalName = principalName(`odd-${name}`, server.root.accountId);
      // querystring.stringify leaves !'()* as they are on the wire; the signature encodes them.
      const displayName = `Zoë O'Brien (ops)*! ~${name}`;
      const comments = 'a b+c&d=e/f?g#h%i;j,k:l@m[n]{o}|"p"\\q\u4e2d\u6587 \ud83d\ude00';
      await ims(root, 'CreateUser', {
        UserPrincipalName: userPrincipalName,
        DisplayName: displayName,
        Comments: comments,
      });
      const got = await ims(root, 'GetUser', { UserPrincipalName: userPrincipalName });
      const user = got.body.User as { DisplayName?: string; Comments?: string };
      assert.equal(user.DisplayName, displayName);
      assert.equal(user.Comments, comments);
    });
  }
});
