import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TrustedProxies } from '../../../src/request/source/trusted-proxies.js';
import {
  type Credentials,
  call,
  classicPolicy,
  createUserKey,
  expectError,
  expectSuccess,
  issueStsCredentials,
  type Reply,
  setPolicy,
  startTestServer,
  type TestServer,
} from '../../support/server-harness.js';

const loopbackProxy = (() => {
  const parsed = TrustedProxies.parse(['127.0.0.1/32']);
  assert.ok(parsed.ok);
  return parsed.value;
})();

const fromAddress = (
  t: TestServer,
  credentials: Credentials,
  headers: Record<string, string>,
): Promise<Reply> => call(t.port, { action: 'GetTestValue', credentials, headers });

/** The AccessDeniedDetail of a denial by the key's own policy. */
const keyDenial = (SourceIp: string, PolicyVersion: number, Reason: string, VpcId: string | null = null) => ({
  SourceIp,
  VpcId,
  DeniedBy: 'AccessKey',
  PolicyVersion,
  Reason,
});

function expectDenied(reply: Reply, detail: Record<string, unknown>): void {
  const body = expectError(reply, 400, 'InvalidAccessKeyId.AccessPolicyDenied');
  assert.equal(body.Message, 'Specified access key denied due to access policy.');
  assert.deepEqual(body.AccessDeniedDetail, detail);
}

describe('behind a trusted proxy', async () => {
  const t = await startTestServer({
    trustedProxies: loopbackProxy,
    exemptServices: [{ service: 'sts', pathPrefixes: [] }],
    policiesOf: async (caller) => (caller.userName === 'alice' ? ['AdministratorAccess'] : []),
  });
  const user = await createUserKey(t, 'alice');
  const keyVersion = await setPolicy(
    t,
    { kind: 'accessKey', accessKeyId: user.accessKeyId },
    {
      Version: 1,
      Status: 'Active',
      Statements: [
        { Type: 'ClassicWhiteList', IPList: ['198.51.100.0/24', '2001:db8::/32'] },
        { Type: 'VPCWhiteList', Value: 'vpc-allowed1', IPList: ['10.0.0.0/8'] },
      ],
    },
  );
  const rootVersion = await setPolicy(
    t,
    { kind: 'accessKey', accessKeyId: t.root.accessKeyId },
    classicPolicy('127.0.0.1'),
  );

  test('an allowed address passes; the handler sees the source the decision saw', async () => {
    const direct = expectSuccess(await fromAddress(t, t.root, {}));
    assert.equal(direct.SourceIp, '127.0.0.1');
    const forwarded = expectSuccess(await fromAddress(t, user, { 'x-forwarded-for': '198.51.100.7' }));
    assert.equal(forwarded.SourceIp, '198.51.100.7');
    assert.equal(forwarded.VpcId, null);
    const twoHops = expectSuccess(
      await fromAddress(t, user, { 'x-forwarded-for': '2001:db8::5, 127.0.0.1' }),
    );
    assert.equal(twoHops.SourceIp, '2001:db8::5');
  });

  test('X-Forwarded-For from the trusted proxy decides: denied with AccessDeniedDetail', async () => {
    const reply = await fromAddress(t, t.root, { 'x-forwarded-for': '203.0.113.9' });
    expectDenied(reply, keyDenial('203.0.113.9', rootVersion, 'public-ip-not-allowed'));
    const record = t.audit.find(reply.body.RequestId);
    assert.deepEqual(record.source, { ip: '203.0.113.9', vpcId: null, fault: null });
    assert.equal(record.decision?.allowed, false);
    assert.equal(record.decision?.reason, 'public-ip-not-allowed');
    assert.equal(record.caller?.type, 'root-account');
    assert.equal(record.errorCode, 'InvalidAccessKeyId.AccessPolicyDenied');
    assert.equal(record.httpStatus, 400);
  });

  test('an RFC 7239 Forwarded header is not believed unless configured: the proxy may have passed the client own', async () => {
    const reply = expectSuccess(await fromAddress(t, t.root, { forwarded: 'for="[2001:db8::1]:443"' }));
    assert.equal(reply.SourceIp, '127.0.0.1');
  });

  test('a VPC source named by the proxy is checked against the VPC statements', async () => {
    const vpc = (vpcId: string) => ({ 'x-forwarded-for': '10.1.2.3', 'x-forwarded-vpc-id': vpcId });
    const allowed = expectSuccess(await fromAddress(t, user, vpc('vpc-allowed1')));
    assert.equal(allowed.VpcId, 'vpc-allowed1');
    expectDenied(
      await fromAddress(t, user, vpc('vpc-other')),
      keyDenial('10.1.2.3', keyVersion, 'vpc-not-allowed', 'vpc-other'),
    );
  });

  test('the account-level policy decides when the key has none', async () => {
    const other = await createUserKey(t, 'bob');
    const accountVersion = await setPolicy(t, { kind: 'account' }, classicPolicy('192.0.2.0/24'));
    const reply = await call(t.port, {
      action: 'GetMissingUser',
      credentials: other,
      headers: { 'x-forwarded-for': '203.0.113.1' },
    });
    expectDenied(reply, {
      SourceIp: '203.0.113.1',
      VpcId: null,
      DeniedBy: 'Account',
      PolicyVersion: accountVersion,
      Reason: 'public-ip-not-allowed',
    });
  });

  test('an exempt service is never denied', async () => {
    const reply = await call(t.port, {
      action: 'GetTestIdentity',
      version: '2015-04-01',
      credentials: t.root,
      headers: { 'x-forwarded-for': '203.0.113.9' },
    });
    expectSuccess(reply);
    assert.equal(t.audit.find(reply.body.RequestId).decision?.reason, 'exempt-service');
  });

  test('STS credentials pass where the permanent key is denied', async () => {
    const sts = await issueStsCredentials(t);
    const reply = await call(t.port, {
      action: 'GetTestValue',
      credentials: sts,
      headers: { 'x-forwarded-for': '203.0.113.9' },
    });
    // Not denied by the ACL; refused by authorization instead (roles hold no RAM permissions).
    expectError(reply, 403, 'NoPermission');
    assert.equal(t.audit.find(reply.body.RequestId).decision?.reason, 'temporary-credential');
  });

  test('an unreadable forwarded address is denied wherever a policy applies', async () => {
    const reply = await fromAddress(t, t.root, { 'x-forwarded-for': 'unknown' });
    expectDenied(reply, keyDenial('127.0.0.1', rootVersion, 'invalid-source-address'));
    assert.deepEqual(t.audit.find(reply.body.RequestId).source, {
      ip: '127.0.0.1',
      vpcId: null,
      fault: 'InvalidSource.ForwardedAddress',
    });
  });

  test('a forwarded text the decision cannot read is never echoed: SourceIp names the peer', async () => {
    for (const forwarded of ['198.051.100.7', '198.51.100.7.1']) {
      const reply = await fromAddress(t, user, { 'x-forwarded-for': forwarded });
      expectDenied(reply, keyDenial('127.0.0.1', keyVersion, 'invalid-source-address'));
      assert.equal(t.audit.find(reply.body.RequestId).source.fault, 'InvalidSource.ForwardedAddress');
    }
    // An address is shown as the decision read it.
    const reply = await fromAddress(t, user, { 'x-forwarded-for': '2001:DB9:0::7' });
    assert.equal(
      expectError(reply, 400, 'InvalidAccessKeyId.AccessPolicyDenied').AccessDeniedDetail.SourceIp,
      '2001:db9::7',
    );
  });

  test('an empty X-Forwarded-For from the trusted proxy forwards no address: the proxy is the source', async () => {
    const allowed = expectSuccess(await fromAddress(t, t.root, { 'x-forwarded-for': '' }));
    assert.equal(allowed.SourceIp, '127.0.0.1');
    const reply = await fromAddress(t, user, { 'x-forwarded-for': '' });
    const detail = expectError(reply, 400, 'InvalidAccessKeyId.AccessPolicyDenied').AccessDeniedDetail;
    assert.equal(detail.SourceIp, '127.0.0.1');
    assert.notEqual(detail.Reason, 'invalid-source-address');
    assert.deepEqual(t.audit.find(reply.body.RequestId).source, {
      ip: '127.0.0.1',
      vpcId: null,
      fault: null,
    });
  });
});

