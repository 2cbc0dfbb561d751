/**
 * Coalescing at the sink: which records fold into an earlier identical event, the count and times
 * the stored event gets, events closed once the writer takes them, `coalesce: false`. Through a
 * `StoreAuditSink` over the store double (what is stored is what the writer hands the store);
 * the property over random sequences runs against a real SQLite store.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { type AuditedRequest, buildAuditEvent } from '../../src/audit/audit-event.js';
import { sameEvent } from '../../src/audit/same-event.js';
import { StoreAuditSink, type StoreAuditSinkOptions } from '../../src/audit/store-audit-sink.js';
import type { Caller } from '../../src/request/caller.js';
import type {
  AccessKeyId,
  AccountId,
  KeyFenceStore,
  NewAuditEvent,
  RoleId,
  RoleName,
  UserId,
  UserName,
} from '../../src/store/index.js';
import { type TempSqliteStore, tempSqliteStore } from '../store/support/temp-sqlite-store.js';
import {
  ACCOUNT,
  allowed,
  denied,
  FakeAuditStore,
  OTHER_ACCOUNT,
  ROOT_KEY,
  requestRecord,
  roleCaller,
  rootCaller,
  USER_KEY,
  userCaller,
} from './support.js';

/** A second root key (of the same account). */
const OTHER_ROOT: Caller = {
  type: 'root-account',
  accountId: ACCOUNT,
  accessKeyId: 'LTAI5tRootKeyRootKey0002' as AccessKeyId,
};

/** A RAM user named by the root key's ID: only the caller's other fields differ. */
const USER_BY_ROOT_KEY: Caller = {
  type: 'ram-user',
  accountId: ACCOUNT,
  accessKeyId: ROOT_KEY,
  userName: 'alice' as UserName,
  userId: '2001' as UserId,
};

/** 2024-05-06T07:08:09.000Z: the start of a second. */
const SECOND = Date.UTC(2024, 4, 6, 7, 8, 9);
let requests = 0;

/** An allowed forward-auth check by the root key, arriving `ms` into SECOND (or later). */
function check(ms: number, changes: Partial<AuditedRequest> = {}): AuditedRequest {
  return requestRecord({
    requestId: `R-${String(++requests).padStart(8, '0')}`,
    time: new Date(SECOND + ms),
    action: 'DescribeInstances',
    version: '2014-05-26',
    product: null,
    params: { RegionId: 'cn-hangzhou' },
    authentication: 'signature',
    entryPoint: 'forward-auth',
    service: 'ecs',
    original: { method: 'GET', host: 'ecs.example.com', path: '/instances' },
    source: { ip: '203.0.113.7', vpcId: null, fault: null },
    ...changes,
  });
}

function sinkOn(store: FakeAuditStore, options: StoreAuditSinkOptions = {}): StoreAuditSink {
  return new StoreAuditSink(store, { flushIntervalMs: 3_600_000, retryDelayMs: 1, ...options });
}

/** The stored events, parsed, in the order stored. */
function documents(store: FakeAuditStore) {
  return store.events.map((event) => JSON.parse(event.document));
}

/** Records each, flushes, and returns the stored events' counts. */
async function countsOf(records: readonly AuditedRequest[], options: StoreAuditSinkOptions = {}) {
  const store = new FakeAuditStore();
  const sink = sinkOn(store, options);
  for (const record of records) sink.record(record);
  await sink.close();
  return { counts: documents(store).map((event) => event.keyfence.count), sink, store };
}

