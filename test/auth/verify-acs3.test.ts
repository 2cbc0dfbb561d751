/**
 * verifyRequest on ACS3-HMAC-SHA256 requests: the V3 vectors as requests on the wire,
 * one-byte changes to each signed part, the header rules, time, nonce and credential state.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { acs3Signature } from '../../src/auth/acs3-signature.js';
import type { Credential } from '../../src/auth/credential.js';
import { ReplayGuard } from '../../src/auth/replay-guard.js';
import type { SignedRequest } from '../../src/auth/signed-request.js';
import { verifyRequest } from '../../src/auth/verify-request.js';
import { caller, time, verify } from './example-caller.js';
import {
  acs3Request,
  expectRefused,
  expectVerified,
  permanentKey,
  sdkQuery,
  temporaryKey,
  verifyWith,
  withHeaders,
} from './support.js';
import { type Acs3Vector, authorizationOf, V3_1, V3_2, V3_4, V3_VECTORS } from './vectors.js';

/** The request a vector describes, as node:http would hand it over. */
const wireRequest = (v: Acs3Vector): SignedRequest => ({
  method: v.method,
  path: v.path,
  rawQuery: sdkQuery(v.query),
  headers: { ...v.headers, authorization: authorizationOf(v) },
  body: Buffer.alloc(0),
});

const credentialsOf = (v: Acs3Vector) => [
  v.accessKeyId.startsWith('STS.')
    ? temporaryKey(v.accessKeyId, v.secret, 'CAISExampleToken', new Date('2026-01-01T01:00:00Z'))
    : permanentKey(v.accessKeyId, v.secret),
];

const verifyVector = (v: Acs3Vector, request: SignedRequest = wireRequest(v)) =>
  verifyWith(request, { credentials: credentialsOf(v), now: new Date(v.headers['x-acs-date']!) });

/** Replaces the character at `index` with another one of the same kind. */
const flipChar = (text: string, index: number) =>
  text.slice(0, index) + (text[index] === 'a' ? 'b' : 'a') + text.slice(index + 1);

describe('verifyRequest, ACS3: the V3 vectors', () => {
  for (const [name, vector] of Object.entries(V3_VECTORS)) {
    it(`${name} verifies`, async () => {
      const verified = expectVerified(await verifyVector(vector));
      assert.equal(verified.signatureVersion, 'v3');
      assert.equal(verified.credential.accessKeyId, vector.accessKeyId);
      assert.equal(verified.action, vector.headers['x-acs-action']);
      assert.equal(verified.version, vector.headers['x-acs-version']);
      assert.deepEqual({ ...verified.params }, Object.fromEntries(vector.query));
    });

    it(`${name} with one byte changed in the body, a header, a parameter or the signature: SignatureDoesNotMatch`, async () => {
      const request = wireRequest(vector);
      const [firstName, firstValue] = vector.query[0]!;
      const changed: Record<string, SignedRequest> = {
        body: { ...request, body: Buffer.from('x') },
        'x-acs-action': withHeaders(request, {
          'x-acs-action': flipChar(vector.headers['x-acs-action']!, 0),
        }),
        host: withHeaders(request, { host: `${vector.headers.host}.` }),
        'x-acs-signature-nonce': withHeaders(request, {
          'x-acs-signature-nonce': flipChar(vector.headers['x-acs-signature-nonce']!, 0),
        }),
        parameter: {
          ...request,
          rawQuery: sdkQuery([[firstName, `${firstValue}x`], ...vector.query.slice(1)]),
        },
        'added parameter': { ...request, rawQuery: `${request.rawQuery}&RegionId2=cn-hangzhou` },
        method: { ...request, method: 'PUT' },
        path: { ...request, path: '/index' },
        signature: withHeaders(request, {
          authorization: authorizationOf({ ...vector, signature: flipChar(vector.signature, 0) }),
        }),
      };
      for (const [part, tampered] of Object.entries(changed)) {
        const error = expectRefused(await verifyVector(vector, tampered), 'SignatureDoesNotMatch');
        assert.equal(error.httpStatus, 400, part);
      }
    });
  }

  it('reports the server string to sign in Alibaba V3 wording, and neither secret nor expected signature', async () => {
    const request = withHeaders(wireRequest(V3_1), {
      authorization: authorizationOf({ ...V3_1, signature: '0'.repeat(64) }),
    });
    const error = expectRefused(await verifyVector(V3_1, request), 'SignatureDoesNotMatch');
    const stringToSign = `ACS3-HMAC-SHA256\n${V3_1.hashedCanonicalRequest}`;
    assert.equal(
      error.message,
      `Specified signature does not match our calculation. server StringToSign is [${stringToSign}]`,
    );
    assert.ok(!error.message.includes(V3_1.secret));
    assert.ok(!error.message.includes(V3_1.signature));
    assert.equal(acs3Signature(V3_1.secret, stringToSign), V3_1.signature);
  });

  it('refuses a body whose x-acs-content-sha256 is not its hash, before looking the key up', async () => {
    const lookups: string[] = [];
    const request = { ...wireRequest(V3_2), body: Buffer.from('UserAccessKeyId=LTAI5tSomeoneElse') };
    const error = expectRefused(
      await verifyWith(request, {
        credentials: credentialsOf(V3_2),
        now: new Date('2026-01-01T00:00:00Z'),
        lookups,
      }),
      'SignatureDoesNotMatch',
    );
    assert.match(error.message, /x-acs-content-sha256 does not match the SHA-256 of the request body/);
    assert.deepEqual(lookups, []);
  });
});

