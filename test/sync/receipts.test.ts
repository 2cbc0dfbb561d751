import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildAuditEvent } from '../../src/audit/audit-event.js';
import { getPolicyVersionStatus } from '../../src/server/actions/ims/get-policy-version-status.js';
import type { UserName } from '../../src/store/index.js';
import {
  type Credentials,
  call,
  classicPolicy,
  createUserKey,
  send,
  setPolicy,
  startTestServer,
  testActions,
} from '../support/server-harness.js';
import { until } from '../support/until.js';

const actions = [...testActions, getPolicyVersionStatus];
const identity = { action: 'GetTestIdentity', version: '2015-04-01' } as const;

/** GetPolicyVersionStatus as `credentials`, of `policyVersion` (as the caller writes it) when given. */
const policyVersionStatus = (port: number, credentials: Credentials, policyVersion?: string) =>
  call(port, {
    action: 'GetPolicyVersionStatus',
    credentials,
    ...(policyVersion === undefined ? {} : { params: { PolicyVersion: policyVersion } }),
  });

test('every decision is recorded with the version the node enforced when it made it', async () => {
  const t = await startTestServer({ actions });
  const key = await createUserKey(t, 'alice');
  const before = await t.store.currentVersion();
  await t.enforced(before);
  const allowed = await call(t.port, { ...identity, credentials: key });
  assert.equal(allowed.status, 200);
  const version = await setPolicy(
    t,
    { kind: 'accessKey', accessKeyId: key.accessKeyId },
    classicPolicy('198.51.100.7'),
  );
  const denied = await call(t.port, { ...identity, credentials: key });
  assert.equal(denied.status, 400);
  assert.equal(denied.body.AccessDeniedDetail.PolicyVersion, version, 'the denial names the deciding policy');
  const unauthenticated = await call(t.port, {
    ...identity,
    credentials: { ...key, accessKeySecret: 'wrong' },
  });
  assert.equal(unauthenticated.status, 400);

  assert.equal(t.audit.find(allowed.body.RequestId).appliedVersion, before);
  const deniedRecord = t.audit.find(denied.body.RequestId);
  assert.equal(deniedRecord.appliedVersion, version);
  assert.equal(t.audit.find(unauthenticated.body.RequestId).appliedVersion, null, 'no decision, no version');

  const event = buildAuditEvent(deniedRecord, { eventId: 'e', principal: undefined, region: 'r' }).event;
  assert.equal(event.keyfence.appliedVersion, version, 'the audit event keeps it');
  assert.equal(event.keyfence.policyVersion, version);
});

test('/readyz names the node and its version; the node row follows it and says when it stopped', async () => {
  const t = await startTestServer({ actions, nodeId: 'node-under-test', sync: { heartbeatMs: 20 } });
  const ready = await send(t.port, { path: '/readyz' });
  assert.deepEqual(ready.body, {
    status: 'ready',
    appliedVersion: t.server.appliedVersion,
    nodeId: 'node-under-test',
    stale: false,
    staleForMs: 0,
  });
  const key = await createUserKey(t, 'bob');
  const version = await setPolicy(
    t,
    { kind: 'accessKey', accessKeyId: key.accessKeyId },
    classicPolicy('192.0.2.1'),
  );
  const row = async () => (await t.store.listNodes()).nodes.find((node) => node.nodeId === 'node-under-test');
  await until(
    async () => (await row())?.appliedVersion === version,
    'the node row shows the applied version',
  );
  assert.equal((await row())?.address, t.url);
  assert.equal((await row())?.state, 'serving');
  await t.server.close();
  assert.equal((await row())?.state, 'stopped');
});

test('GetPolicyVersionStatus answers which nodes enforce a version, for those allowed to read', async () => {
  const t = await startTestServer({ actions, nodeId: 'node-1', sync: { heartbeatMs: 20 } });
  const root = t.root;
  const version = await setPolicy(t, { kind: 'account' }, classicPolicy('127.0.0.1'));
  await until(
    async () => (await t.store.listNodes()).nodes.some((node) => node.appliedVersion === version),
    'the node reported the version',
  );
  const status = await policyVersionStatus(t.port, root, String(version));
  assert.equal(status.status, 200, status.text);
  assert.equal(status.body.PolicyVersion, version);
  assert.equal(status.body.CurrentVersion, version);
  assert.equal(status.body.Enforced, true);
  assert.equal(status.body.EnforcingNodes, 1);
  assert.equal(status.body.LaggingNodes, 0);
  assert.deepEqual(
    status.body.Nodes.Node.map((node: Record<string, unknown>) => [
      node.NodeId,
      node.Status,
      node.AppliedVersion,
    ]),
    [['node-1', 'Enforcing', version]],
  );
  assert.equal('Address' in status.body.Nodes.Node[0], false, 'deployment addresses stay out of the answer');

  // Another node that reported an older version lags.
  await t.store.recordNode({
    nodeId: 'node-2',
    address: null,
    state: 'serving',
    appliedVersion: version - 1,
    heartbeatMs: 60_000,
    startedAt: new Date(),
  });
  const lagging = await policyVersionStatus(t.port, root);
  assert.equal(lagging.body.PolicyVersion, version, 'the default is the last committed version');
  assert.equal(lagging.body.Enforced, false);
  assert.equal(lagging.body.LaggingNodes, 1);

  for (const bad of ['0', '-1', 'x', '1e3', String(version + 1)]) {
    const refused = await policyVersionStatus(t.port, root, bad);
    assert.equal(refused.status, 400, bad);
    assert.equal(refused.body.Code, 'InvalidParameter.PolicyVersion', bad);
  }

  const user = await createUserKey(t, 'reader');
  const forbidden = await policyVersionStatus(t.port, user);
  assert.equal(forbidden.status, 403);
  assert.equal(forbidden.body.Code, 'NoPermission');
  await t.store.write((tx) =>
    tx.attachPolicyToUser(t.accountId, 'reader' as UserName, {
      policyType: 'System',
      policyName: 'AliyunRAMReadOnlyAccess',
    }),
  );
  // Written behind the node's back: it holds attachments in memory and hears of this one by its poll.
  const attached = await t.store.currentVersion();
  await until(() => t.server.appliedVersion >= attached, 'the node applied the attachment');
  const permitted = await policyVersionStatus(t.port, user);
  assert.equal(permitted.status, 200, 'a read-only administrator may ask');
});
