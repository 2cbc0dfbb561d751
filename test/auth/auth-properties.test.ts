/**
 * Properties of the whole verifier, on random requests signed the way the SDKs sign them:
 * - every such request verifies, and hands back exactly the parameters that were sent;
 * - any single-character change to a signed part (method, path, a parameter's name or value, a
 *   signed header, the body, the Credential, the signature) makes it fail;
 * - no error message, and no verified result, ever contains the secret or the expected signature.
 * A failure prints the fast-check seed; replay with FC_SEED=<seed>.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inspect } from 'node:util';
import fc from 'fast-check';
import { acs3Signature } from '../../src/auth/acs3-signature.js';
import type { AuthError, AuthErrorCode } from '../../src/auth/auth-error.js';
import { type Param, parseParams } from '../../src/auth/request-params.js';
import { rpcSignature } from '../../src/auth/rpc-signature.js';
import type { SignedRequest } from '../../src/auth/signed-request.js';
import type { VerifiedRequest } from '../../src/auth/verify-request.js';
import type { Result } from '../../src/common/result.js';
import { acs3Request, permanentKey, rpcRequest, sdkQuery, strictQuery, verifyWith } from './support.js';

const seed = process.env.FC_SEED === undefined ? undefined : Number(process.env.FC_SEED);
const run = (numRuns: number) => (seed === undefined ? { numRuns } : { numRuns, seed });

// ---------------------------------------------------------------------------------------------
// Generators

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const secret = fc.string({ unit: fc.constantFrom(...BASE64), minLength: 16, maxLength: 40 });
const accessKeyId = fc.stringMatching(/^LTAI[0-9A-Za-z]{20}$/);

/** Names the RPC common parameters use, which random parameters must not collide with. */
const RESERVED = new Set([
  'AccessKeyId',
  'Action',
  'Format',
  'SecurityToken',
  'Signature',
  'SignatureMethod',
  'SignatureNonce',
  'SignatureVersion',
  'Timestamp',
  'Version',
]);
const paramName = fc.string({ unit: 'binary', minLength: 1, maxLength: 10 }).filter((n) => !RESERVED.has(n));
const paramValue = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 16 }),
  fc.string({ unit: fc.constantFrom(..."!'()*~ +/%&=?#.-_aZ9"), maxLength: 12 }),
);
const params = fc.uniqueArray(fc.tuple(paramName, paramValue), { selector: ([n]) => n, maxLength: 6 });

/** A header value as node:http delivers it: visible ASCII, inner spaces, nothing to trim. */
const headerValue = fc.string({ unit: 'grapheme-ascii', maxLength: 24 }).map((v) => v.trim());
const STANDARD_HEADERS = new Set([
  'x-acs-action',
  'x-acs-version',
  'x-acs-date',
  'x-acs-signature-nonce',
  'x-acs-content-sha256',
  'x-acs-security-token',
  'x-acs-accesskey-id',
]);
const extraHeaders = fc.uniqueArray(
  fc.tuple(
    fc.stringMatching(/^x-acs-[a-z0-9-]{1,10}$/).filter((n) => !STANDARD_HEADERS.has(n)),
    headerValue,
  ),
  { selector: ([n]) => n, maxLength: 3 },
);

/** Whole seconds between 2001 and 2099, and a server clock inside the window around them. */
const signedTime = fc.integer({ min: 978_307_200, max: 4_070_908_800 }).map((s) => new Date(s * 1000));
const clockOffset = fc.integer({ min: -900_000, max: 900_000 });
const nonce = fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 1, maxLength: 64 });

const body = fc.oneof(
  fc.constant({ bytes: Buffer.alloc(0), contentType: undefined }),
  fc
    .uint8Array({ minLength: 1, maxLength: 48 })
    .map((b) => ({ bytes: Buffer.from(b), contentType: 'application/octet-stream' })),
  params.map((p) => ({
    bytes: Buffer.from(strictQuery(p)),
    contentType: 'application/x-www-form-urlencoded',
  })),
);

const acs3Case = fc.record({
  method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'),
  path: fc.oneof(fc.constant('/'), fc.stringMatching(/^(\/[A-Za-z0-9._~-]{1,8}){1,3}$/)),
  query: params,
  encodeQuery: fc.constantFrom(sdkQuery, strictQuery),
  headers: extraHeaders,
  body,
  accessKeyId,
  secret,
  time: signedTime,
  clockOffset,
  nonce,
});
type Acs3Case = typeof acs3Case extends fc.Arbitrary<infer T> ? T : never;

