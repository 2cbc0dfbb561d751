/**
 * verifyRequest on HMAC-SHA1 RPC requests: the V2 vectors in the query (GET, openapi-core
 * v2) and in a form body (pop-core POST), one-byte changes, the common-parameter rules, time,
 * nonce and STS.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ReplayGuard } from '../../src/auth/replay-guard.js';
import type { Param } from '../../src/auth/request-params.js';
import { rpcSignature, signRpcRequest } from '../../src/auth/rpc-signature.js';
import type { SignedRequest } from '../../src/auth/signed-request.js';
import { caller, time, verify } from './example-caller.js';
import {
  acs3Request,
  expectRefused,
  expectVerified,
  permanentKey,
  rpcRequest,
  sdkQuery,
  temporaryKey,
  verifyWith,
  withHeaders,
} from './support.js';
import { type RpcVector, V2_1_GET, V2_1_POST, V2_2, V2_VECTORS } from './vectors.js';

const paramOf = (v: RpcVector, name: string) => v.params.find(([n]) => n === name)![1];

/** The vector's parameters plus its Signature: in the query for GET, in a form body for POST. */
const wireRequest = (v: RpcVector, params: readonly Param[] = [...v.params, ['Signature', v.signature]]) => {
  const encoded = sdkQuery(params);
  return v.method === 'GET'
    ? {
        method: v.method,
        path: '/',
        rawQuery: encoded,
        headers: { host: 'ecs.aliyuncs.com' },
        body: Buffer.alloc(0),
      }
    : {
        method: v.method,
        path: '/',
        rawQuery: '',
        headers: {
          host: 'ecs.aliyuncs.com',
          'content-type': 'application/x-www-form-urlencoded; charset=UTF-8',
        },
        body: Buffer.from(encoded),
      };
};

const credentialsOf = (v: RpcVector) => {
  const accessKeyId = paramOf(v, 'AccessKeyId');
  return [
    accessKeyId.startsWith('STS.')
      ? temporaryKey(accessKeyId, v.secret, 'CAISExampleToken', new Date('2026-01-01T01:00:00Z'))
      : permanentKey(accessKeyId, v.secret),
  ];
};

const verifyVector = (v: RpcVector, request: SignedRequest = wireRequest(v)) =>
  verifyWith(request, { credentials: credentialsOf(v), now: new Date(paramOf(v, 'Timestamp')) });

const replaceParam = (v: RpcVector, name: string, value: string): Param[] => [
  ...v.params.map(([n, old]): Param => [n, n === name ? value : old]),
  ['Signature', v.signature],
];

describe('verifyRequest, RPC: the V2 vectors', () => {
  for (const [name, vector] of Object.entries(V2_VECTORS)) {
    it(`${name} verifies`, async () => {
      const verified = expectVerified(await verifyVector(vector));
      assert.equal(verified.signatureVersion, 'v2');
      assert.equal(verified.action, paramOf(vector, 'Action'));
      assert.equal(verified.version, paramOf(vector, 'Version'));
      assert.deepEqual({ ...verified.params }, Object.fromEntries(vector.params));
      assert.equal('Signature' in verified.params, false);
    });

    it(`${name} with one byte changed in a parameter, the method or the signature: SignatureDoesNotMatch`, async () => {
      const request = wireRequest(vector);
      const changed: Record<string, SignedRequest> = {
        parameter: wireRequest(vector, replaceParam(vector, 'Action', `${paramOf(vector, 'Action')}s`)),
        'parameter name': wireRequest(vector, [
          ...vector.params.map(([n, v]): Param => [n === 'Format' ? 'format' : n, v]),
          ['Signature', vector.signature],
        ]),
        'added parameter': wireRequest(vector, [
          ...vector.params,
          ['Extra', ''],
          ['Signature', vector.signature],
        ]),
        method: { ...request, method: vector.method === 'GET' ? 'POST' : 'GET' },
        signature: wireRequest(vector, [...vector.params, ['Signature', `A${vector.signature.slice(1)}`]]),
      };
      if (vector.method === 'POST') {
        const body = Buffer.from(request.body);
        body[body.indexOf('Format=') + 'Format='.length] ^= 0x20;
        changed.body = { ...request, body };
      }
      for (const [part, tampered] of Object.entries(changed)) {
        const error = expectRefused(await verifyVector(vector, tampered), 'SignatureDoesNotMatch');
        assert.equal(error.httpStatus, 400, part);
      }
    });
  }

  it('reports the server string to sign in Alibaba V2 wording, and neither secret nor expected signature', async () => {
    const request = wireRequest(V2_1_GET, [...V2_1_GET.params, ['Signature', V2_1_POST.signature]]);
    const error = expectRefused(await verifyVector(V2_1_GET, request), 'SignatureDoesNotMatch');
    assert.equal(
      error.message,
      `Specified signature is not matched with our calculation. server string to sign is:${V2_1_GET.stringToSign}`,
    );
    assert.ok(!error.message.includes(V2_1_GET.secret));
    assert.ok(!error.message.includes(V2_1_GET.signature));
    assert.equal(rpcSignature(V2_1_GET.secret, V2_1_GET.stringToSign!), V2_1_GET.signature);
  });

  it('accepts the unsigned x-acs-action and x-acs-version openapi-core sends, when they agree with the parameters', async () => {
    const request = withHeaders(wireRequest(V2_2), {
      'x-acs-action': 'GetAccessKeyPolicy',
      'x-acs-version': '2019-08-15',
    });
    expectVerified(await verifyVector(V2_2, request));
  });

  it('refuses unsigned x-acs-action or x-acs-version headers that disagree with the parameters', async () => {
    for (const headers of [{ 'x-acs-action': 'DeleteAccessKey' }, { 'x-acs-version': '2015-05-01' }]) {
      const error = expectRefused(
        await verifyVector(V2_2, withHeaders(wireRequest(V2_2), headers)),
        'IncompleteSignature',
      );
      assert.match(error.message, /unsigned x-acs-action or x-acs-version header differs/);
    }
  });
});