describe('without trusted proxies', async () => {
  const t = await startTestServer();
  await setPolicy(t, { kind: 'accessKey', accessKeyId: t.root.accessKeyId }, classicPolicy('127.0.0.1'));

  test('a client’s own X-Forwarded-For and VPC header are ignored', async () => {
    const reply = await fromAddress(t, t.root, {
      'x-forwarded-for': '203.0.113.9',
      'x-forwarded-vpc-id': 'vpc-spoofed',
    });
    const body = expectSuccess(reply);
    assert.equal(body.SourceIp, '127.0.0.1');
    assert.equal(body.VpcId, null);
  });

  test('a policy without the peer denies it', async () => {
    const version = await setPolicy(t, { kind: 'account' }, classicPolicy('192.0.2.1'));
    const user = await createUserKey(t, 'carol');
    const reply = await call(t.port, { action: 'GetTestIdentity', version: '2015-04-01', credentials: user });
    expectDenied(reply, {
      SourceIp: '127.0.0.1',
      VpcId: null,
      DeniedBy: 'Account',
      PolicyVersion: version,
      Reason: 'public-ip-not-allowed',
    });
  });

  test('an unreadable forwarded address from an untrusted peer is simply ignored', async () => {
    expectSuccess(await fromAddress(t, t.root, { 'x-forwarded-for': 'garbage' }));
  });
});
