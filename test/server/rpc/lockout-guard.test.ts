import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DecisionIndex } from '../../../src/policy/decision-index.js';
import { parsePolicy } from '../../../src/policy/parse-policy.js';
import type { AccessKeyPolicy } from '../../../src/policy/policy-document.js';
import { ApiError } from '../../../src/server/errors/api-error.js';
import type { PolicyTarget } from '../../../src/server/rpc/action.js';
import { guardLockout, type LockoutSubject } from '../../../src/server/rpc/lockout-guard.js';
import type { AccessKeyId } from '../../../src/store/index.js';
import {
  type Credentials,
  call,
  classicPolicy,
  createUserKey,
  expectError,
  expectSuccess,
  setPolicy,
  startTestServer,
} from '../../support/server-harness.js';

const t = await startTestServer();
const denying = JSON.stringify(classicPolicy('192.0.2.0/24'));
const allowing = JSON.stringify(classicPolicy('127.0.0.1', '192.0.2.0/24'));
const inactive = JSON.stringify({ Version: 1, Status: 'Inactive', Statements: [] });

const setTestPolicy = (credentials: Credentials, params: Record<string, string>) =>
  call(t.port, { action: 'SetTestPolicy', credentials, params });

const keyPolicyVersion = async (accessKeyId: string) =>
  (
    await t.store.getPolicy({
      scope: 'accessKey',
      accountId: t.accountId,
      accessKeyId: accessKeyId as AccessKeyId,
    })
  ).version;

describe('the lockout guard through the API', () => {
  test('a key policy that would deny the request setting it is refused, and nothing is written', async () => {
    const reply = await setTestPolicy(t.root, {
      UserAccessKeyId: t.root.accessKeyId,
      AccessKeyPolicy: denying,
    });
    const body = expectError(reply, 400, 'LockoutPrevented');
    assert.match(String(body.Message), /IgnoreLockoutCheck=true/);
    assert.deepEqual(body.LockoutDetail, {
      SourceIp: '127.0.0.1',
      VpcId: null,
      Scope: 'AccessKey',
      Reason: 'public-ip-not-allowed',
    });
    assert.equal(await keyPolicyVersion(t.root.accessKeyId), 0);
    expectSuccess(await call(t.port, { action: 'GetTestValue', credentials: t.root }));
  });

  test('a policy that still allows the request is set, and enforced before the response', async () => {
    const reply = await setTestPolicy(t.root, {
      UserAccessKeyId: t.root.accessKeyId,
      AccessKeyPolicy: allowing,
    });
    const { PolicyVersion } = expectSuccess(reply);
    assert.ok(t.server.appliedVersion >= Number(PolicyVersion));
  });

  test('an invalid override value is refused', async () => {
    const reply = await setTestPolicy(t.root, {
      UserAccessKeyId: t.root.accessKeyId,
      AccessKeyPolicy: denying,
      IgnoreLockoutCheck: 'yes',
    });
    expectError(reply, 400, 'InvalidParameter.IgnoreLockoutCheck');
  });

  test('the account policy is guarded only while no Active key policy overrides it', async () => {
    // The root key's own Active policy (set above) allows 127.0.0.1, so the account's does not decide.
    expectSuccess(await setTestPolicy(t.root, { AccessKeyPolicy: denying }));
    // Clearing the key policy would hand the decision to that denying account policy.
    const reply = await setTestPolicy(t.root, {
      UserAccessKeyId: t.root.accessKeyId,
      AccessKeyPolicy: inactive,
    });
    assert.deepEqual(expectError(reply, 400, 'LockoutPrevented').LockoutDetail, {
      SourceIp: '127.0.0.1',
      VpcId: null,
      Scope: 'AccessKey',
      Reason: 'public-ip-not-allowed',
    });
    // Back to no account policy, then a denying account policy is refused.
    expectSuccess(await setTestPolicy(t.root, { AccessKeyPolicy: inactive }));
    expectSuccess(
      await setTestPolicy(t.root, { UserAccessKeyId: t.root.accessKeyId, AccessKeyPolicy: inactive }),
    );
    const account = await setTestPolicy(t.root, { AccessKeyPolicy: denying });
    assert.equal(expectError(account, 400, 'LockoutPrevented').LockoutDetail?.Scope, 'Account');
  });

  test('another key’s policy is not this request’s concern', async () => {
    const other = await createUserKey(t, 'dave');
    expectSuccess(
      await setTestPolicy(t.root, { UserAccessKeyId: other.accessKeyId, AccessKeyPolicy: denying }),
    );
  });

  test('IgnoreLockoutCheck=true sets it anyway; the very next call is denied', async () => {
    const reply = await setTestPolicy(t.root, {
      UserAccessKeyId: t.root.accessKeyId,
      AccessKeyPolicy: denying,
      IgnoreLockoutCheck: 'true',
    });
    expectSuccess(reply);
    expectError(
      await call(t.port, { action: 'GetTestValue', credentials: t.root }),
      400,
      'InvalidAccessKeyId.AccessPolicyDenied',
    );
    // Recovery goes around the API (the console, or the store).
    await setPolicy(t, { kind: 'accessKey', accessKeyId: t.root.accessKeyId }, JSON.parse(inactive));
    expectSuccess(await call(t.port, { action: 'GetTestValue', credentials: t.root }));
  });
});

