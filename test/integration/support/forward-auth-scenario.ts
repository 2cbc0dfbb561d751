/**
 * One scenario, run behind each real gateway: the official Alibaba SDK (openapi-core) calls a
 * platform's service through the gateway, which asks a real `keyfence serve` process
 * (bin/keyfence.js, `--trusted-proxy 127.0.0.1/32`) at /forward-auth before forwarding.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  type Credentials,
  callApi,
  createRestrictedKey,
  openApiClient,
  sdkError,
} from '../../interop/support/sdk.js';
import { type KeyFenceProcess, startKeyFence } from '../../support/keyfence-process.js';
import { type AlibabaService, startAlibabaService } from './alibaba-service.js';
import { skipWithout } from './binaries.js';
import type { Ports } from './documented-config.js';
import type { RunningGateway } from './gateways.js';
import { freePort } from './processes.js';

const ECS_VERSION = '2014-05-26';

export function forwardAuthScenario(
  binary: 'nginx' | 'caddy',
  start: (ports: Ports) => Promise<RunningGateway>,
): void {
  describe(`${binary} asking keyfence serve at /forward-auth`, { skip: skipWithout(binary) }, () => {
    let kf: KeyFenceProcess;
    let service: AlibabaService;
    let gateway: RunningGateway;
    let restricted: Credentials;

    before(async () => {
      kf = await startKeyFence({ built: true, trustedProxies: ['127.0.0.1/32'] });
      service = await startAlibabaService();
      gateway = await start({ gateway: await freePort(), keyfence: kf.port, service: service.port });
      // A second key of the root identity, usable only from an address the gateway's clients do not have.
      restricted = await createRestrictedKey(openApiClient(kf, kf.root), '198.51.100.7');
    });

    after(async () => {
      await gateway?.stop();
      await service?.close();
      await kf?.stop();
    });

    test('an ACS3 call passes to the service, which sees KeyFence’s identity headers, not the client’s', async () => {
      const before = service.seen.length;
      const reply = await callApi(
        openApiClient(gateway, kf.root),
        'DescribeInstances',
        ECS_VERSION,
        { RegionId: 'cn-hangzhou' },
        { headers: { 'x-keyfence-principal': 'user/forged', 'x-keyfence-account-id': '9999999999999999' } },
      );
      assert.equal(reply.statusCode, 200);
      assert.deepEqual(
        { ...(reply.body.KeyFence as Record<string, unknown>), RequestId: undefined },
        {
          AccountId: kf.root.accountId,
          Principal: 'root',
          AccessKeyId: kf.root.accessKeyId,
          CredentialType: 'permanent',
          RequestId: undefined,
        },
      );
      const seen = service.seen[before]!;
      assert.match(seen.url, /[?&]RegionId=cn-hangzhou(&|$)/);
      assert.equal(seen.headers['x-keyfence-principal'], 'root');
      assert.equal(seen.headers['x-keyfence-account-id'], kf.root.accountId);
      assert.match(String(seen.headers['x-keyfence-request-id']), /^[0-9A-F-]{36}$/);
    });

    test('an HMAC-SHA1 call with its parameters in the query passes too', async () => {
      const reply = await callApi(
        openApiClient(gateway, kf.root, { signatureAlgorithm: 'v2' }),
        'DescribeRegions',
        ECS_VERSION,
      );
      assert.equal(reply.statusCode, 200);
      assert.equal((reply.body.KeyFence as Record<string, unknown>).Principal, 'root');
    });

    test('a key the network ACL denies gets Alibaba’s denial JSON, and the service never sees it', async () => {
      const before = service.seen.length;
      const e = await sdkError(
        callApi(openApiClient(gateway, restricted), 'DescribeInstances', ECS_VERSION),
        'denied call',
      );
      assert.equal(e.code, 'InvalidAccessKeyId.AccessPolicyDenied');
      assert.equal(e.statusCode, 400);
      assert.equal(e.data?.Message, 'Specified access key denied due to access policy.');
      assert.equal(e.requestId, e.data?.RequestId);
      assert.deepEqual(e.data?.AccessDeniedDetail, {
        SourceIp: '127.0.0.1',
        VpcId: null,
        DeniedBy: 'AccessKey',
        PolicyVersion: e.data?.AccessDeniedDetail?.PolicyVersion,
        Reason: 'public-ip-not-allowed',
      });
      assert.equal(typeof e.data?.AccessDeniedDetail?.PolicyVersion, 'number');
      assert.equal(service.seen.length, before);
    });

    test('a client’s own Forwarded, X-Forwarded-For and X-Forwarded-Vpc-Id give it no benefit', async () => {
      // The restricted key is allowed from 198.51.100.7 only; the client claims to be there.
      const spoofs: Record<string, string>[] = [
        { forwarded: 'for=198.51.100.7' },
        { 'x-forwarded-for': '198.51.100.7' },
        { 'x-forwarded-vpc-id': 'vpc-spoofed0001', forwarded: 'for="[2001:db8::1]"' },
      ];
      for (const headers of spoofs) {
        const e = await sdkError(
          callApi(openApiClient(gateway, restricted), 'DescribeInstances', ECS_VERSION, {}, { headers }),
          `spoofed ${JSON.stringify(headers)}`,
        );
        assert.equal(e.code, 'InvalidAccessKeyId.AccessPolicyDenied', JSON.stringify(headers));
        assert.equal(e.data?.AccessDeniedDetail?.SourceIp, '127.0.0.1', JSON.stringify(headers));
        assert.equal(e.data?.AccessDeniedDetail?.VpcId, null, JSON.stringify(headers));
      }
    });

    test('authentication failures keep their Alibaba code and status', async () => {
      const wrongSecret = await sdkError(
        callApi(
          openApiClient(gateway, { ...kf.root, accessKeySecret: 'not-the-secret' }),
          'DescribeInstances',
          ECS_VERSION,
        ),
        'wrong secret',
      );
      assert.equal(wrongSecret.code, 'SignatureDoesNotMatch');
      assert.equal(wrongSecret.statusCode, 400);
      const unknown = await sdkError(
        callApi(
          openApiClient(gateway, { accessKeyId: 'LTAI5tNoSuchKeyNoSuchKey', accessKeySecret: 'x' }),
          'DescribeInstances',
          ECS_VERSION,
        ),
        'unknown key',
      );
      assert.equal(unknown.code, 'InvalidAccessKeyId.NotFound');
      assert.equal(unknown.statusCode, 404);
    });
  });
}
