/**
 * `policyLimits` reach the API: the Set actions validate against the configured limits, and the
 * request size limits follow the configured largest document.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEFAULT_POLICY_LIMITS } from '../../src/policy/policy-limits.js';
import { ALL_ACTIONS } from '../../src/server/actions/index.js';
import { call, expectError, expectSuccess, startTestServer } from '../support/server-harness.js';

const policy = (entries: number) =>
  JSON.stringify({
    Version: 1,
    Status: 'Active',
    Statements: [
      {
        Type: 'ClassicWhiteList',
        IPList: ['127.0.0.1', ...Array.from({ length: entries - 1 }, (_, i) => `192.0.2.${i}`)],
      },
    ],
  });

describe('configured policy limits', async () => {
  const t = await startTestServer({
    actions: ALL_ACTIONS,
    policyLimits: { ...DEFAULT_POLICY_LIMITS, maxEntriesPerStatement: 3, maxDocumentBytes: 1024 },
  });
  const set = (document: string) =>
    call(t.port, {
      action: 'SetAccessKeyPolicy',
      params: { UserAccessKeyId: t.root.accessKeyId, AccessKeyPolicy: document },
      credentials: t.root,
      in: 'body',
    });

  test('the Set actions take the configured limits, not the defaults', async () => {
    expectSuccess(await set(policy(3)));
    const body = expectError(await set(policy(4)), 400, 'InvalidParameter.AccessKeyPolicy');
    assert.match(body.Message, /has 4 IPList entries; the limit is 3/);
  });

  test('the body limit follows the largest document: 3 × 1024 + 16 KiB', async () => {
    const reply = await call(t.port, {
      action: 'SetAccessKeyPolicy',
      params: { UserAccessKeyId: t.root.accessKeyId, AccessKeyPolicy: 'x'.repeat(20_000) },
      credentials: t.root,
      in: 'body',
    });
    expectError(reply, 413, 'RequestEntityTooLarge');
    assert.match(reply.body.Message, /19456 bytes/);
  });
});
