/**
 * The ACS3-HMAC-SHA256 signer against its test vectors (V3-1 is Alibaba's own worked
 * example; V3-2..4 were produced by the official SDK), and the Authorization header syntax.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { acs3CanonicalRequest, signAcs3Request } from '../../src/auth/acs3-signature.js';
import { formatAcs3Authorization, parseAcs3Authorization } from '../../src/auth/authorization-header.js';
import { canonicalQueryString } from '../../src/auth/canonical-query.js';
import { sha256Hex } from '../../src/common/sha256-hex.js';
import { type Acs3Vector, authorizationOf, EMPTY_SHA256, V3_1, V3_2, V3_VECTORS } from './vectors.js';

const sign = (v: Acs3Vector) =>
  signAcs3Request({
    method: v.method,
    path: v.path,
    query: v.query,
    headers: v.headers,
    body: Buffer.alloc(0),
    accessKeyId: v.accessKeyId,
    secret: v.secret,
  });

describe('ACS3-HMAC-SHA256 signer: the V3 vectors', () => {
  it('V3-1 (Alibaba worked example): the canonical request, byte for byte', () => {
    assert.equal(
      sign(V3_1).canonicalRequest,
      [
        'POST',
        '/',
        'ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai',
        'host:ecs.cn-shanghai.aliyuncs.com',
        'x-acs-action:RunInstances',
        `x-acs-content-sha256:${EMPTY_SHA256}`,
        'x-acs-date:2023-10-26T10:22:32Z',
        'x-acs-signature-nonce:3156853299f313e23d1673dc12e1703d',
        'x-acs-version:2014-05-26',
        '',
        'host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version',
        EMPTY_SHA256,
      ].join('\n'),
    );
  });

  it('V3-2..4 share the expected canonical query string, whatever order the SDK sent', () => {
    assert.equal(
      canonicalQueryString(V3_2.query),
      'AccessKeyPolicy=%7B%22Version%22%3A1%2C%22Status%22%3A%22Active%22%2C%22Statements%22%3A%5B%7B%22Type' +
        '%22%3A%22ClassicWhiteList%22%2C%22IPList%22%3A%5B%22203.0.113.1%22%2C%22198.51.100.0%2F24%22%5D%7D%5D%7D' +
        '&UserAccessKeyId=LTAI5tExampleTarget',
    );
  });

  for (const [name, vector] of Object.entries(V3_VECTORS)) {
    it(`${name}: string to sign, signature and Authorization header`, () => {
      const signed = sign(vector);
      if (vector.hashedCanonicalRequest !== undefined) {
        assert.equal(signed.stringToSign, `ACS3-HMAC-SHA256\n${vector.hashedCanonicalRequest}`);
      }
      assert.equal(signed.signature, vector.signature);
      assert.equal(signed.authorization, authorizationOf(vector));
    });
  }

  it('hashes the body into the canonical request and trims header values', () => {
    const canonical = acs3CanonicalRequest({
      method: 'POST',
      path: '/',
      query: [],
      headers: [['host', ' example.com ']],
      payloadHash: sha256Hex('a=1'),
    });
    assert.equal(canonical, `POST\n/\n\nhost:example.com\n\nhost\n${sha256Hex('a=1')}`);
  });
});

describe('ACS3 Authorization header', () => {
  const signature = 'ab'.repeat(32);
  const valid = `ACS3-HMAC-SHA256 Credential=LTAI5tExampleCaller,SignedHeaders=host;x-acs-date,Signature=${signature}`;

  it('parses the three fields and formats them back identically', () => {
    const parsed = parseAcs3Authorization(valid);
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.value, {
      accessKeyId: 'LTAI5tExampleCaller',
      signedHeaders: ['host', 'x-acs-date'],
      signature,
    });
    assert.equal(formatAcs3Authorization(parsed.value), valid);
  });

  const refusedAs = (value: string, code: string) => {
    const parsed = parseAcs3Authorization(value);
    assert.equal(parsed.ok, false, value);
    if (!parsed.ok) assert.equal(parsed.error.code, code, value);
  };

  it('refuses other algorithms with InvalidSignatureMethod', () => {
    refusedAs(valid.replace('ACS3-HMAC-SHA256', 'ACS3-HMAC-SM3'), 'InvalidSignatureMethod');
    refusedAs(valid.replace('ACS3-HMAC-SHA256', 'ACS3-RSA-SHA256'), 'InvalidSignatureMethod');
    refusedAs('acs LTAI5tExampleCaller:c2lnbmF0dXJl', 'InvalidSignatureMethod');
  });

  it('refuses anything but the exact SDK syntax with IncompleteSignature', () => {
    for (const bad of [
      '',
      'ACS3-HMAC-SHA256',
      valid.replace(',SignedHeaders', ', SignedHeaders'),
      valid.replace('ACS3-HMAC-SHA256 ', 'ACS3-HMAC-SHA256  '),
      valid.replace(signature, signature.toUpperCase()),
      valid.replace(signature, signature.slice(1)),
      valid.replace(signature, `${signature}0`),
      valid.replace('Credential=LTAI5tExampleCaller', 'Credential='),
      valid.replace('Credential=LTAI5tExampleCaller', 'Credential=LTAI 5t'),
      `${valid} `,
      valid.replace('Credential', 'credential'),
      valid.replace('host;x-acs-date', 'x-acs-date;host'),
      valid.replace('host;x-acs-date', 'host;host;x-acs-date'),
      valid.replace('host;x-acs-date', 'Host;x-acs-date'),
      valid.replace('host;x-acs-date', 'host;;x-acs-date'),
      valid.replace('host;x-acs-date', 'host;x acs'),
      `${valid},Signature=${signature}`,
    ]) {
      refusedAs(bad, 'IncompleteSignature');
    }
  });
});
