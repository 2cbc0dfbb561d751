/**
 * verifyRequest when the body is not given (`body: null`): forward-auth never sees the body and
 * the gateway streams it, so an ACS3 signature is checked against the `x-acs-content-sha256` it
 * signs, and an HMAC-SHA1 signature against the query alone.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SignedRequest } from '../../src/auth/signed-request.js';
import { sha256Hex } from '../../src/common/sha256-hex.js';
import {
  acs3Request,
  expectRefused,
  expectVerified,
  permanentKey,
  rpcRequest,
  verifyWith,
} from './support.js';

const KEY = permanentKey('LTAI5tWithheldBody0001', 'withheld-body-secret');
const TIME = new Date('2025-03-04T05:06:07Z');
const context = { credentials: [KEY], now: TIME };
const withheld = (request: SignedRequest): SignedRequest => ({ ...request, body: null });

describe('a withheld body', () => {
  it('verifies an ACS3 request whose signed hash is that of a body the verifier never sees', async () => {
    const body = Buffer.from('{"large":"upload"}');
    const request = acs3Request({ accessKeyId: KEY.accessKeyId, secret: KEY.secret, time: TIME, body });
    assert.equal((request.headers as Record<string, string>)['x-acs-content-sha256'], sha256Hex(body));
    expectVerified(await verifyWith(withheld(request), context));
  });

  it('still refuses an ACS3 request whose other signed parts were changed', async () => {
    const request = acs3Request({ accessKeyId: KEY.accessKeyId, secret: KEY.secret, time: TIME });
    expectRefused(
      await verifyWith({ ...withheld(request), path: '/other' }, context),
      'SignatureDoesNotMatch',
    );
  });

  it('refuses a signed x-acs-content-sha256 that is not a SHA-256 in lower-case hex', async () => {
    for (const hash of ['UNSIGNED-PAYLOAD', sha256Hex('').toUpperCase(), `${sha256Hex('')}0`]) {
      const request = acs3Request({
        accessKeyId: KEY.accessKeyId,
        secret: KEY.secret,
        time: TIME,
        headers: { 'x-acs-content-sha256': hash },
      });
      const error = expectRefused(await verifyWith(withheld(request), context), 'SignatureDoesNotMatch');
      assert.match(error.message, /x-acs-content-sha256/);
    }
  });

  it('reads an HMAC-SHA1 request from its query alone', async () => {
    const inQuery = rpcRequest({ accessKeyId: KEY.accessKeyId, secret: KEY.secret, time: TIME, in: 'query' });
    expectVerified(await verifyWith(withheld(inQuery), context));
    // Signed in a form body the verifier does not get: the parameters are simply not there.
    const inBody = rpcRequest({ accessKeyId: KEY.accessKeyId, secret: KEY.secret, time: TIME, in: 'body' });
    expectRefused(await verifyWith(withheld(inBody), context), 'MissingAccessKeyId');
  });
});