const signed = (spec: Partial<Parameters<typeof acs3Request>[0]> = {}) =>
  acs3Request({ accessKeyId: caller.accessKeyId, secret: caller.secret, time, ...spec });

describe('verifyRequest, ACS3: what must be signed', () => {
  it('accepts a body hashed and signed, with its content-type signed', async () => {
    const body = Buffer.from('UserAccessKeyId=LTAI5tExampleTarget&Note=%E4%BD%A0%E5%A5%BD');
    const request = signed({ body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    const verified = expectVerified(await verify(request));
    assert.deepEqual({ ...verified.params }, { UserAccessKeyId: 'LTAI5tExampleTarget', Note: '你好' });
  });

  it('refuses an x-acs-* header that is not signed', async () => {
    const error = expectRefused(
      await verify(withHeaders(signed(), { 'x-acs-extra': 'injected' })),
      'IncompleteSignature',
    );
    assert.match(error.message, /Every x-acs-\* header and content-type, when present, must be signed/);
  });

  it('refuses an unsigned x-acs-* header even when its name is not in lower case', async () => {
    expectRefused(await verify(withHeaders(signed(), { 'X-Acs-Extra': 'injected' })), 'IncompleteSignature');
  });

  it('refuses an unsigned content-type', async () => {
    expectRefused(
      await verify(withHeaders(signed(), { 'content-type': 'application/json' })),
      'IncompleteSignature',
    );
  });

  it('refuses a request that does not sign host, x-acs-date, x-acs-signature-nonce or x-acs-content-sha256', async () => {
    for (const [header, reason] of [
      ['host', /host header is required/],
      ['x-acs-date', /x-acs-date header is required/],
      ['x-acs-signature-nonce', /x-acs-signature-nonce header is required/],
      ['x-acs-content-sha256', /x-acs-content-sha256 header is required/],
    ] as const) {
      // Signed by a client that left the header out: the signer picks only headers present.
      const request = signed({ headers: { [header]: undefined } });
      const error = expectRefused(await verify(request), 'IncompleteSignature');
      assert.match(error.message, reason, header);
    }
  });

  it('refuses a signed header that is missing from the request', async () => {
    const request = signed({ headers: { 'x-acs-credentials-provider': 'static_ak' } });
    const { 'x-acs-credentials-provider': _, ...headers } = request.headers;
    const error = expectRefused(await verify({ ...request, headers }), 'IncompleteSignature');
    assert.match(error.message, /named in SignedHeaders is not in the request/);
  });

  it('refuses a repeated header the signature depends on', async () => {
    const request = signed();
    const nonce = request.headers['x-acs-signature-nonce'] as string;
    const error = expectRefused(
      await verify(withHeaders(request, { 'x-acs-signature-nonce': [nonce, 'other'] })),
      'IncompleteSignature',
    );
    assert.match(error.message, /given more than once/);
  });

  it('accepts a header given once as a one-element array (req.headersDistinct)', async () => {
    const request = signed();
    const distinct = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, [v as string]]));
    expectVerified(await verify({ ...request, headers: distinct }));
  });

  it('refuses an x-acs-accesskey-id that names another key than the Credential', async () => {
    const request = signed({ headers: { 'x-acs-accesskey-id': 'LTAI5tSomeoneElse' } });
    const error = expectRefused(await verify(request), 'IncompleteSignature');
    assert.match(error.message, /x-acs-accesskey-id header differs/);
  });

  it('takes action and version from the signed headers, never from the query', async () => {
    const request = signed({ query: [['Action', 'DeleteAccessKey']] });
    const verified = expectVerified(await verify(request));
    assert.equal(verified.action, 'GetAccessKeyPolicy');
    assert.equal(verified.params.Action, 'DeleteAccessKey');
  });

  it('leaves action and version out when the request has none', async () => {
    const verified = expectVerified(
      await verify(signed({ headers: { 'x-acs-action': undefined, 'x-acs-version': undefined } })),
    );
    assert.equal('action' in verified, false);
    assert.equal('version' in verified, false);
  });

  it('signs the query as the client meant it, however it was percent-encoded on the wire', async () => {
    const query = [
      ['Note', "it's (a) *test* ~ ok! 100% / 你好 +"],
      ['Empty', ''],
    ] as const;
    for (const encodeQuery of [
      sdkQuery,
      (q: readonly (readonly [string, string])[]) => sdkQuery(q).replaceAll('%20', '+'),
    ]) {
      const verified = expectVerified(await verify(signed({ query, encodeQuery })));
      assert.equal(verified.params.Note, query[0][1]);
      assert.equal(verified.params.Empty, '');
    }
  });
});