/** Changes to one field (or nested field) of `check`'s record, each of which changes the event. */
const VARIATIONS: Readonly<Record<string, Partial<AuditedRequest>>> = {
  action: { action: 'DescribeRegions' },
  version: { version: '2014-05-27' },
  product: { product: 'Ims' },
  'params: another value': { params: { RegionId: 'cn-beijing' } },
  'params: one more': { params: { RegionId: 'cn-hangzhou', PageSize: '10' } },
  'params: one fewer': { params: {} },
  'params: none': { params: null },
  'caller: the same key as a RAM user': {
    caller: { ...USER_BY_ROOT_KEY },
  },
  'caller: the same key in another account': {
    caller: { type: 'root-account', accountId: OTHER_ACCOUNT, accessKeyId: ROOT_KEY },
  },
  authentication: { authentication: 'access-key-id' },
  claimedAccessKeyId: { claimedAccessKeyId: USER_KEY },
  'source: IP': { source: { ip: '203.0.113.8', vpcId: null, fault: null } },
  'source: VPC': { source: { ip: '203.0.113.7', vpcId: 'vpc-abc123', fault: null } },
  'source: fault': { source: { ip: '203.0.113.7', vpcId: null, fault: 'InvalidSource.ForwardedAddress' } },
  entryPoint: { entryPoint: 'gateway' },
  service: { service: 'oss' },
  'original: method': { original: { method: 'POST', host: 'ecs.example.com', path: '/instances' } },
  'original: host': { original: { method: 'GET', host: 'ecs2.example.com', path: '/instances' } },
  'original: path': { original: { method: 'GET', host: 'ecs.example.com', path: '/instances/i-1' } },
  'original: none': { original: null },
  'decision: reason': { decision: { ...allowed, reason: 'no-active-policy' } },
  'decision: scope': { decision: { ...allowed, scope: 'account' } },
  'decision: statement': { decision: { ...allowed, statement: 1 } },
  'decision: policyVersion': { decision: { ...allowed, policyVersion: 8 } },
  appliedVersion: { appliedVersion: 13 },
  errorMessage: { errorMessage: 'note' },
  httpStatus: { httpStatus: 204 },
  userAgent: { userAgent: 'curl/8.0' },
};

