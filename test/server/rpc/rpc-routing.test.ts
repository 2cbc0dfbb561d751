import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  call,
  expectError,
  expectSuccess,
  send,
  signedRequest,
  startTestServer,
} from '../../support/server-harness.js';

const t = await startTestServer();
const root = t.root;

describe('routing by the signed (Version, Action)', () => {
  for (const signature of ['v3', 'v2'] as const) {
    for (const [method, where] of [
      ['POST', 'query'],
      ['POST', 'body'],
      ['GET', 'query'],
    ] as const) {
      test(`${signature} ${method} with parameters in the ${where}`, async () => {
        const reply = await call(t.port, {
          action: 'GetTestValue',
          params: { Value: 'héllo wörld' },
          credentials: root,
          signature,
          method,
          in: where,
        });
        const body = expectSuccess(reply);
        assert.equal(body.Value, 'héllo wörld');
        assert.equal(body.CallerType, 'root-account');
      });
    }
  }

  test('the success body is the handler body plus RequestId, nothing else', async () => {
    const body = expectSuccess(await call(t.port, { action: 'GetTestValue', credentials: root }));
    assert.deepEqual(Object.keys(body).sort(), ['CallerType', 'RequestId', 'SourceIp', 'Value', 'VpcId']);
  });

  test('each product is routed by its own version', async () => {
    const sts = expectSuccess(
      await call(t.port, { action: 'GetTestIdentity', version: '2015-04-01', credentials: root }),
    );
    assert.equal(sts.AccountId, t.accountId);
    const ram = expectSuccess(
      await call(t.port, { action: 'GetTestRam', version: '2015-05-01', credentials: root }),
    );
    assert.equal(ram.Product, 'Ram');
  });

  test('an action of one product is not found under another product’s version', async () => {
    const reply = await call(t.port, { action: 'GetTestIdentity', version: '2019-08-15', credentials: root });
    const body = expectError(reply, 404, 'InvalidAction.NotFound');
    assert.match(String(body.Recommend), /&product=Ims&/);
  });

  test('an unknown version is 404 InvalidVersion', async () => {
    const reply = await call(t.port, { action: 'GetTestValue', version: '2099-01-01', credentials: root });
    const body = expectError(reply, 404, 'InvalidVersion');
    assert.doesNotMatch(String(body.Recommend), /product=/);
  });

  test('an unknown action of a known version is 404 InvalidAction.NotFound', async () => {
    expectError(
      await call(t.port, { action: 'NoSuchAction', credentials: root }),
      404,
      'InvalidAction.NotFound',
    );
  });

  test('V3 routes by the signed x-acs-action, not by an Action parameter', async () => {
    const reply = await call(t.port, {
      action: 'GetTestValue',
      params: { Action: 'FailInternally', Value: 'v3' },
      credentials: root,
    });
    assert.equal(expectSuccess(reply).Value, 'v3');
  });

  test('V2 refuses an unsigned x-acs-action that disagrees with the signed Action', async () => {
    const reply = await call(t.port, {
      action: 'GetTestValue',
      credentials: root,
      signature: 'v2',
      headers: { 'x-acs-action': 'FailInternally' },
    });
    expectError(reply, 400, 'IncompleteSignature');
  });

  test('a V3 request without x-acs-action is MissingParameter.Action', async () => {
    const request = signedRequest(t.port, { action: 'GetTestValue', credentials: root });
    const headers = { ...request.headers } as Record<string, string>;
    delete headers['x-acs-action'];
    // Re-sign without the header: the SignedHeaders list no longer names it.
    const { signAcs3Request } = await import('../../../src/auth/acs3-signature.js');
    const { authorization } = signAcs3Request({
      method: 'POST',
      path: '/',
      query: [],
      headers: Object.fromEntries(Object.entries(headers).filter(([name]) => name !== 'authorization')),
      body: Buffer.alloc(0),
      accessKeyId: root.accessKeyId,
      secret: root.accessKeySecret,
    });
    const reply = await send(t.port, { ...request, headers: { ...headers, authorization } });
    expectError(reply, 400, 'MissingParameter.Action');
  });
});

describe('errors from handlers', () => {
  test('a store refusal keeps its code and gets its status', async () => {
    const body = expectError(
      await call(t.port, { action: 'GetMissingUser', credentials: root }),
      404,
      'EntityNotExist.User',
    );
    assert.equal(body.Message, 'The user does not exist.');
  });

  test('an unexpected exception is 500 InternalError and tells nothing of it', async () => {
    const reply = await call(t.port, { action: 'FailInternally', credentials: root });
    expectError(reply, 500, 'InternalError');
    assert.doesNotMatch(reply.text, /hunter2|Error:|at /);
  });

  test('a handler returning a Code field is refused, never passed on as a success', async () => {
    expectError(await call(t.port, { action: 'ReturnCode', credentials: root }), 500, 'InternalError');
  });

  test('HostId is the host name the client addressed', async () => {
    const reply = await call(t.port, { action: 'NoSuchAction', credentials: root });
    assert.equal(reply.body.HostId, '127.0.0.1');
  });
});

describe('HostId when configured', async () => {
  const configured = await startTestServer({ http: { hostId: 'ims.example.com' } });
  test('the configured HostId wins', async () => {
    const reply = await call(configured.port, { action: 'NoSuchAction', credentials: configured.root });
    assert.equal(expectError(reply, 404, 'InvalidAction.NotFound').HostId, 'ims.example.com');
  });
});