const signed = (spec: Partial<Parameters<typeof rpcRequest>[0]> = {}) =>
  rpcRequest({ accessKeyId: caller.accessKeyId, secret: caller.secret, time, ...spec });

/** The request with one parameter replaced, or removed when `value` is undefined. */
const withParam = (request: SignedRequest, name: string, value: string | undefined): SignedRequest => {
  const params = new URLSearchParams(request.rawQuery);
  if (value === undefined) params.delete(name);
  else params.set(name, value);
  return { ...request, rawQuery: params.toString() };
};

describe('verifyRequest, RPC: common parameters', () => {
  it('refuses a request with no signature at all with MissingAccessKeyId', async () => {
    const error = expectRefused(
      await verify({
        method: 'GET',
        path: '/',
        rawQuery: 'Action=ListAccessKeys',
        headers: {},
        body: Buffer.alloc(0),
      }),
      'MissingAccessKeyId',
    );
    assert.equal(error.message, 'AccessKeyId is mandatory for this action.');
  });

  it('tells an unsigned request on any path, with any body, that it names no key', async () => {
    for (const [path, headers, body] of [
      ['/ecs/instances', {}, ''],
      ['/', { 'content-type': 'application/json' }, '{"a":1}'],
      ['/upload', { 'content-type': 'application/octet-stream' }, 'bytes'],
    ] as const) {
      expectRefused(
        await verify({
          method: 'POST',
          path,
          rawQuery: 'Action=ListAccessKeys',
          headers,
          body: Buffer.from(body),
        }),
        'MissingAccessKeyId',
      );
    }
  });

  it('names each missing common parameter in its code', async () => {
    for (const [name, code] of [
      ['AccessKeyId', 'MissingAccessKeyId'],
      ['Signature', 'MissingSignature'],
      ['SignatureMethod', 'MissingSignatureMethod'],
      ['SignatureVersion', 'MissingSignatureVersion'],
      ['SignatureNonce', 'MissingSignatureNonce'],
      ['Timestamp', 'MissingTimestamp'],
    ] as const) {
      expectRefused(await verify(withParam(signed(), name, undefined)), code);
      expectRefused(await verify(withParam(signed(), name, '')), code);
    }
  });

  it('refuses any SignatureMethod but HMAC-SHA1 and any SignatureVersion but 1.0', async () => {
    for (const method of ['HMAC-SHA256', 'hmac-sha1', 'ACS3-HMAC-SHA256']) {
      expectRefused(await verify(withParam(signed(), 'SignatureMethod', method)), 'InvalidSignatureMethod');
    }
    for (const version of ['2.0', '1', '1.0 ']) {
      const error = expectRefused(
        await verify(withParam(signed(), 'SignatureVersion', version)),
        'InvalidSignatureVersion',
      );
      assert.equal(error.httpStatus, 400);
    }
  });

  it('refuses a path other than /, which this algorithm does not sign', async () => {
    const error = expectRefused(await verify({ ...signed(), path: '/admin' }), 'IncompleteSignature');
    assert.match(error.message, /does not cover the path/);
  });

  it('refuses a body that is not a form, which this algorithm does not sign', async () => {
    for (const headers of [{ 'content-type': 'application/json' }, {}]) {
      const request = withHeaders(
        { ...signed(), body: Buffer.from('{"Action":"DeleteAccessKey"}') },
        headers,
      );
      const error = expectRefused(await verify(request), 'IncompleteSignature');
      assert.match(error.message, /covers a request body only when it is application\/x-www-form-urlencoded/);
    }
  });

  it('verifies parameters split between query and form body', async () => {
    const params: Param[] = [
      ['Action', 'GetAccessKeyPolicy'],
      ['Version', '2019-08-15'],
      ['AccessKeyId', caller.accessKeyId],
      ['SignatureMethod', 'HMAC-SHA1'],
      ['SignatureVersion', '1.0'],
      ['SignatureNonce', 'split-1'],
      ['Timestamp', '2026-03-01T12:00:00Z'],
      ['UserAccessKeyId', 'LTAI5tExampleTarget'],
    ];
    const { signature } = signRpcRequest('POST', params, caller.secret);
    const request: SignedRequest = {
      method: 'POST',
      path: '/',
      rawQuery: sdkQuery([...params.slice(0, 6), ['Signature', signature]]),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: Buffer.from(sdkQuery(params.slice(6))),
    };
    const verified = expectVerified(await verify(request));
    assert.equal(verified.params.UserAccessKeyId, 'LTAI5tExampleTarget');
  });

  it('refuses a parameter given twice, within the query or across query and body', async () => {
    const request = signed({ params: [['UserAccessKeyId', 'LTAI5tExampleTarget']] });
    // Parameter pollution: a verifier keeping the last value and an API keeping the first would disagree.
    const polluted = { ...request, rawQuery: `UserAccessKeyId=LTAI5tSomeoneElse&${request.rawQuery}` };
    const error = expectRefused(await verify(polluted), 'InvalidParameter.Duplicate');
    assert.equal(error.httpStatus, 400);
    const acrossBody = withHeaders(
      { ...request, body: Buffer.from('UserAccessKeyId=LTAI5tSomeoneElse') },
      { 'content-type': 'application/x-www-form-urlencoded' },
    );
    expectRefused(await verify(acrossBody), 'InvalidParameter.Duplicate');
  });

  it('refuses a query or body that is not well-formed percent-encoded ASCII', async () => {
    const request = signed();
    for (const rawQuery of [
      `${request.rawQuery}&Bad=%E4`,
      `${request.rawQuery}&Bad=%zz`,
      `${request.rawQuery}&=x`,
    ]) {
      expectRefused(await verify({ ...request, rawQuery }), 'InvalidParameter.Malformed');
    }
    const rawUtf8 = withHeaders(
      { ...request, body: Buffer.from('Note=你好') },
      { 'content-type': 'application/x-www-form-urlencoded' },
    );
    expectRefused(await verify(rawUtf8), 'InvalidParameter.Malformed');
  });

  it('treats a parameter named __proto__ as just a parameter', async () => {
    const verified = expectVerified(
      await verify(
        signed({
          params: [
            ['__proto__', 'x'],
            ['constructor', 'y'],
          ],
        }),
      ),
    );
    assert.equal(Object.getPrototypeOf(verified.params), null);
    assert.deepEqual(
      Object.keys(verified.params).filter((k) => k.startsWith('_') || k === 'constructor'),
      ['__proto__', 'constructor'],
    );
    assert.equal(Object.getOwnPropertyDescriptor(verified.params, '__proto__')?.value, 'x');
    assert.ok(Object.isFrozen(verified.params));
  });

  it('reads + in the query as a space, as HTML forms do', async () => {
    const request = signed({ params: [['Note', 'a b']] });
    const verified = expectVerified(
      await verify({ ...request, rawQuery: request.rawQuery.replace('a%20b', 'a+b') }),
    );
    assert.equal(verified.params.Note, 'a b');
  });
});