describe('coalescing identical allowed requests', () => {
  test('identical checks of one second become one event: its count, the first request, the last time', async () => {
    const first = check(5);
    const { counts, sink, store } = await countsOf([first, check(400), check(950), check(300)]);
    assert.deepEqual(counts, [4]);
    const [event] = documents(store);
    assert.equal(event.requestId, first.requestId);
    assert.equal(event.eventTime, '2024-05-06T07:08:09Z');
    assert.equal(store.events[0]!.at.getTime(), first.time.getTime(), 'ordered by the first arrival');
    assert.equal(event.keyfence.lastTime, '2024-05-06T07:08:09.950Z', 'the latest arrival, in any order');
    assert.equal(sink.counters.coalesced, 3);
    assert.equal(sink.counters.written, 1);
  });

  test('an event of one request has count 1 and no last time', async () => {
    const { store } = await countsOf([check(0)]);
    assert.deepEqual(
      documents(store).map((event) => [event.keyfence.count, event.keyfence.lastTime]),
      [[1, null]],
    );
  });

  test('the variations cover every field of a record but requestId, time and errorCode', () => {
    const varied = new Set(Object.values(VARIATIONS).flatMap((changes) => Object.keys(changes)));
    for (const field of Object.keys(check(0))) {
      // Any errorCode makes a record one that is never folded (below).
      if (field === 'requestId' || field === 'time' || field === 'errorCode') continue;
      assert.ok(varied.has(field), `no variation of ${field}`);
    }
  });

  for (const [name, changes] of Object.entries(VARIATIONS)) {
    test(`a different ${name} is an event of its own`, async () => {
      const { counts, sink } = await countsOf([check(0), check(1), check(2, changes), check(3, changes)]);
      assert.deepEqual(counts, [2, 2]);
      assert.equal(sink.counters.coalesced, 2);
    });
  }

  test('a caller differing in any field of its kind is another event', () => {
    const role = roleCaller as Extract<Caller, { type: 'assumed-role' }>;
    const variants: Caller[] = [
      { ...(USER_BY_ROOT_KEY as Extract<Caller, { type: 'ram-user' }>), userName: 'bob' as UserName },
      { ...(USER_BY_ROOT_KEY as Extract<Caller, { type: 'ram-user' }>), userId: '2002' as UserId },
      { ...role, roleName: 'Other' as RoleName },
      { ...role, roleId: '3002' as RoleId },
      { ...role, roleSessionName: 'other-run' },
      { ...role, accountId: OTHER_ACCOUNT },
    ];
    for (const caller of variants) {
      const base: Caller = caller.type === 'ram-user' ? USER_BY_ROOT_KEY : roleCaller;
      assert.equal(sameEvent(check(0, { caller: base }), check(1, { caller: { ...base } })), true);
      assert.equal(
        sameEvent(check(0, { caller: base }), check(1, { caller })),
        false,
        JSON.stringify(caller),
      );
    }
  });

  test('each key has one open event: a different request replaces it, and the replaced one takes no more', async () => {
    const { counts } = await countsOf([check(0), check(1, { userAgent: 'curl/8.0' }), check(2), check(3)]);
    assert.deepEqual(counts, [1, 1, 2]);
  });

  test('another AccessKey is an event of its own, though everything else is the same', async () => {
    const other = OTHER_ROOT;
    const { counts } = await countsOf([check(0), check(1, { caller: other }), check(2)]);
    assert.deepEqual(counts, [2, 1]);
  });

  test('keys are folded independently: a key`s open event survives another key`s requests', async () => {
    const { counts } = await countsOf([
      check(0),
      check(1, { caller: userCaller }),
      check(2, { caller: roleCaller }),
      check(3),
      check(4, { caller: userCaller }),
      check(5, { caller: roleCaller }),
      check(6),
    ]);
    assert.deepEqual(counts, [3, 2, 2]);
  });

  test('a new second starts a new event, even a millisecond later', async () => {
    const { counts, store } = await countsOf([check(0), check(999), check(1000), check(1999), check(2000)]);
    assert.deepEqual(counts, [2, 2, 1]);
    assert.deepEqual(
      documents(store).map((event) => event.eventTime),
      ['2024-05-06T07:08:09Z', '2024-05-06T07:08:10Z', '2024-05-06T07:08:11Z'],
    );
  });

  test('a request going back to an earlier second after a new one started opens another event', async () => {
    const { counts } = await countsOf([check(0), check(1500), check(10)]);
    assert.deepEqual(counts, [1, 1, 1]);
  });

  const never: Readonly<Record<string, (ms: number) => AuditedRequest>> = {
    'denied by the network ACL': (ms) =>
      check(ms, {
        decision: denied,
        errorCode: 'InvalidAccessKeyId.AccessPolicyDenied',
        errorMessage: 'Specified access key denied due to access policy.',
        httpStatus: 400,
      }),
    'failed after an allowing decision': (ms) =>
      check(ms, { errorCode: 'Throttling.User', errorMessage: 'Request was denied.', httpStatus: 400 }),
    'refused before a decision': (ms) =>
      check(ms, {
        caller: null,
        authentication: null,
        decision: null,
        errorCode: 'SignatureDoesNotMatch',
        errorMessage: 'bad',
        httpStatus: 400,
      }),
    'without a caller': (ms) => check(ms, { caller: null, authentication: null }),
    'an RPC API call': (ms) => check(ms, { entryPoint: 'rpc', original: null }),
    // The gateway records an upstream's own error status without an error code of KeyFence's.
    'answered with an upstream error through the gateway': (ms) =>
      check(ms, { entryPoint: 'gateway', httpStatus: 502 }),
    'answered 404 by the upstream': (ms) => check(ms, { entryPoint: 'gateway', httpStatus: 404 }),
  };
  for (const [name, make] of Object.entries(never)) {
    test(`a request ${name} is never folded: one event each`, async () => {
      const { counts, sink, store } = await countsOf([make(0), make(1), make(2)]);
      assert.deepEqual(counts, [1, 1, 1]);
      assert.equal(sink.counters.coalesced, 0);
      assert.equal(new Set(store.events.map((event) => event.requestId)).size, 3, 'each findable');
    });
  }

  test('a denied check between identical allowed ones is its own event; the allowed ones still fold', async () => {
    const deniedCheck = never['denied by the network ACL']!(2);
    const { counts, store } = await countsOf([check(0), check(1), deniedCheck, check(3)]);
    assert.deepEqual(counts, [3, 1]);
    assert.equal(store.events[1]!.requestId, deniedCheck.requestId);
  });

  test('an event the writer has taken takes no more: its count never changes after it was built', async () => {
    const store = new FakeAuditStore();
    let release!: () => void;
    store.gate = new Promise((resolve) => {
      release = resolve;
    });
    // batchSize 1: the writer takes each new event as soon as it is queued; its append waits.
    const sink = sinkOn(store, { batchSize: 1 });
    sink.record(check(0));
    sink.record(check(1));
    sink.record(check(2));
    assert.equal(sink.counters.coalesced, 1, 'the first was taken at once; the third folds into the second');
    release();
    await sink.flush();
    sink.record(check(3));
    await sink.close();
    assert.deepEqual(
      documents(store).map((event) => event.keyfence.count),
      [1, 2, 1],
    );
  });

  test('a record dropped for a full queue takes no later requests with it', async () => {
    const store = new FakeAuditStore();
    const sink = sinkOn(store, { batchSize: 10, queueCapacity: 1 });
    const other = OTHER_ROOT;
    sink.record(check(0));
    sink.record(check(1, { caller: other }));
    sink.record(check(2, { caller: other }));
    sink.record(check(3));
    assert.deepEqual(
      { dropped: sink.counters.dropped, coalesced: sink.counters.coalesced },
      { dropped: 2, coalesced: 1 },
    );
    await sink.close();
    assert.deepEqual(
      documents(store).map((event) => event.keyfence.count),
      [2],
    );
  });

  test('coalesce: false stores every request as an event of its own', async () => {
    const { counts, sink } = await countsOf([check(0), check(1), check(2)], { coalesce: false });
    assert.deepEqual(counts, [1, 1, 1]);
    assert.equal(sink.counters.coalesced, 0);
  });
});

