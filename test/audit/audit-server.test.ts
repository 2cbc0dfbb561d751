/**
 * The audit log end to end: a real server over a real store with the StoreAuditSink, signed
 * requests through a trusted proxy, and LookupEvents reading back what the calls left behind.
 */

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { StoreAuditSink } from '../../src/audit/store-audit-sink.js';
import type { KeyFenceServer } from '../../src/server/keyfence-server.js';
import type { AccountId, KeyFenceStore } from '../../src/store/index.js';
import { classicPolicy } from '../store/support/policies.js';
import { type TempSqliteStore, tempSqliteStore } from '../store/support/temp-sqlite-store.js';
import { type Credentials, call, expectError, expectSuccess } from '../support/server-harness.js';
import { startAuditedServer } from './audited-server.js';

const ACTIONTRAIL = '2020-07-06';

describe('audit log through the server', () => {
  let temp: TempSqliteStore;
  let store: KeyFenceStore;
  let server: KeyFenceServer;
  let sink: StoreAuditSink;
  let port: number;
  let accountId: AccountId;
  let root: Credentials;

  before(async () => {
    temp = await tempSqliteStore('keyfence-audit-server-');
    ({ store } = temp);
    const created = await store.write(async (tx) => {
      const account = await tx.createAccount();
      return { accountId: account.accountId, key: await tx.createAccessKey(account.accountId) };
    });
    accountId = created.accountId;
    root = { accessKeyId: created.key.accessKeyId, accessKeySecret: created.key.accessKeySecret };
    await store.write((tx) =>
      tx.setPolicy({ scope: 'account', accountId }, classicPolicy('198.51.100.0/24'), { actor: 'test' }),
    );
    sink = new StoreAuditSink(store, { flushIntervalMs: 3_600_000 });
    ({ server, port } = await startAuditedServer(store, sink));
  });

  after(async () => {
    await server.close();
    await sink.close();
    await temp.remove();
  });

  const lookup = (params: Record<string, string>, from = '198.51.100.7') =>
    call(port, {
      action: 'LookupEvents',
      version: ACTIONTRAIL,
      params,
      credentials: root,
      headers: { 'x-forwarded-for': from, 'user-agent': 'audit-test/1.0' },
    });

  test('a denied call appears in LookupEvents with its source IP and the deciding policy', async () => {
    const denied = expectError(await lookup({}, '203.0.113.9'), 400, 'InvalidAccessKeyId.AccessPolicyDenied');
    const allowed = expectSuccess(await lookup({}));
    const forged = await call(port, {
      action: 'LookupEvents',
      version: ACTIONTRAIL,
      credentials: { accessKeyId: root.accessKeyId, accessKeySecret: 'not-the-secret-at-all-000000' },
      headers: { 'x-forwarded-for': '192.0.2.66' },
    });
    expectError(forged, 400, 'SignatureDoesNotMatch');
    await sink.flush();

    const found = expectSuccess(
      await lookup({
        'LookupAttribute.1.Key': 'Result',
        'LookupAttribute.1.Value': 'Failure',
        'LookupAttribute.2.Key': 'EventName',
        'LookupAttribute.2.Value': 'LookupEvents',
      }),
    );
    assert.equal(found.NextToken, '');
    assert.equal(found.Events.length, 1, JSON.stringify(found.Events));
    const event = found.Events[0];
    assert.equal(event.requestId, denied.RequestId);
    assert.equal(event.sourceIpAddress, '203.0.113.9');
    assert.equal(event.errorCode, 'InvalidAccessKeyId.AccessPolicyDenied');
    assert.equal(event.serviceName, 'Actiontrail');
    assert.equal(event.eventRW, 'Read');
    assert.equal(event.userAgent, 'audit-test/1.0');
    assert.deepEqual(event.userIdentity, {
      type: 'root-account',
      accountId,
      principalId: accountId,
      userName: 'root',
      accessKeyId: root.accessKeyId,
    });
    assert.equal(event.keyfence.allowed, false);
    assert.equal(event.keyfence.scope, 'account');
    assert.equal(event.keyfence.reason, 'public-ip-not-allowed');

    const successes = expectSuccess(
      await lookup({ 'LookupAttribute.1.Key': 'Result', 'LookupAttribute.1.Value': 'Success' }),
    );
    assert.deepEqual(
      successes.Events.map((e: { requestId: string }) => e.requestId),
      [allowed.RequestId],
    );

    // The forged call is kept, under no account, and never shows the string to sign it provoked.
    const database = new Database(temp.file, { readonly: true });
    try {
      const row = database
        .prepare('select account_id, access_key_id, event from audit_events where request_id = ?')
        .get(forged.body.RequestId) as { account_id: string | null; access_key_id: string; event: string };
      assert.equal(row.account_id, null);
      assert.equal(row.access_key_id, root.accessKeyId);
      const stored = JSON.parse(row.event);
      assert.equal(stored.errorCode, 'SignatureDoesNotMatch');
      assert.doesNotMatch(stored.errorMessage, /StringToSign|x-acs-/i);
      assert.equal(stored.userIdentity.type, 'unknown');
    } finally {
      database.close();
    }
  });

  test('LookupEvents refuses bad parameters with Alibaba-style errors', async () => {
    const reply = await lookup({ MaxResults: '500' });
    const body = expectError(reply, 400, 'InvalidParameter.MaxResults');
    assert.match(body.Message, /MaxResults/);
  });
});