describe('verifyRequest, RPC: time and nonce', () => {
  const minutes = (n: number) => n * 60 * 1000;

  it('accepts a Timestamp exactly 15 minutes away and refuses one a second further, either way', async () => {
    for (const sign of [1, -1]) {
      expectVerified(await verify(signed(), new Date(time.getTime() + sign * minutes(15))));
      expectRefused(
        await verify(signed(), new Date(time.getTime() + sign * (minutes(15) + 1000))),
        'InvalidTimeStamp.Expired',
      );
    }
  });

  it('refuses a Timestamp not in the strict form', async () => {
    for (const timestamp of [
      '2026-03-01 12:00:00',
      '2026-03-01T12:00:00',
      '1772366400',
      '2026-03-01t12:00:00z',
    ]) {
      expectRefused(await verify(withParam(signed(), 'Timestamp', timestamp)), 'InvalidTimeStamp.Format');
    }
  });

  it('refuses a replayed SignatureNonce, in the query or moved into a form body', async () => {
    const guard = new ReplayGuard();
    const request = signed();
    expectVerified(await verify(request, time, guard));
    expectRefused(await verify(request, time, guard), 'SignatureNonceUsed');
    const asForm = withHeaders(
      { ...request, rawQuery: '', body: Buffer.from(request.rawQuery) },
      { 'content-type': 'application/x-www-form-urlencoded' },
    );
    expectRefused(await verify(asForm, time, guard), 'SignatureNonceUsed');
  });

  it('shares nonces across the two algorithms: a nonce used under V2 is used for V3 too', async () => {
    const guard = new ReplayGuard();
    expectVerified(await verify(signed({ nonce: 'shared' }), time, guard));
    const v3 = acs3Request({ accessKeyId: caller.accessKeyId, secret: caller.secret, time, nonce: 'shared' });
    expectRefused(await verify(v3, time, guard), 'SignatureNonceUsed');
  });
});