describe('coalescing over random sequences, on SQLite', () => {
  let temp: TempSqliteStore;
  let store: KeyFenceStore;
  before(async () => {
    temp = await tempSqliteStore('keyfence-coalesce-');
    ({ store } = temp);
  });
  after(() => temp.remove());

  /** What an event says but for what differs between the requests it stands for. */
  const content = (event: Record<string, unknown>) => {
    const { eventId: _, requestId: __, keyfence, ...rest } = event;
    const { count: ___, lastTime: ____, ...decided } = keyfence as Record<string, unknown>;
    return JSON.stringify({ ...rest, keyfence: decided });
  };

  /** The first value most of the time, so that many requests are identical; the others now and then. */
  const mostly = <T>(usual: T, ...others: T[]) =>
    fc.oneof(
      { weight: 8, arbitrary: fc.constant(usual) },
      { weight: 2, arbitrary: fc.constantFrom(...others) },
    );

  /** One step of a sequence: a request, or a flush (the writer takes what waits). */
  const step = fc.oneof(
    {
      weight: 10,
      arbitrary: fc.record({
        caller: fc.constantFrom(rootCaller, userCaller, roleCaller),
        entryPoint: mostly<AuditedRequest['entryPoint']>('forward-auth', 'gateway', 'rpc'),
        denied: mostly(false, true),
        ip: mostly('203.0.113.7', '203.0.113.8'),
        vpcId: mostly<string | null>(null, 'vpc-abc123'),
        userAgent: mostly('sdk/1', 'sdk/2'),
        path: mostly('/a', '/b'),
        appliedVersion: mostly(12, 13),
        advanceMs: fc.oneof(
          { weight: 3, arbitrary: fc.constant(0) },
          { weight: 6, arbitrary: fc.integer({ min: 1, max: 300 }) },
          { weight: 1, arbitrary: fc.integer({ min: 900, max: 2500 }) },
        ),
      }),
    },
    { weight: 1, arbitrary: fc.constant('flush' as const) },
  );

  test('the counts of the stored events add up to the requests, and each event is each of its requests', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { maxLength: 60 }),
        fc.integer({ min: 1, max: 8 }),
        async (steps, batchSize) => {
          // Each run its own account (every caller is rebased onto it), so it reads back only its own.
          const accountId = String(2_000_000_000_000_000 + ++run) as AccountId;
          const sink = new StoreAuditSink(store, { batchSize, flushIntervalMs: 3_600_000 });
          const recorded: AuditedRequest[] = [];
          let clock = SECOND + run * 1_000_000;
          for (const s of steps) {
            if (s === 'flush') {
              await sink.flush();
              continue;
            }
            clock += s.advanceMs;
            const record = check(0, {
              time: new Date(clock),
              caller: { ...s.caller, accountId } as Caller,
              entryPoint: s.entryPoint,
              source: { ip: s.ip, vpcId: s.vpcId, fault: null },
              userAgent: s.userAgent,
              original: { method: 'GET', host: 'ecs.example.com', path: s.path },
              appliedVersion: s.appliedVersion,
              ...(s.denied
                ? { decision: denied, errorCode: 'InvalidAccessKeyId.AccessPolicyDenied', httpStatus: 400 }
                : {}),
            });
            recorded.push(record);
            sink.record(record);
          }
          await sink.close();

          const stored = await allEvents(store, accountId);
          const total = stored.reduce((sum, event) => sum + event.keyfence.count, 0);
          assert.equal(total, recorded.length, 'every request is counted once');
          assert.equal(sink.counters.written, stored.length);
          assert.equal(sink.counters.coalesced, recorded.length - stored.length);

          // Requests by what their own event would say: each stored event must say the same as
          // every request it stands for, so the counts per content add up to the requests per content.
          const wanted = new Map<string, number>();
          const byRequestId = new Map<string, AuditedRequest>();
          for (const record of recorded) {
            byRequestId.set(record.requestId, record);
            const own = buildAuditEvent(record, {
              eventId: 'E',
              principal: undefined,
              region: 'cn-hangzhou',
            });
            const key = content(JSON.parse(JSON.stringify(own.event)));
            wanted.set(key, (wanted.get(key) ?? 0) + 1);
          }
          const got = new Map<string, number>();
          for (const event of stored) {
            const key = content(event);
            got.set(key, (got.get(key) ?? 0) + event.keyfence.count);
            const first = byRequestId.get(event.requestId);
            assert.ok(first !== undefined, 'the event names one of its requests');
            if (event.keyfence.count === 1) {
              assert.equal(event.keyfence.lastTime, null);
              continue;
            }
            assert.equal(
              event.keyfence.entryPoint === 'rpc' || event.errorCode !== null,
              false,
              'only allowed checks fold',
            );
            const last = Date.parse(event.keyfence.lastTime);
            assert.equal(
              Math.floor(last / 1000),
              Math.floor(first.time.getTime() / 1000),
              'within its second',
            );
            assert.ok(last >= first.time.getTime());
          }
          assert.deepEqual(got, wanted);
        },
      ),
      { numRuns: 100 },
    );
  });
});

/** Every event of `accountId`, oldest first, parsed. */
async function allEvents(store: KeyFenceStore, accountId: AccountId) {
  const events: NewAuditEvent['document'][] = [];
  let after: Parameters<KeyFenceStore['lookupAuditEvents']>[0]['after'];
  for (;;) {
    const page = await store.lookupAuditEvents({
      accountId,
      from: new Date(0),
      to: new Date(2 ** 42),
      order: 'oldest-first',
      after,
      limit: 100,
    });
    events.push(...page.events.map((event) => event.document));
    if (page.next === null) break;
    after = page.next;
  }
  return events.map((document) => JSON.parse(document));
}