describe('verifyRequest, ACS3: time and nonce', () => {
  const minutes = (n: number) => n * 60 * 1000;

  it('accepts a signed time exactly 15 minutes from the clock, either way', async () => {
    expectVerified(await verify(signed(), new Date(time.getTime() + minutes(15))));
    expectVerified(await verify(signed(), new Date(time.getTime() - minutes(15))));
  });

  it('refuses one 15 minutes and 1 second away, either way, with InvalidTimeStamp.Expired', async () => {
    for (const offset of [minutes(15) + 1000, -(minutes(15) + 1000)]) {
      const error = expectRefused(
        await verify(signed(), new Date(time.getTime() + offset)),
        'InvalidTimeStamp.Expired',
      );
      assert.equal(error.httpStatus, 400);
    }
  });

  it('refuses an x-acs-date not in the strict form with InvalidTimeStamp.Format', async () => {
    for (const date of [
      '2026-03-01T12:00:00.000Z',
      '2026-03-01T20:00:00+08:00',
      '2026-02-30T12:00:00Z',
      'now',
    ]) {
      expectRefused(await verify(signed({ headers: { 'x-acs-date': date } })), 'InvalidTimeStamp.Format');
    }
  });

  it('refuses a replay with SignatureNonceUsed, and accepts the same call with a new nonce', async () => {
    const guard = new ReplayGuard();
    expectVerified(await verify(signed(), time, guard));
    const error = expectRefused(
      await verify(signed(), new Date(time.getTime() + 1000), guard),
      'SignatureNonceUsed',
    );
    assert.equal(error.message, 'Specified signature nonce was used already.');
    expectVerified(await verify(signed({ nonce: 'another-nonce' }), time, guard));
  });

  it('refuses a replay after the window as expired', async () => {
    const guard = new ReplayGuard();
    expectVerified(await verify(signed(), time, guard));
    expectRefused(
      await verify(signed(), new Date(time.getTime() + minutes(16)), guard),
      'InvalidTimeStamp.Expired',
    );
  });

  it('records no nonce for a request that fails, so neither forgers nor errors burn one', async () => {
    const guard = new ReplayGuard();
    const good = signed();
    const forged = withHeaders(good, {
      authorization: (good.headers.authorization as string).replace(/.$/, '0'),
    });
    expectRefused(await verify(forged, time, guard), 'SignatureDoesNotMatch');
    assert.equal(guard.size, 0);
    expectVerified(await verify(good, time, guard));
    assert.equal(guard.size, 1);
  });

  it('refuses an empty nonce', async () => {
    expectRefused(await verify(signed({ nonce: ' ' })), 'MissingSignatureNonce');
  });
});