const rpcCase = fc.record({
  method: fc.constantFrom('GET', 'POST'),
  in: fc.constantFrom('query' as const, 'body' as const),
  params,
  accessKeyId,
  secret,
  time: signedTime,
  clockOffset,
  nonce,
});
type RpcCase = typeof rpcCase extends fc.Arbitrary<infer T> ? T : never;

const buildAcs3 = (c: Acs3Case) =>
  acs3Request({
    method: c.method,
    path: c.path,
    query: c.query,
    encodeQuery: c.encodeQuery,
    headers: {
      ...Object.fromEntries(c.headers),
      ...(c.body.contentType === undefined ? {} : { 'content-type': c.body.contentType }),
    },
    body: c.body.bytes,
    accessKeyId: c.accessKeyId,
    secret: c.secret,
    time: c.time,
    nonce: c.nonce,
  });

const buildRpc = (c: RpcCase, overrides: Partial<Parameters<typeof rpcRequest>[0]> = {}) =>
  rpcRequest({ ...c, ...overrides });

const verifyCase = (
  request: SignedRequest,
  c: { accessKeyId: string; secret: string; time: Date; clockOffset: number },
) =>
  verifyWith(request, {
    credentials: [permanentKey(c.accessKeyId, c.secret)],
    now: new Date(c.time.getTime() + c.clockOffset),
  });

// ---------------------------------------------------------------------------------------------
// Single-character mutations

const REPLACEMENTS = [...'aZ09-._~ !%+=&é€😀'];
/** `text` with the code point at `at` (modulo its length) replaced, or one appended to an empty text. */
function mutate(text: string, at: number, pick: number): string {
  const chars = Array.from(text);
  if (chars.length === 0) return REPLACEMENTS[pick % REPLACEMENTS.length]!;
  const i = at % chars.length;
  const options = REPLACEMENTS.filter((r) => r !== chars[i]);
  chars[i] = options[pick % options.length]!;
  return chars.join('');
}
/** The same, for values that must stay visible ASCII without spaces (headers, signatures). */
function mutateVisible(text: string, at: number, pick: number, alphabet = 'abcXYZ0189-_.'): string {
  if (text.length === 0) return alphabet[pick % alphabet.length]!;
  const i = at % text.length;
  const options = [...alphabet].filter((c) => c !== text[i]);
  return text.slice(0, i) + options[pick % options.length] + text.slice(i + 1);
}

/** `bytes` with one byte changed, or one byte appended to an empty body. */
function flipByte(bytes: Buffer, at: number, pick: number): Buffer {
  if (bytes.length === 0) return Buffer.from([pick % 256]);
  const changed = Buffer.from(bytes);
  changed[at % bytes.length]! ^= 1 + (pick % 255);
  return changed;
}

const mutation = fc.record({
  kind: fc.constantFrom(
    'method',
    'path',
    'query-name',
    'query-value',
    'header',
    'body',
    'credential',
    'signature',
  ),
  target: fc.nat(),
  at: fc.nat(),
  pick: fc.nat(),
});
type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

/** The mutated request and the codes it may be refused with; undefined when the part is absent. */
function mutateAcs3(
  c: Acs3Case,
  request: ReturnType<typeof buildAcs3>,
  m: Mutation,
): [SignedRequest, AuthErrorCode[]] | undefined {
  const headers = request.headers as Record<string, string>;
  const authorization = headers.authorization!;
  switch (m.kind) {
    case 'method':
      return [
        { ...request, method: mutateVisible(c.method, m.at, m.pick, 'ABCXYZ') },
        ['SignatureDoesNotMatch'],
      ];
    case 'path':
      return [
        { ...request, path: mutateVisible(c.path, m.at, m.pick, '/abc._~') },
        ['SignatureDoesNotMatch'],
      ];
    case 'query-name':
    case 'query-value': {
      if (c.query.length === 0) return undefined;
      const i = m.target % c.query.length;
      const query = c.query.map(([n, v], j): Param => {
        if (j !== i) return [n, v];
        return m.kind === 'query-name' ? [mutate(n, m.at, m.pick), v] : [n, mutate(v, m.at, m.pick)];
      });
      return [
        { ...request, rawQuery: c.encodeQuery(query) },
        ['SignatureDoesNotMatch', 'InvalidParameter.Duplicate'],
      ];
    }
    case 'header': {
      const names = authorization.match(/SignedHeaders=([^,]+)/)![1]!.split(';');
      const name = names[m.target % names.length]!;
      const value = mutateVisible(headers[name]!, m.at, m.pick);
      const codes: AuthErrorCode[] =
        name === 'x-acs-date'
          ? ['SignatureDoesNotMatch', 'InvalidTimeStamp.Format', 'InvalidTimeStamp.Expired']
          : name === 'content-type'
            ? ['SignatureDoesNotMatch', 'InvalidParameter.Malformed', 'InvalidParameter.Duplicate']
            : ['SignatureDoesNotMatch'];
      return [{ ...request, headers: { ...headers, [name]: value } }, codes];
    }
    case 'body':
      return [
        { ...request, body: flipByte(request.body, m.at, m.pick) },
        ['SignatureDoesNotMatch', 'InvalidParameter.Malformed', 'InvalidParameter.Duplicate'],
      ];
    case 'credential': {
      const mutated = authorization.replace(
        c.accessKeyId,
        mutateVisible(c.accessKeyId, m.at, m.pick, 'abcXYZ019'),
      );
      return [
        { ...request, headers: { ...headers, authorization: mutated } },
        ['InvalidAccessKeyId.NotFound'],
      ];
    }
    case 'signature': {
      const signature = authorization.slice(-64);
      const mutated =
        authorization.slice(0, -64) + mutateVisible(signature, m.at, m.pick, '0123456789abcdef');
      return [{ ...request, headers: { ...headers, authorization: mutated } }, ['SignatureDoesNotMatch']];
    }
  }
}

