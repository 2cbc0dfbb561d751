/**
 * Masking: an audit event never holds a credential the request carried. The property test builds
 * random requests with credential-like parameters (and SecurityTokens in headers), echoes them in
 * every place a request's text can reach an event (the SignatureDoesNotMatch string to sign, other
 * error messages, the User-Agent, allowlisted parameters) and checks that no secret survives in the
 * event or in what the store is given. A failure prints the seed; replay with FC_SEED=<seed>.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { buildAuditEvent } from '../../src/audit/audit-event.js';
import { maskErrorMessage, safeRequestParameters, secretsOf } from '../../src/audit/masking.js';
import { toStoredEvent } from '../../src/audit/stored-event.js';
import { requestRecord } from './support.js';

const seed = process.env.FC_SEED === undefined ? undefined : Number(process.env.FC_SEED);
const run = (numRuns: number) => (seed === undefined ? { numRuns } : { numRuns, seed });

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const secretValue = fc.string({ unit: fc.constantFrom(...`${ALNUM}+/=`), minLength: 16, maxLength: 64 });
const securityToken = fc
  .string({ unit: fc.constantFrom(...`${ALNUM}+/=`), minLength: 16, maxLength: 200 })
  .map((body) => `CAIS${body}`);
const plainValue = fc.string({ unit: fc.constantFrom(...`${ALNUM}-_.:`), minLength: 0, maxLength: 40 });

const SECRET_NAMES = [
  'Signature',
  'SecurityToken',
  'AccessKeySecret',
  'Password',
  'NewPassword',
  'OldPassword',
  'ClientSecret',
  'PrivateKey',
  'Credential',
  'MFAToken',
];
const OTHER_NAMES = [
  'UserName',
  'UserAccessKeyId',
  'RoleArn',
  'RoleSessionName',
  'Status',
  'Comments',
  'DisplayName',
  'AccessKeyPolicy',
  'Description',
  'SignatureNonce',
  'Timestamp',
];

const request = fc.record({
  secrets: fc.dictionary(fc.constantFrom(...SECRET_NAMES), secretValue, { minKeys: 1 }),
  others: fc.dictionary(fc.constantFrom(...OTHER_NAMES), plainValue),
  // Some secrets also travel as other parameters' values (a password pasted into a comment).
  leaked: fc.dictionary(fc.constantFrom('Comments', 'UserName', 'Description'), fc.nat(20)),
  headerToken: securityToken,
  signatureVersion: fc.constantFrom('v2', 'v3', 'other'),
  userAgentLeaks: fc.boolean(),
});

/** Alibaba's V2 string to sign: every parameter, sorted and percent-encoded. */
function v2StringToSign(params: Record<string, string>): string {
  const encode = (s: string) =>
    encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const query = Object.keys(params)
    .sort()
    .map((name) => `${encode(name)}=${encode(params[name]!)}`)
    .join('&');
  return `POST&%2F&${encode(query)}`;
}

/** A V3 canonical request: the query, then the signed headers with the SecurityToken among them. */
function v3StringToSign(params: Record<string, string>, token: string): string {
  const query = Object.keys(params)
    .sort()
    .map((name) => `${name}=${params[name]}`)
    .join('&');
  return `ACS3-HMAC-SHA256\nPOST\n/\n${query}\nhost:127.0.0.1\nx-acs-security-token:${token}\n`;
}

describe('masking', () => {
  test('property: no credential a request carried ever appears in its event or stored row', () => {
    fc.assert(
      fc.property(request, (generated) => {
        const secretValues = Object.values(generated.secrets);
        const params: Record<string, string> = { ...generated.others, ...generated.secrets };
        for (const [name, index] of Object.entries(generated.leaked)) {
          params[name] = `note ${secretValues[index % secretValues.length]} end`;
        }
        const everySecret = [...secretValues, generated.headerToken];
        const errorMessage =
          generated.signatureVersion === 'v2'
            ? `Specified signature is not matched with our calculation. server string to sign is:${v2StringToSign(params)}`
            : generated.signatureVersion === 'v3'
              ? `Specified signature does not match our calculation. server StringToSign is [${v3StringToSign(params, generated.headerToken)}]`
              : `Something about ${everySecret.join(' and ')} went wrong`;
        const userAgent = generated.userAgentLeaks
          ? `sdk/1.0 token=${generated.headerToken} key=${secretValues[0]}`
          : 'sdk/1.0';
        const built = buildAuditEvent(
          requestRecord({
            params,
            errorCode: generated.signatureVersion === 'other' ? 'InternalError' : 'SignatureDoesNotMatch',
            errorMessage,
            userAgent,
            caller: null,
            decision: null,
            httpStatus: 400,
          }),
          { eventId: 'E0000000-0000-4000-8000-000000000001', principal: undefined, region: 'cn-hangzhou' },
        );
        const stored = toStoredEvent(built);
        const everything = `${JSON.stringify(built)}\n${JSON.stringify(stored)}`;
        for (const secret of everySecret) {
          assert.ok(!everything.includes(secret), `secret ${secret} leaked into ${everything}`);
        }
      }),
      run(300),
    );
  });

  test('only allowlisted parameters are kept, and only when short', () => {
    const params = {
      UserName: 'alice',
      UserAccessKeyId: 'LTAI5tUserKeyUserKey0001',
      RoleArn: 'acs:ram::1234567890123456:role/deployer',
      Status: 'Inactive',
      Comments: 'free text is never kept',
      AccessKeyPolicy: '{"Version":1}',
      Signature: 'c2lnbmF0dXJlc2lnbmF0dXJl',
      RoleSessionName: 'x'.repeat(300),
    };
    assert.deepEqual(safeRequestParameters(params, secretsOf(params)), {
      RoleArn: 'acs:ram::1234567890123456:role/deployer',
      Status: 'Inactive',
      UserAccessKeyId: 'LTAI5tUserKeyUserKey0001',
      UserName: 'alice',
    });
  });

  test('short values of credential-like parameters are not hunted for in text', () => {
    assert.deepEqual(secretsOf({ Signature: 'short', Token: 'abcdefgh', SignatureNonce: 'n'.repeat(40) }), [
      'n'.repeat(40),
      'abcdefgh',
    ]);
  });

  test('error messages lose the echoed string to sign, and stay short', () => {
    assert.equal(
      maskErrorMessage(
        'Specified signature does not match our calculation. server StringToSign is [GET\n/]',
        [],
      ),
      'Specified signature does not match our calculation.',
    );
    assert.equal(
      maskErrorMessage(
        'Specified signature is not matched with our calculation. server string to sign is:GET&%2F&',
        [],
      ),
      'Specified signature is not matched with our calculation.',
    );
    assert.equal(maskErrorMessage('x'.repeat(2000), []).length, 512);
    assert.equal(maskErrorMessage('token CAISabcdefghijklmnopqrstuvwxyz used', []), 'token *** used');
  });
});
