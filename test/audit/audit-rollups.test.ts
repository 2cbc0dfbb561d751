/**
 * The key-source rollups of events as the audit sink builds and stores them, on SQLite: the
 * fields the rollups read from an event's document (VPC, service code, `keyfence.count` and
 * `lastTime`) are where the sink writes them, coalesced events count every request they stand
 * for, and STS callers are left out. (Rollups against random traffic on both databases:
 * test/store/key-source-rollups.test.ts.)
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { StoreAuditSink } from '../../src/audit/store-audit-sink.js';
import type { KeyFenceStore } from '../../src/store/index.js';
import { type TempSqliteStore, tempSqliteStore } from '../store/support/temp-sqlite-store.js';
import { ACCOUNT, denied, ROOT_KEY, requestRecord, roleCaller } from './support.js';

const SECOND = Date.UTC(2024, 4, 6, 23, 59, 59);
let requests = 0;

function check(ms: number, changes: Parameters<typeof requestRecord>[0] = {}) {
  return requestRecord({
    requestId: `R-${String(++requests).padStart(8, '0')}`,
    time: new Date(SECOND + ms),
    action: 'DescribeInstances',
    version: '2014-05-26',
    product: null,
    entryPoint: 'forward-auth',
    service: 'ecs',
    original: { method: 'GET', host: 'ecs.example.com', path: '/instances' },
    source: { ip: '::ffff:203.0.113.7', vpcId: 'vpc-1', fault: null },
    ...changes,
  });
}

let temp: TempSqliteStore;
let store: KeyFenceStore;
before(async () => {
  temp = await tempSqliteStore('keyfence-rollups-');
  ({ store } = temp);
});
after(() => temp.remove());

test('events from the sink roll up by key, source, VPC and day, coalesced ones by their count', async () => {
  const sink = new StoreAuditSink(store, { flushIntervalMs: 3_600_000 });
  for (let ms = 0; ms < 300; ms++) sink.record(check(ms));
  sink.record(
    check(500, {
      decision: denied,
      errorCode: 'InvalidAccessKeyId.AccessPolicyDenied',
      errorMessage: 'Specified access key denied due to access policy.',
      httpStatus: 400,
    }),
  );
  // The next UTC day, by RPC, failed after the decision.
  sink.record(
    check(1500, {
      entryPoint: 'rpc',
      original: null,
      service: 'ims',
      errorCode: 'NoPermission',
      httpStatus: 403,
    }),
  );
  sink.record(check(600, { caller: roleCaller }));
  await sink.close();

  const rows = await store.keySourceRollups({
    accountId: ACCOUNT,
    from: new Date(SECOND - 86_400_000),
    to: new Date(SECOND + 86_400_000),
  });
  assert.equal(sink.counters.coalesced > 0, true);
  assert.deepEqual(
    rows.map((row) => ({ ...row, services: Object.fromEntries(row.services) })),
    [
      {
        accessKeyId: ROOT_KEY,
        sourceIp: '203.0.113.7',
        vpcId: 'vpc-1',
        allowed: 300,
        denied: 1,
        failed: 1,
        firstSeen: new Date(SECOND),
        lastSeen: new Date(SECOND + 1500),
        days: 2,
        services: { ecs: 301, ims: 1 },
        otherServices: 0,
      },
    ],
  );
});
