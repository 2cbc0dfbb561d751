/**
 * KeyFence's own product (Version 2026-12-01) through the official SDK's generic `callApi`, as a
 * client without a generated KeyFence client calls it: CheckAccessKeyAccess's answer and
 * refusals (and what V2 signing makes of its AccessKeyId), and GetPolicyVersionStatus under
 * KeyFence's version.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KeyFenceProcess } from '../support/keyfence-process.js';
import {
  callApi,
  classic,
  expectSdkError,
  openApiClient,
  policy,
  principalName,
  VERSIONS,
} from './support/sdk.js';
import { useKeyFence } from './support/use-keyfence.js';

let server: KeyFenceProcess;
let erinKey: string;

useKeyFence({}, async (started) => {
  server = started;
  const root = openApiClient(server, server.root);
  const erin = principalName('erin', server.root.accountId);
  await callApi(root, 'CreateUser', VERSIONS.ims, { UserPrincipalName: erin, DisplayName: 'Erin' });
  const created = await callApi(root, 'CreateAccessKey', VERSIONS.ims, { UserPrincipalName: erin });
  erinKey = (created.body.AccessKey as { AccessKeyId: string }).AccessKeyId;
  await callApi(root, 'SetAccessKeyPolicy', VERSIONS.ims, {
    UserPrincipalName: erin,
    UserAccessKeyId: erinKey,
    AccessKeyPolicy: policy('Active', classic('203.0.113.0/24')),
  });
});

test('CheckAccessKeyAccess answers the SDK', async () => {
  const client = openApiClient(server, server.root);
  const allowed = await callApi(client, 'CheckAccessKeyAccess', VERSIONS.keyfence, {
    AccessKeyId: erinKey,
    SourceIp: '203.0.113.9',
  });
  assert.equal(allowed.statusCode, 200);
  assert.equal(allowed.body.AccessKeyId, erinKey);
  assert.equal(allowed.body.Allowed, true);
  assert.equal(allowed.body.Scope, 'AccessKey');
  assert.equal(allowed.body.StatementIndex, 0);
  const denied = await callApi(client, 'CheckAccessKeyAccess', VERSIONS.keyfence, {
    AccessKeyId: erinKey,
    SourceIp: '198.51.100.1',
  });
  assert.equal(denied.body.Allowed, false);
  assert.equal(denied.body.Reason, 'public-ip-not-allowed');
  assert.deepEqual(
    (denied.body.Scopes as Record<string, unknown>[]).map((s) => [s.Scope, s.Status, s.Allowed]),
    [['AccessKey', 'Active', false]],
  );
});

test('CheckAccessKeyAccess refusals reach the SDK as errors with their codes', async () => {
  const client = openApiClient(server, server.root);
  const check = (query: Record<string, unknown>) =>
    callApi(client, 'CheckAccessKeyAccess', VERSIONS.keyfence, query);
  await expectSdkError(
    check({ AccessKeyId: 'LTAI5tNoSuchKeyNoSuchKey', SourceIp: '10.0.0.1' }),
    'unknown key',
    'EntityNotExist.User.AccessKey',
    404,
  );
  await expectSdkError(
    check({ AccessKeyId: erinKey, SourceIp: '10.0.0.01' }),
    'bad address',
    'InvalidParameter.SourceIp',
    400,
  );
  await expectSdkError(check({}), 'nothing to check', 'MissingParameter.AccessKeyIdOrRequestId', 400);
});

test('signed V2 (HMAC-SHA1), AccessKeyId is the signature’s own parameter: the check is of the signing key', async () => {
  const client = openApiClient(server, server.root, { signatureAlgorithm: 'v2' });
  const res = await callApi(client, 'CheckAccessKeyAccess', VERSIONS.keyfence, {
    AccessKeyId: erinKey,
    SourceIp: '198.51.100.1',
  });
  // The SDK puts its own key in AccessKeyId; the answer says which key it checked.
  assert.equal(res.body.AccessKeyId, server.root.accessKeyId);
  assert.equal(res.body.Allowed, true);
  await expectSdkError(
    callApi(client, 'CheckAccessKeyAccess', VERSIONS.keyfence, { SourceIp: '10.0.0.01' }),
    'bad address under V2',
    'InvalidParameter.SourceIp',
    400,
  );
});

test('GetPolicyVersionStatus answers under 2026-12-01', async () => {
  const client = openApiClient(server, server.root);
  const res = await callApi(client, 'GetPolicyVersionStatus', VERSIONS.keyfence);
  assert.equal(res.statusCode, 200);
  assert.equal(typeof res.body.CurrentVersion, 'number');
  assert.equal(res.body.PolicyVersion, res.body.CurrentVersion);
});