describe('verifyRequest, RPC: credentials (V2-3, STS)', () => {
  const sts = (token: string, expiresAt = new Date('2026-03-01T13:00:00Z')) =>
    temporaryKey('STS.NExampleTmp', 'TmpSecret456', token, expiresAt);
  const stsRequest = (securityToken?: string) =>
    rpcRequest({ accessKeyId: 'STS.NExampleTmp', secret: 'TmpSecret456', time, securityToken });
  const verifySts = (request: SignedRequest, credential = sts('CAISExampleToken')) =>
    verifyWith(request, { credentials: [credential], now: time });

  it('accepts the stored SecurityToken', async () => {
    const verified = expectVerified(await verifySts(stsRequest('CAISExampleToken')));
    assert.equal(verified.credential.kind, 'temporary');
    assert.equal('securityToken' in verified.credential, false);
    assert.equal(verified.params.SecurityToken, 'CAISExampleToken');
  });

  it('refuses another token with InvalidSecurityToken.MismatchWithAccessKey', async () => {
    expectRefused(
      await verifySts(stsRequest('CAISExampleTokenX')),
      'InvalidSecurityToken.MismatchWithAccessKey',
    );
  });

  it('refuses a missing or empty token with MissingSecurityToken', async () => {
    expectRefused(await verifySts(stsRequest()), 'MissingSecurityToken');
    expectRefused(await verifySts(stsRequest('')), 'MissingSecurityToken');
  });

  it('refuses an expired credential with InvalidSecurityToken.Expired', async () => {
    const error = expectRefused(
      await verifySts(stsRequest('CAISExampleToken'), sts('CAISExampleToken', new Date(time.getTime() - 1))),
      'InvalidSecurityToken.Expired',
    );
    assert.equal(error.message, 'Specified SecurityToken is expired.');
  });

  it('refuses a SecurityToken with a permanent key', async () => {
    expectRefused(
      await verify(
        rpcRequest({ accessKeyId: caller.accessKeyId, secret: caller.secret, time, securityToken: 'CAIS' }),
      ),
      'InvalidSecurityToken.MismatchWithAccessKey',
    );
  });

  it('refuses an unknown or disabled key', async () => {
    expectRefused(
      await verify(rpcRequest({ accessKeyId: 'LTAI5tNobody', secret: 'x', time })),
      'InvalidAccessKeyId.NotFound',
    );
    const inactive = permanentKey(caller.accessKeyId, caller.secret, 'Inactive');
    expectRefused(
      await verifyWith(signed(), { credentials: [inactive], now: time }),
      'InvalidAccessKeyId.Inactive',
    );
  });
});
