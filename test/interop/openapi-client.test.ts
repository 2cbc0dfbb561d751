/**
 * The older core, `@alicloud/openapi-client` 0.4.x (what ims20190815 1.x and many other product
 * SDKs still run on): its Client and `callApi`, V3 and V2 signing, against `keyfence serve
 * --trusted-proxy 127.0.0.1/32`. Its errors are plain `Error`s with `code`, `statusCode` and
 * `data` = body plus `statusCode`.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import OpenApiClient, * as $OpenApi from '@alicloud/openapi-client';
import * as $Util from '@alicloud/tea-util';
import type { KeyFenceProcess } from '../support/keyfence-process.js';
import { startCaptureServer } from './support/capture-server.js';
import {
  type Credentials,
  classic,
  policy,
  principalName,
  type SdkError,
  sdkError,
  VERSIONS,
} from './support/sdk.js';
import { useKeyFence } from './support/use-keyfence.js';

type Client = InstanceType<typeof OpenApiClient.default>;

function client(endpoint: string, credentials: Credentials, signatureAlgorithm?: 'v2'): Client {
  return new OpenApiClient.default(
    new $OpenApi.Config({
      accessKeyId: credentials.accessKeyId,
      accessKeySecret: credentials.accessKeySecret,
      ...(credentials.securityToken === undefined ? {} : { securityToken: credentials.securityToken }),
      endpoint,
      protocol: 'http',
      readTimeout: 10_000,
      connectTimeout: 5_000,
      ...(signatureAlgorithm === undefined ? {} : { signatureAlgorithm }),
    }),
  );
}

async function call(
  c: Client,
  action: string,
  version: string,
  query: Record<string, string> = {},
  headers?: Record<string, string>,
): Promise<Record<string, unknown>> {
  const params = new $OpenApi.Params({
    action,
    version,
    protocol: 'HTTPS',
    pathname: '/',
    method: 'POST',
    authType: 'AK',
    style: 'RPC',
    reqBodyType: 'formData',
    bodyType: 'json',
  });
  const request = new $OpenApi.OpenApiRequest({ query, ...(headers === undefined ? {} : { headers }) });
  const res = (await c.callApi(params, request, new $Util.RuntimeOptions({}))) as {
    statusCode: number;
    body: Record<string, unknown>;
  };
  assert.equal(res.statusCode, 200);
  return res.body;
}

let server: KeyFenceProcess;
let erinKey: Credentials;

useKeyFence({ trustedProxies: ['127.0.0.1/32'] }, async (started) => {
  server = started;
  const root = client(server.endpoint, server.root);
  const erin = principalName('erin', server.root.accountId);
  await call(root, 'CreateUser', VERSIONS.ims, { UserPrincipalName: erin, DisplayName: 'Erin' });
  const created = await call(root, 'CreateAccessKey', VERSIONS.ims, { UserPrincipalName: erin });
  const key = created.AccessKey as { AccessKeyId: string; AccessKeySecret: string };
  erinKey = { accessKeyId: key.AccessKeyId, accessKeySecret: key.AccessKeySecret };
  await call(root, 'SetAccessKeyPolicy', VERSIONS.ims, {
    UserPrincipalName: erin,
    UserAccessKeyId: erinKey.accessKeyId,
    AccessKeyPolicy: policy('Active', classic('198.51.100.0/24')),
  });
});

for (const signing of ['v3', 'v2'] as const) {
  const algorithm = signing === 'v2' ? ('v2' as const) : undefined;

  describe(`@alicloud/openapi-client 0.4 callApi (${signing})`, () => {
    test('sends OpenApiRequest headers (checked on the wire)', async () => {
      const capture = await startCaptureServer();
      try {
        const c = client(
          capture.endpoint,
          { accessKeyId: 'LTAI5tCapture', accessKeySecret: 'secret' },
          algorithm,
        );
        await call(c, 'GetCallerIdentity', VERSIONS.sts, {}, { 'x-forwarded-for': '198.51.100.9' });
        assert.equal(capture.requests[0]?.headers['x-forwarded-for'], '198.51.100.9');
      } finally {
        await capture.close();
      }
    });

    test('root: GetCallerIdentity and GetAccessKeyPolicy', async () => {
      const root = client(server.endpoint, server.root, algorithm);
      const me = await call(root, 'GetCallerIdentity', VERSIONS.sts);
      assert.equal(me.AccountId, server.root.accountId);
      assert.equal(me.IdentityType, 'Account');
      assert.equal(me.Arn, `acs:ram::${server.root.accountId}:root`);
      const got = await call(root, 'GetAccessKeyPolicy', VERSIONS.ims, {
        UserPrincipalName: principalName('erin', server.root.accountId),
        UserAccessKeyId: erinKey.accessKeyId,
      });
      assert.deepEqual(JSON.parse(got.AccessKeyPolicy as string), {
        Version: 1,
        Status: 'Active',
        Statements: [{ Type: 'ClassicWhiteList', IPList: ['198.51.100.0/24'] }],
      });
    });

    test('through the trusted proxy: allowed address passes, others get AccessPolicyDenied (400)', async () => {
      const erin = client(server.endpoint, erinKey, algorithm);
      const me = await call(
        erin,
        'GetCallerIdentity',
        VERSIONS.sts,
        {},
        { 'x-forwarded-for': '198.51.100.9' },
      );
      assert.equal(me.IdentityType, 'RAMUser');

      const e = await sdkError(
        call(erin, 'GetCallerIdentity', VERSIONS.sts, {}, { 'x-forwarded-for': '192.0.2.1' }),
        'denied address',
      );
      assert.equal(e.name, 'Error', 'openapi-client throws a plain Error');
      assert.equal(e.code, 'InvalidAccessKeyId.AccessPolicyDenied');
      assert.equal(e.statusCode, 400);
      assert.equal(
        (e.data as { statusCode?: number } | undefined)?.statusCode,
        400,
        'data carries statusCode',
      );
      assert.match(
        e.message,
        /^InvalidAccessKeyId\.AccessPolicyDenied: code: 400, Specified access key denied due to access policy\. request id: [0-9A-F-]{36}$/,
      );
      assert.equal(e.data?.AccessDeniedDetail?.SourceIp, '192.0.2.1');
      assert.equal(e.data?.AccessDeniedDetail?.DeniedBy, 'AccessKey');

      // No forwarding header: the proxy itself (127.0.0.1) is the source, and it is not allowed.
      const direct = await sdkError(call(erin, 'GetCallerIdentity', VERSIONS.sts), 'from the proxy itself');
      assert.equal(direct.code, 'InvalidAccessKeyId.AccessPolicyDenied');
      assert.equal(direct.data?.AccessDeniedDetail?.SourceIp, '127.0.0.1');
    });

    test('NoPermission (403) for a permitted source without a RAM policy', async () => {
      const erin = client(server.endpoint, erinKey, algorithm);
      const e: SdkError = await sdkError(
        call(erin, 'ListUsers', VERSIONS.ims, {}, { 'x-forwarded-for': '198.51.100.9' }),
        'ListUsers as erin',
      );
      assert.equal(e.code, 'NoPermission');
      assert.equal(e.statusCode, 403);
      assert.match(e.message, /^NoPermission: code: 403, /);
    });
  });
}