describe('verifyRequest, ACS3: credentials', () => {
  it('refuses an unknown key with InvalidAccessKeyId.NotFound (404)', async () => {
    const request = acs3Request({ accessKeyId: 'LTAI5tNobody', secret: 'x', time });
    const error = expectRefused(await verify(request), 'InvalidAccessKeyId.NotFound');
    assert.equal(error.httpStatus, 404);
    assert.equal(error.message, 'Specified access key is not found.');
  });

  it('never asks the lookup about an ID that cannot be one', async () => {
    const lookups: string[] = [];
    const request = acs3Request({ accessKeyId: "LTAI'--", secret: 'x', time });
    expectRefused(
      await verifyWith(request, { credentials: [], now: time, lookups }),
      'InvalidAccessKeyId.NotFound',
    );
    assert.deepEqual(lookups, []);
  });

  it('refuses a key found under another spelling, since the Credential itself is not signed', async () => {
    const request = acs3Request({ accessKeyId: 'ltai5texamplecaller', secret: caller.secret, time });
    const error = expectRefused(
      await verifyRequestWithLookup(request, async () => caller),
      'InvalidAccessKeyId.NotFound',
    );
    assert.equal(error.httpStatus, 404);
  });

  it('refuses a disabled key with InvalidAccessKeyId.Inactive, but only to whoever holds its secret', async () => {
    const inactive = permanentKey(caller.accessKeyId, caller.secret, 'Inactive');
    const error = expectRefused(
      await verifyWith(signed(), { credentials: [inactive], now: time }),
      'InvalidAccessKeyId.Inactive',
    );
    assert.equal(error.httpStatus, 400);
    assert.equal(error.message, 'Specified access key is disabled.');
    const forged = acs3Request({ accessKeyId: caller.accessKeyId, secret: 'guess', time });
    expectRefused(await verifyWith(forged, { credentials: [inactive], now: time }), 'SignatureDoesNotMatch');
  });

  it('refuses a security token sent with a permanent key', async () => {
    expectRefused(
      await verify(signed({ headers: { 'x-acs-security-token': 'CAISExampleToken' } })),
      'InvalidSecurityToken.MismatchWithAccessKey',
    );
  });

  it('hands on the credential without its secret', async () => {
    const verified = expectVerified(await verify(signed()));
    assert.deepEqual(verified.credential, {
      kind: 'permanent',
      accessKeyId: caller.accessKeyId,
      status: 'Active',
      accountId: caller.accountId,
      userName: 'alice',
    });
  });

  it('lets a failing lookup reject the promise: an outage is not an answer about the request', async () => {
    await assert.rejects(
      verifyRequestWithLookup(signed(), async () => {
        throw new Error('database down');
      }),
      /database down/,
    );
  });
});

describe('verifyRequest, ACS3: STS credentials (V3-4)', () => {
  const vectorTime = new Date('2026-01-01T00:00:00Z');
  const sts = (token: string, expiresAt = new Date('2026-01-01T01:00:00Z')) =>
    temporaryKey(V3_4.accessKeyId, V3_4.secret, token, expiresAt);
  const stsRequest = (headers: Record<string, string | undefined>) =>
    acs3Request({
      accessKeyId: V3_4.accessKeyId,
      secret: V3_4.secret,
      time: vectorTime,
      headers: { 'x-acs-accesskey-id': V3_4.accessKeyId, ...headers },
    });

  it('accepts the stored token and hands on the credential without secret or token', async () => {
    const verified = expectVerified(
      await verifyWith(stsRequest({ 'x-acs-security-token': 'CAISExampleToken' }), {
        credentials: [sts('CAISExampleToken')],
        now: vectorTime,
      }),
    );
    assert.deepEqual(verified.credential, {
      kind: 'temporary',
      accessKeyId: V3_4.accessKeyId,
      expiresAt: new Date('2026-01-01T01:00:00Z'),
      accountId: '1234567890123456',
      roleArn: 'acs:ram::1234567890123456:role/auditor',
    });
  });

  it('refuses another token (correctly signed) with InvalidSecurityToken.MismatchWithAccessKey', async () => {
    for (const token of ['CAISExampleTokem', 'CAISExampleToken2', 'CAIS']) {
      expectRefused(
        await verifyWith(stsRequest({ 'x-acs-security-token': token }), {
          credentials: [sts('CAISExampleToken')],
          now: vectorTime,
        }),
        'InvalidSecurityToken.MismatchWithAccessKey',
      );
    }
  });

  it('refuses a missing token with MissingSecurityToken', async () => {
    expectRefused(
      await verifyWith(stsRequest({}), { credentials: [sts('CAISExampleToken')], now: vectorTime }),
      'MissingSecurityToken',
    );
  });

  it('refuses an expired credential with InvalidSecurityToken.Expired, valid up to the instant before', async () => {
    const request = stsRequest({ 'x-acs-security-token': 'CAISExampleToken' });
    expectRefused(
      await verifyWith(request, { credentials: [sts('CAISExampleToken', vectorTime)], now: vectorTime }),
      'InvalidSecurityToken.Expired',
    );
    expectVerified(
      await verifyWith(request, {
        credentials: [sts('CAISExampleToken', new Date(vectorTime.getTime() + 1))],
        now: vectorTime,
      }),
    );
  });
});

function verifyRequestWithLookup(request: SignedRequest, lookup: (id: string) => Promise<Credential | null>) {
  return verifyRequest(request, {
    lookupCredential: lookup,
    replayGuard: new ReplayGuard(),
    now: () => time,
  });
}
