import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { policyAllows } from '../../../src/server/rpc/system-policies.js';
import {
  call,
  createUserKey,
  expectError,
  expectSuccess,
  issueStsCredentials,
  startTestServer,
} from '../../support/server-harness.js';

describe('without attached policies', async () => {
  const t = await startTestServer();
  const user = await createUserKey(t, 'erin');

  test('a RAM user gets 403 NoPermission with Alibaba’s AccessDeniedDetail', async () => {
    const reply = await call(t.port, { action: 'GetTestValue', credentials: user });
    const body = expectError(reply, 403, 'NoPermission');
    assert.equal(body.Message, 'You are not authorized to do this action.');
    assert.deepEqual(body.AccessDeniedDetail, {
      AuthAction: 'ram:GetTestValue',
      AuthPrincipalType: 'SubUser',
      AuthPrincipalOwnerId: t.accountId,
      AuthPrincipalDisplayName: 'erin',
      NoPermissionType: 'ImplicitDeny',
      PolicyType: 'AccountLevelIdentityBasedPolicy',
    });
    const record = t.audit.find(body.RequestId);
    assert.equal(record.caller?.type, 'ram-user');
    assert.equal(record.decision?.allowed, true);
    assert.equal(record.errorCode, 'NoPermission');
  });

  test('a RAM user may call actions without a RAM action', async () => {
    const body = expectSuccess(
      await call(t.port, { action: 'GetTestIdentity', version: '2015-04-01', credentials: user }),
    );
    assert.equal(body.IdentityType, 'ram-user');
  });

  test('the root identity may call everything', async () => {
    expectSuccess(await call(t.port, { action: 'GetTestValue', credentials: t.root }));
    expectSuccess(await call(t.port, { action: 'GetTestRam', version: '2015-05-01', credentials: t.root }));
  });

  test('an assumed role holds no RAM permissions', async () => {
    const sts = await issueStsCredentials(t);
    const reply = await call(t.port, { action: 'GetTestValue', credentials: sts });
    const body = expectError(reply, 403, 'NoPermission');
    assert.equal(body.AccessDeniedDetail.AuthPrincipalType, 'AssumedRoleUser');
    assert.equal(body.AccessDeniedDetail.AuthPrincipalDisplayName, 'tester:session-1');
    expectSuccess(await call(t.port, { action: 'GetTestIdentity', version: '2015-04-01', credentials: sts }));
  });
});

describe('with attached system policies', async () => {
  const attached: Record<string, string[]> = {
    reader: ['AliyunRAMReadOnlyAccess'],
    admin: ['AdministratorAccess'],
    ramAdmin: ['AliyunRAMFullAccess'],
  };
  const asked: string[] = [];
  const t = await startTestServer({
    policiesOf: async (caller) => {
      asked.push(caller.userName);
      return attached[caller.userName] ?? [];
    },
  });
  const reader = await createUserKey(t, 'reader');
  const admin = await createUserKey(t, 'admin');
  const ramAdmin = await createUserKey(t, 'ramAdmin');

  test('AliyunRAMReadOnlyAccess allows Get and List, nothing else', async () => {
    expectSuccess(await call(t.port, { action: 'GetTestValue', credentials: reader }));
    expectError(await call(t.port, { action: 'SetTestValue', credentials: reader }), 403, 'NoPermission');
    assert.ok(asked.includes('reader'));
  });

  test('AdministratorAccess and AliyunRAMFullAccess allow writes', async () => {
    expectSuccess(await call(t.port, { action: 'SetTestValue', credentials: admin }));
    expectSuccess(await call(t.port, { action: 'SetTestValue', credentials: ramAdmin }));
  });
});

describe('system policies', () => {
  test('each allows what RAM’s does', () => {
    assert.ok(policyAllows('AdministratorAccess', 'sts:AssumeRole'));
    assert.ok(policyAllows('AdministratorAccess', 'actiontrail:LookupEvents'));
    assert.ok(policyAllows('AliyunRAMFullAccess', 'ram:CreateUser'));
    assert.ok(policyAllows('AliyunRAMFullAccess', 'ram:SetAccessKeyPolicy'));
    assert.ok(!policyAllows('AliyunRAMFullAccess', 'sts:AssumeRole'));
    assert.ok(policyAllows('AliyunRAMReadOnlyAccess', 'ram:GetUser'));
    assert.ok(policyAllows('AliyunRAMReadOnlyAccess', 'ram:ListAccessKeys'));
    assert.ok(!policyAllows('AliyunRAMReadOnlyAccess', 'ram:CreateAccessKey'));
    assert.ok(!policyAllows('AliyunRAMReadOnlyAccess', 'ram:UpdateUser'));
    assert.ok(policyAllows('AliyunSTSAssumeRoleAccess', 'sts:AssumeRole'));
    assert.ok(!policyAllows('AliyunSTSAssumeRoleAccess', 'ram:GetUser'));
  });

  test('KeyFence’s own actions: RAM readers may read, RAM administrators may also write', () => {
    for (const read of [
      'keyfence:CheckAccessKeyAccess',
      'keyfence:GetPolicyVersionStatus',
      'keyfence:ListAccessKeySources',
      'keyfence:RecommendAccessKeyPolicy',
      'keyfence:SimulateAccessKeyPolicy',
    ]) {
      assert.ok(policyAllows('AliyunRAMReadOnlyAccess', read), read);
      assert.ok(policyAllows('AliyunRAMFullAccess', read), read);
      assert.ok(policyAllows('AdministratorAccess', read), read);
      assert.ok(!policyAllows('AliyunSTSAssumeRoleAccess', read), read);
    }
    for (const write of ['keyfence:SetAccessKeyPolicyCandidate', 'keyfence:DeleteAccessKeyPolicyCandidate']) {
      assert.ok(!policyAllows('AliyunRAMReadOnlyAccess', write), write);
      assert.ok(policyAllows('AliyunRAMFullAccess', write), write);
      assert.ok(policyAllows('AdministratorAccess', write), write);
    }
  });

  test('actions compare case-insensitively; unknown policies allow nothing', () => {
    assert.ok(policyAllows('AliyunRAMReadOnlyAccess', 'RAM:getuser'));
    assert.ok(!policyAllows('NoSuchPolicy', 'ram:GetUser'));
    assert.ok(!policyAllows('toString', 'ram:GetUser'));
    assert.ok(!policyAllows('__proto__', 'ram:GetUser'));
  });
});