/** The RPC request with one signed thing changed, and the codes it may be refused with. */
function mutateRpc(c: RpcCase, m: Mutation): [SignedRequest, AuthErrorCode[] | 'any'] | undefined {
  switch (m.kind) {
    case 'method':
      return [
        { ...buildRpc(c), method: mutateVisible(c.method, m.at, m.pick, 'ABCXYZ') },
        ['SignatureDoesNotMatch'],
      ];
    case 'query-name':
    case 'query-value': {
      if (c.params.length === 0) return undefined;
      const i = m.target % c.params.length;
      const original = buildRpc(c);
      const mutatedParams = c.params.map(([n, v], j): Param => {
        if (j !== i) return [n, v];
        return m.kind === 'query-name' ? [mutate(n, m.at, m.pick), v] : [n, mutate(v, m.at, m.pick)];
      });
      // Re-encode the signed request with one parameter changed but the original Signature kept.
      const raw = c.in === 'query' ? original.rawQuery : original.body.toString();
      const signature = new URLSearchParams(raw).get('Signature')!;
      const resent = buildRpc(c, { params: mutatedParams });
      const replace = (text: string) =>
        text.replace(/Signature=[^&]*$/, sdkQuery([['Signature', signature]]));
      const tampered =
        c.in === 'query'
          ? { ...resent, rawQuery: replace(resent.rawQuery) }
          : { ...resent, body: Buffer.from(replace(resent.body.toString())) };
      return [tampered, ['SignatureDoesNotMatch', 'InvalidParameter.Duplicate']];
    }
    case 'header':
    case 'path':
      return undefined;
    case 'body': {
      if (c.in === 'query') return undefined;
      const original = buildRpc(c);
      const body = flipByte(original.body, m.at, m.pick);
      // V2 signs the decoded parameters, not the bytes: `%E0` and `%e0` are the same request.
      const before = parseParams(original.body.toString('latin1'));
      const after = parseParams(body.toString('latin1'));
      if (after.ok && before.ok && JSON.stringify(after.value) === JSON.stringify(before.value))
        return undefined;
      // A changed byte can land anywhere, common parameters included: any refusal will do.
      return [{ ...original, body }, 'any'];
    }
    case 'credential':
      return [
        buildRpc(c, { accessKeyId: mutateVisible(c.accessKeyId, m.at, m.pick, 'abcXYZ019') }),
        // Re-signed with the right secret, but the lookup does not know the new ID.
        ['InvalidAccessKeyId.NotFound'],
      ];
    case 'signature': {
      const original = buildRpc(c);
      const raw = c.in === 'query' ? original.rawQuery : original.body.toString();
      const signature = new URLSearchParams(raw).get('Signature')!;
      const mutated = sdkQuery([['Signature', mutateVisible(signature, m.at, m.pick, BASE64)]]);
      const replace = (text: string) => text.replace(/Signature=[^&]*$/, mutated);
      return [
        c.in === 'query'
          ? { ...original, rawQuery: replace(original.rawQuery) }
          : { ...original, body: Buffer.from(replace(original.body.toString())) },
        ['SignatureDoesNotMatch'],
      ];
    }
  }
}

function expectCodeIn<T>(result: Result<T, AuthError>, codes: readonly AuthErrorCode[] | 'any'): void {
  if (result.ok) assert.fail(`expected a refusal (${codes}), but the request verified`);
  if (codes === 'any') return;
  assert.ok(
    codes.includes(result.error.code),
    `${result.error.code} not in ${codes.join(', ')}: ${result.error.message}`,
  );
}