describe('guardLockout against an index', () => {
  const policy = (json: string): AccessKeyPolicy => {
    const parsed = parsePolicy(json);
    assert.ok(parsed.ok);
    return parsed.policy;
  };
  const subject = (overrides: Partial<LockoutSubject> = {}): LockoutSubject => ({
    credential: { accessKeyId: 'KEY', temporary: false },
    source: { ip: '127.0.0.1' },
    service: 'ims',
    params: {},
    ...overrides,
  });
  const refuses = (index: DecisionIndex, s: LockoutSubject, target: PolicyTarget, json: string) =>
    assert.throws(
      () => guardLockout(index, s, target, policy(json)),
      (e: unknown) => e instanceof ApiError && e.code === 'LockoutPrevented',
    );
  const key: PolicyTarget = { kind: 'accessKey', accessKeyId: 'KEY' };

  test('temporary credentials and exempt services can never be locked out', () => {
    const index = new DecisionIndex({ exemptServices: ['ims'] });
    index.setKey('KEY', 'ACCOUNT', null, 0);
    guardLockout(index, subject(), key, policy(denying));
    const strict = new DecisionIndex();
    strict.setKey('KEY', 'ACCOUNT', null, 0);
    guardLockout(
      strict,
      subject({ credential: { accessKeyId: 'KEY', temporary: true } }),
      { kind: 'account' },
      policy(denying),
    );
    refuses(strict, subject(), key, denying);
  });

  test('a VPC source is checked as a VPC source', () => {
    const index = new DecisionIndex();
    index.setKey('KEY', 'ACCOUNT', null, 0);
    const vpc = subject({ source: { ip: '10.0.0.5', vpcId: 'vpc-a' } });
    const vpcPolicy = JSON.stringify({
      Version: 1,
      Status: 'Active',
      Statements: [{ Type: 'VPCWhiteList', Value: 'vpc-a', IPList: ['10.0.0.0/8'] }],
    });
    guardLockout(index, vpc, key, policy(vpcPolicy));
    refuses(index, subject(), key, vpcPolicy);
    refuses(index, vpc, key, allowing);
  });

  test('an unreadable source is locked out by any Active policy', () => {
    const index = new DecisionIndex();
    index.setKey('KEY', 'ACCOUNT', null, 0);
    refuses(index, subject({ source: { ip: '' } }), { kind: 'account' }, allowing);
    guardLockout(index, subject({ source: { ip: '' } }), { kind: 'account' }, policy(inactive));
  });
});
