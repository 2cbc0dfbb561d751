import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AccessKeyId } from '../../../src/store/index.js';
import {
  call,
  createUserKey,
  expectError,
  expectSuccess,
  issueStsCredentials,
  send,
  signedRequest,
  startTestServer,
} from '../../support/server-harness.js';

const t = await startTestServer();
const root = t.root;

describe('authentication failures, as Alibaba answers them', () => {
  test('no credentials at all: 400 MissingAccessKeyId', async () => {
    expectError(
      await send(t.port, { path: '/?Action=GetTestValue&Version=2019-08-15' }),
      400,
      'MissingAccessKeyId',
    );
  });

  test('an unknown key: 404 InvalidAccessKeyId.NotFound, recorded with the claimed key', async () => {
    for (const signature of ['v3', 'v2'] as const) {
      const reply = await call(t.port, {
        action: 'GetTestValue',
        credentials: { accessKeyId: 'LTAI5tNoSuchKey000000000', accessKeySecret: 'x' },
        signature,
      });
      const body = expectError(reply, 404, 'InvalidAccessKeyId.NotFound');
      const record = t.audit.find(String(body.RequestId));
      assert.equal(record.caller, null);
      assert.equal(record.claimedAccessKeyId, 'LTAI5tNoSuchKey000000000');
      assert.equal(record.action, 'GetTestValue');
      assert.equal(record.product, 'Ims');
      assert.equal(record.decision, null);
      assert.match(String(body.Recommend), /&product=Ims&/);
    }
  });

  test('a wrong secret: 400 SignatureDoesNotMatch, the secret nowhere in the answer', async () => {
    for (const signature of ['v3', 'v2'] as const) {
      const reply = await call(t.port, {
        action: 'GetTestValue',
        credentials: { accessKeyId: root.accessKeyId, accessKeySecret: 'not-the-secret' },
        signature,
      });
      expectError(reply, 400, 'SignatureDoesNotMatch');
      assert.ok(!reply.text.includes(root.accessKeySecret));
    }
  });

  test('a repeated Authorization header: refused, even after a thousand other headers', async () => {
    const signed = signedRequest(t.port, { action: 'GetTestValue', credentials: root });
    const { authorization, ...rest } = signed.headers as Record<string, string>;
    assert.ok(authorization !== undefined, 'an ACS3 request carries Authorization');
    const filler = Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`x-filler-${i}`, '1']));
    for (const before of [{}, filler]) {
      const reply = await send(t.port, {
        ...signed,
        headers: { ...rest, ...before, authorization: [authorization, authorization] },
      });
      assert.equal(reply.status, 400, reply.text);
      assert.match(reply.text, /IncompleteSignature/);
    }
  });

  test('a replayed nonce: 400 SignatureNonceUsed (one replay guard for the whole server)', async () => {
    const request = signedRequest(t.port, {
      action: 'GetTestValue',
      credentials: root,
      nonce: 'n-once-only',
    });
    expectSuccess(await send(t.port, request));
    expectError(await send(t.port, request), 400, 'SignatureNonceUsed');
  });

  test('a request signed 16 minutes ago: 400 InvalidTimeStamp.Expired', async () => {
    const time = new Date(Date.now() - 16 * 60 * 1000);
    expectError(
      await call(t.port, { action: 'GetTestValue', credentials: root, time }),
      400,
      'InvalidTimeStamp.Expired',
    );
  });

  test('an inactive key: 400 InvalidAccessKeyId.Inactive', async () => {
    const user = await createUserKey(t, 'inactive-user');
    await t.store.write((tx) =>
      tx.updateAccessKey(t.accountId, user.accessKeyId as AccessKeyId, { status: 'Inactive' }),
    );
    expectError(
      await call(t.port, { action: 'GetTestIdentity', version: '2015-04-01', credentials: user }),
      400,
      'InvalidAccessKeyId.Inactive',
    );
  });

  test('a SecurityToken with a permanent key: 400 InvalidSecurityToken.MismatchWithAccessKey', async () => {
    const reply = await call(t.port, {
      action: 'GetTestValue',
      credentials: { ...root, securityToken: 'token' },
    });
    expectError(reply, 400, 'InvalidSecurityToken.MismatchWithAccessKey');
  });
});

describe('STS credentials', async () => {
  const sts = await issueStsCredentials(t);

  for (const signature of ['v3', 'v2'] as const) {
    test(`${signature}: the right token authenticates as the assumed role`, async () => {
      const reply = await call(t.port, {
        action: 'GetTestIdentity',
        version: '2015-04-01',
        credentials: sts,
        signature,
      });
      const body = expectSuccess(reply);
      assert.equal(body.IdentityType, 'assumed-role');
      assert.equal(body.AccountId, t.accountId);
    });

    test(`${signature}: another token is InvalidSecurityToken.MismatchWithAccessKey`, async () => {
      const reply = await call(t.port, {
        action: 'GetTestIdentity',
        version: '2015-04-01',
        credentials: { ...sts, securityToken: `${sts.securityToken}x` },
        signature,
      });
      expectError(reply, 400, 'InvalidSecurityToken.MismatchWithAccessKey');
    });

    test(`${signature}: no token is MissingSecurityToken`, async () => {
      const { securityToken: _, ...withoutToken } = sts;
      const reply = await call(t.port, {
        action: 'GetTestIdentity',
        version: '2015-04-01',
        credentials: withoutToken,
        signature,
      });
      expectError(reply, 400, 'MissingSecurityToken');
    });
  }

  test('V2 with the token in a form body', async () => {
    const reply = await call(t.port, {
      action: 'GetTestIdentity',
      version: '2015-04-01',
      credentials: sts,
      signature: 'v2',
      in: 'body',
    });
    assert.equal(expectSuccess(reply).IdentityType, 'assumed-role');
  });
});