// ---------------------------------------------------------------------------------------------

describe('properties: signed requests verify', () => {
  it('ACS3: any request signed like the SDK verifies, with its parameters handed back', async () => {
    await fc.assert(
      fc.asyncProperty(acs3Case, async (c) => {
        const result = await verifyCase(buildAcs3(c), c);
        if (!result.ok) assert.fail(`${result.error.code}: ${result.error.message}`);
        const form =
          c.body.contentType === 'application/x-www-form-urlencoded'
            ? [...new URLSearchParams(c.body.bytes.toString())]
            : [];
        assert.deepEqual({ ...result.value.params }, Object.fromEntries([...c.query, ...form]));
      }),
      run(300),
    );
  });

  it('RPC: any request signed like pop-core or openapi-core v2 verifies, with its parameters handed back', async () => {
    await fc.assert(
      fc.asyncProperty(rpcCase, async (c) => {
        const result = await verifyCase(buildRpc(c), c);
        if (!result.ok) assert.fail(`${result.error.code}: ${result.error.message}`);
        for (const [name, value] of c.params) assert.equal(result.value.params[name], value);
      }),
      run(300),
    );
  });
});

describe('properties: a single-character change to a signed part fails', () => {
  it('ACS3', async () => {
    await fc.assert(
      fc.asyncProperty(acs3Case, mutation, async (c, m) => {
        const request = buildAcs3(c);
        const mutated = mutateAcs3(c, request, m);
        fc.pre(mutated !== undefined);
        const [tampered, codes] = mutated!;
        expectCodeIn(await verifyCase(tampered, c), codes);
      }),
      run(500),
    );
  });

  it('RPC', async () => {
    await fc.assert(
      fc.asyncProperty(rpcCase, mutation, async (c, m) => {
        const mutated = mutateRpc(c, m);
        fc.pre(mutated !== undefined);
        const [tampered, codes] = mutated!;
        expectCodeIn(await verifyCase(tampered, c), codes);
      }),
      run(500),
    );
  });
});

describe('properties: secrets never leak', () => {
  /** The expected signature a SignatureDoesNotMatch message could have leaked, rebuilt from it. */
  const expectedSignatureIn = (message: string, key: string): string | undefined => {
    const v3 = /server StringToSign is \[([^\]]*)\]$/.exec(message);
    if (v3 !== null) return acs3Signature(key, v3[1]!);
    const v2 = /server string to sign is:(.*)$/s.exec(message);
    return v2 === null ? undefined : rpcSignature(key, v2[1]!);
  };

  const shown = (result: Result<VerifiedRequest, AuthError>) =>
    result.ok
      ? `${JSON.stringify(result.value)} ${inspect(result.value, { depth: 5 })}`
      : `${result.error.message} ${JSON.stringify(result.error)} ${inspect(result.error)}`;

  const anyCase = fc.oneof(
    acs3Case.map((c) => ({ v3: true as const, c })),
    rpcCase.map((c) => ({ v3: false as const, c })),
  );

  it('in any error message or verified result, whatever the secret and however the request was changed', async () => {
    await fc.assert(
      fc.asyncProperty(anyCase, mutation, fc.boolean(), secret, async (chosen, m, tamper, otherSecret) => {
        const key = chosen.c.secret;
        fc.pre(otherSecret !== key);
        // Either correctly signed and then changed, or signed with another secret.
        const signedWith = { ...chosen.c, secret: tamper ? key : otherSecret };
        const request = chosen.v3 ? buildAcs3(signedWith as Acs3Case) : buildRpc(signedWith as RpcCase);
        const mutated = !tamper
          ? undefined
          : chosen.v3
            ? mutateAcs3(chosen.c, request, m)
            : mutateRpc(chosen.c, m);
        const sent = mutated?.[0] ?? request;
        const result = await verifyCase(sent, chosen.c);

        // What is shown is a function of the request alone: the same under any other secret.
        const underOtherSecret = await verifyCase(sent, { ...chosen.c, secret: otherSecret });
        if (!result.ok && !underOtherSecret.ok)
          assert.equal(result.error.message, underOtherSecret.error.message);

        // So the secret shows only where the request itself spelled it out (fast-check likes to
        // generate the same odd words for IDs, parameters and secrets alike).
        if (!JSON.stringify(chosen.c).includes(key))
          assert.ok(!shown(result).includes(key), 'the secret is shown');
        if (!result.ok) {
          const expected = expectedSignatureIn(result.error.message, key);
          if (expected !== undefined) {
            assert.ok(!result.error.message.includes(expected), 'the expected signature is shown');
          }
        }
      }),
      run(500),
    );
  });
});
