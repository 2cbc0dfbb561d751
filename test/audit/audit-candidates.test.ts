/**
 * Report-only candidates in the audit log: the event records what the candidate would have
 * decided (and nothing when none was staged), coalescing never folds requests the candidate
 * decided differently, and the rollups count the would-deny calls by each event's count.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { AuditedRequest } from '../../src/audit/audit-event.js';
import { StoreAuditSink } from '../../src/audit/store-audit-sink.js';
import type { KeyFenceStore } from '../../src/store/index.js';
import { type TempSqliteStore, tempSqliteStore } from '../store/support/temp-sqlite-store.js';
import { ACCOUNT, allowed, denied, FakeAuditStore, ROOT_KEY, requestRecord } from './support.js';

const SECOND = Date.UTC(2024, 4, 6, 7, 8, 9);
let requests = 0;

function check(ms: number, changes: Partial<AuditedRequest> = {}): AuditedRequest {
  return requestRecord({
    requestId: `R-${String(++requests).padStart(8, '0')}`,
    time: new Date(SECOND + ms),
    action: 'DescribeInstances',
    version: '2014-05-26',
    product: null,
    entryPoint: 'forward-auth',
    service: 'ecs',
    original: { method: 'GET', host: 'ecs.example.com', path: '/instances' },
    source: { ip: '203.0.113.7', vpcId: null, fault: null },
    ...changes,
  });
}

describe('report-only candidates in audit events', () => {
  test('the event carries the candidate outcome, or nothing without one', async () => {
    const store = new FakeAuditStore();
    const sink = new StoreAuditSink(store, { flushIntervalMs: 3_600_000 });
    sink.record(check(0, { candidate: denied }));
    sink.record(check(1_000));
    await sink.close();
    const [withCandidate, without] = store.events.map((event) => JSON.parse(event.document));
    assert.deepEqual(withCandidate.keyfence.candidate, {
      allowed: false,
      reason: 'public-ip-not-allowed',
      scope: 'account',
      statement: null,
      policyVersion: 3,
    });
    assert.equal('candidate' in without.keyfence, false);
    assert.equal(store.events[0]!.rollup?.candidateDenied, true);
    assert.equal(store.events[1]!.rollup?.candidateDenied, undefined);
  });

  test('requests the candidate decided differently are never folded together', async () => {
    const store = new FakeAuditStore();
    const sink = new StoreAuditSink(store, { flushIntervalMs: 3_600_000 });
    const candidates = [allowed, allowed, denied, denied, undefined, { ...denied, policyVersion: 4 }];
    candidates.forEach((candidate, i) => {
      sink.record(check(i, candidate === undefined ? {} : { candidate }));
    });
    await sink.close();
    const counts = store.events.map((event) => JSON.parse(event.document).keyfence.count);
    assert.deepEqual(counts, [2, 2, 1, 1]);
  });
});

describe('would-deny calls in the rollups', () => {
  let temp: TempSqliteStore;
  let store: KeyFenceStore;
  before(async () => {
    temp = await tempSqliteStore('keyfence-candidate-rollups-');
    ({ store } = temp);
  });
  after(() => temp.remove());

  test('coalesced would-deny calls count by their count', async () => {
    const sink = new StoreAuditSink(store, { flushIntervalMs: 3_600_000 });
    for (let ms = 0; ms < 40; ms++) sink.record(check(ms, { candidate: denied }));
    for (let ms = 40; ms < 50; ms++) sink.record(check(ms, { candidate: allowed }));
    for (let ms = 50; ms < 53; ms++) sink.record(check(ms));
    await sink.close();
    const [row] = await store.keySourceRollups({
      accountId: ACCOUNT,
      accessKeyId: ROOT_KEY,
      from: new Date(SECOND),
      to: new Date(SECOND),
    });
    assert.equal(row?.allowed, 53);
    assert.equal(row?.candidateDenied, 40);
  });
});
