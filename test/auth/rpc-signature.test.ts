/**
 * The HMAC-SHA1 RPC signer against its test vectors (V2-1 is Alibaba's own worked
 * example; V2-2 and V2-3 were produced by the official SDK).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalQueryString } from '../../src/auth/canonical-query.js';
import { signRpcRequest } from '../../src/auth/rpc-signature.js';
import { V2_1_GET, V2_VECTORS } from './vectors.js';

describe('HMAC-SHA1 RPC signer: the V2 vectors', () => {
  for (const [name, vector] of Object.entries(V2_VECTORS)) {
    it(`${name}: canonicalized query, string to sign and signature`, () => {
      if (vector.canonicalized !== undefined)
        assert.equal(canonicalQueryString(vector.params), vector.canonicalized);
      const signed = signRpcRequest(vector.method, vector.params, vector.secret);
      if (vector.stringToSign !== undefined) assert.equal(signed.stringToSign, vector.stringToSign);
      assert.equal(signed.signature, vector.signature);
    });
  }

  it('signs the same whatever order the parameters come in', () => {
    const reversed = [...V2_1_GET.params].reverse();
    assert.equal(signRpcRequest('GET', reversed, V2_1_GET.secret).signature, V2_1_GET.signature);
  });

  it('keys the HMAC with secret + "&": the bare secret gives another signature', () => {
    assert.notEqual(signRpcRequest('GET', V2_1_GET.params, 'testsecret&').signature, V2_1_GET.signature);
  });
});
