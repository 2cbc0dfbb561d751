import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ALL_ACTIONS } from '../../../src/server/actions/index.js';
import {
  call,
  classicPolicy,
  expectError,
  expectSuccess,
  setPolicy,
  startTestServer,
} from '../../support/server-harness.js';

// The real IMS actions, over HTTP, so that concurrent clients race as they would in production.
const t = await startTestServer({ actions: ALL_ACTIONS });

const getAccountPolicy = async () => {
  const body = expectSuccess(
    await call(t.port, { action: 'GetAccessKeyPolicyForAccount', credentials: t.root }),
  );
  return { policy: JSON.parse(body.AccessKeyPolicy as string), version: body.PolicyVersion as number };
};

const setAccountPolicy = (policy: unknown, expectedVersion: number) =>
  call(t.port, {
    action: 'SetAccessKeyPolicyForAccount',
    credentials: t.root,
    params: { AccessKeyPolicy: JSON.stringify(policy), ExpectedPolicyVersion: String(expectedVersion) },
  });

/** Read, add `address` to the first statement, write back with the version read; again on 409. */
async function addAddress(address: string): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    const { policy, version } = await getAccountPolicy();
    policy.Statements[0].IPList.push(address);
    const reply = await setAccountPolicy(policy, version);
    if (reply.status === 200) return attempt;
    expectError(reply, 409, 'PolicyVersionConflict');
    assert.ok(attempt < 100, `${address}: still conflicting after ${attempt} attempts`);
  }
}

describe('ExpectedPolicyVersion through the API', () => {
  test('20 clients editing one policy concurrently, each retrying on 409: no edit is lost', async () => {
    // The test's own address stays allowed, so the lockout guard never interferes.
    await setPolicy(t, { kind: 'account' }, classicPolicy('127.0.0.1'));
    const addresses = Array.from({ length: 20 }, (_, i) => `192.0.2.${i + 1}`);
    const attempts = await Promise.all(addresses.map(addAddress));
    const { policy } = await getAccountPolicy();
    assert.deepEqual([...policy.Statements[0].IPList].sort(), ['127.0.0.1', ...addresses].sort());
    // The race did happen: some writes were refused and retried.
    assert.ok(
      attempts.some((n) => n > 1),
      `no conflict in ${attempts.length} concurrent edits`,
    );
  });

  test('a stale version is refused with 409, the policy is unchanged and the refusal is audited', async () => {
    const before = await getAccountPolicy();
    const reply = await setAccountPolicy(classicPolicy('127.0.0.1', '203.0.113.1'), before.version - 1);
    const body = expectError(reply, 409, 'PolicyVersionConflict');
    assert.match(body.Message as string, new RegExp(`current PolicyVersion is ${before.version}\\b`));
    assert.equal(body.CurrentPolicyVersion, before.version);
    assert.deepEqual(await getAccountPolicy(), before);
    const record = t.audit.find(body.RequestId as string);
    assert.equal(record.action, 'SetAccessKeyPolicyForAccount');
    assert.equal(record.errorCode, 'PolicyVersionConflict');
    assert.equal(record.httpStatus, 409);
    assert.equal(record.params?.ExpectedPolicyVersion, String(before.version - 1));
  });
});
