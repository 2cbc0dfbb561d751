import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { StoreAuditSink } from '../../src/audit/store-audit-sink.js';
import { DecisionIndex } from '../../src/policy/decision-index.js';
import { DEFAULT_POLICY_LIMITS } from '../../src/policy/policy-limits.js';
import type { Caller } from '../../src/request/caller.js';
import { ACTIONTRAIL_ACTIONS } from '../../src/server/actions/actiontrail/index.js';
import { lookupEvents } from '../../src/server/actions/actiontrail/lookup-events.js';
import { decodeNextToken, encodeNextToken } from '../../src/server/actions/actiontrail/support/next-token.js';
import { ApiError } from '../../src/server/errors/api-error.js';
import type { ActionContext } from '../../src/server/rpc/action.js';
import type { AccountId, AuditEventPage, AuditEventQuery, KeyFenceStore } from '../../src/store/index.js';
import { type TempSqliteStore, tempSqliteStore } from '../store/support/temp-sqlite-store.js';
import { denied, requestRecord } from './support.js';

const NOW = new Date('2024-05-06T12:00:00.750Z');

function contextFor(
  caller: Caller,
  store: KeyFenceStore,
  params: Record<string, string>,
  now = NOW,
): ActionContext {
  return {
    requestId: 'B0000000-0000-4000-8000-000000000001',
    caller,
    params,
    source: { ip: '192.0.2.10', via: 'peer' },
    store,
    write: (work) => store.write(work),
    guardLockout: () => {},
    explain: async (credential, source, service) => new DecisionIndex().explain(credential, source, service),
    policyLimits: DEFAULT_POLICY_LIMITS,
    auditRetentionDays: 90,
    exemptServices: [],
    simulateMaxSources: 10_000,
    logonMaskLimit: 40,
    recommendBound: { v4: 16, v6: 48 },
    now: () => now,
  };
}

/** A store that answers every lookup with an empty page and remembers the query. */
function recordingStore(): { store: KeyFenceStore; queries: AuditEventQuery[] } {
  const queries: AuditEventQuery[] = [];
  const store = {
    async lookupAuditEvents(query: AuditEventQuery): Promise<AuditEventPage> {
      queries.push(query);
      return { events: [], next: null };
    },
  } as unknown as KeyFenceStore;
  return { store, queries };
}

const caller: Caller = {
  type: 'root-account',
  accountId: '1234567890123456' as AccountId,
  accessKeyId: 'LTAI5tRootKeyRootKey0001' as never,
};

async function refusedWith(params: Record<string, string>, code: string): Promise<void> {
  const { store } = recordingStore();
  await assert.rejects(lookupEvents.handle(contextFor(caller, store, params)), (error: unknown) => {
    assert.ok(error instanceof ApiError, String(error));
    assert.equal(error.code, code, JSON.stringify(params));
    assert.equal(error.httpStatus, 400);
    return true;
  });
}

const aToken = encodeNextToken({
  start: new Date('2024-04-29T12:00:00Z'),
  end: new Date('2024-05-06T12:00:00Z'),
  direction: 'BACKWARD',
  filterDigest: '0123456789abcdef',
  cursor: { at: new Date('2024-05-06T11:00:00.123Z'), eventId: 'E0000000-0000-4000-8000-000000000001' },
});

describe('LookupEvents', () => {
  test('is exported for the registry as actiontrail:LookupEvents', () => {
    assert.deepEqual(
      ACTIONTRAIL_ACTIONS.map((action) => [action.product, action.name, action.ramAction]),
      [['Actiontrail', 'LookupEvents', 'actiontrail:LookupEvents']],
    );
  });

  test('defaults: the caller`s account, the last seven days, newest first, 20 events', async () => {
    const { store, queries } = recordingStore();
    // Parameters sent empty count as not given, as everywhere in the API.
    const empty = {
      StartTime: '',
      EndTime: '',
      MaxResults: '',
      Direction: '',
      NextToken: '',
      'LookupAttribute.1.Key': '',
    };
    const body = await lookupEvents.handle(contextFor(caller, store, empty));
    assert.deepEqual(body, {
      StartTime: '2024-04-29T12:00:00Z',
      EndTime: '2024-05-06T12:00:00Z',
      NextToken: '',
      Events: [],
    });
    assert.deepEqual(queries, [
      {
        accountId: caller.accountId,
        from: new Date('2024-04-29T12:00:00Z'),
        to: new Date('2024-05-06T12:00:00.999Z'),
        filter: {},
        order: 'newest-first',
        after: undefined,
        limit: 20,
      },
    ]);
  });

  test('turns parameters into the store query', async () => {
    const { store, queries } = recordingStore();
    await lookupEvents.handle(
      contextFor(caller, store, {
        StartTime: '2024-05-01T00:00:00Z',
        EndTime: '2024-05-02T00:00:00Z',
        Direction: 'FORWARD',
        MaxResults: '50',
        'LookupAttribute.1.Key': 'ServiceName',
        'LookupAttribute.1.Value': 'ims',
        'LookupAttribute.2.Key': 'SourceIpAddress',
        'LookupAttribute.2.Value': '::FFFF:192.0.2.1',
        NextToken: '',
      }),
    );
    assert.deepEqual(queries[0], {
      accountId: caller.accountId,
      from: new Date('2024-05-01T00:00:00Z'),
      to: new Date('2024-05-02T00:00:00.999Z'),
      filter: { serviceName: 'Ims', sourceIp: '192.0.2.1' },
      order: 'oldest-first',
      after: undefined,
      limit: 50,
    });
    const filterOf = async (key: string, value: string) => {
      const recorded = recordingStore();
      const params = { 'LookupAttribute.1.Key': key, 'LookupAttribute.1.Value': value };
      await lookupEvents.handle(contextFor(caller, recorded.store, params));
      return recorded.queries[0]!.filter;
    };
    assert.deepEqual(await filterOf('Result', 'Failure'), { failed: true });
    assert.deepEqual(await filterOf('Result', 'Success'), { failed: false });
    assert.deepEqual(await filterOf('EventRW', 'Write'), { eventRW: 'Write' });
    assert.deepEqual(await filterOf('AccessKeyId', 'LTAI5tX'), { accessKeyId: 'LTAI5tX' });
    assert.deepEqual(await filterOf('EventName', 'CreateUser'), { eventName: 'CreateUser' });
    assert.deepEqual(await filterOf('UserName', 'alice'), { userName: 'alice' });
    assert.deepEqual(await filterOf('EventId', 'E1'), { eventId: 'E1' });
    assert.deepEqual(await filterOf('RequestId', 'R1'), { requestId: 'R1' });
    assert.deepEqual(await filterOf('ServiceName', 'Ecs'), { serviceName: 'Ecs' });
    assert.deepEqual(await filterOf('SourceIpAddress', '2001:DB8:0::1'), { sourceIp: '2001:db8::1' });
  });

  test('refuses every malformed parameter, naming it', async () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ StartTime: '2024-05-01T00:00:00Z' }, 'MissingParameter.EndTime'],
      [{ EndTime: '2024-05-01T00:00:00Z' }, 'MissingParameter.StartTime'],
      [{ StartTime: '2024-05-01', EndTime: '2024-05-02T00:00:00Z' }, 'InvalidParameter.StartTime'],
      [
        { StartTime: '2024-05-01T00:00:00Z', EndTime: '2024-05-02T00:00:00+08:00' },
        'InvalidParameter.EndTime',
      ],
      [{ StartTime: '2024-02-30T00:00:00Z', EndTime: '2024-05-02T00:00:00Z' }, 'InvalidParameter.StartTime'],
      [{ StartTime: '2024-05-02T00:00:01Z', EndTime: '2024-05-02T00:00:00Z' }, 'InvalidParameter.StartTime'],
      [{ MaxResults: '0' }, 'InvalidParameter.MaxResults'],
      [{ MaxResults: '51' }, 'InvalidParameter.MaxResults'],
      [{ MaxResults: '05' }, 'InvalidParameter.MaxResults'],
      [{ MaxResults: '1.5' }, 'InvalidParameter.MaxResults'],
      [{ MaxResults: '99999999999999999999' }, 'InvalidParameter.MaxResults'],
      [{ Direction: 'backward' }, 'InvalidParameter.Direction'],
      [
        { 'LookupAttribute.3.Key': 'EventName', 'LookupAttribute.3.Value': 'x' },
        'InvalidParameter.LookupAttribute',
      ],
      [
        { 'LookupAttribute.0.Key': 'EventName', 'LookupAttribute.0.Value': 'x' },
        'InvalidParameter.LookupAttribute',
      ],
      [
        { 'LookupAttribute.01.Key': 'EventName', 'LookupAttribute.01.Value': 'x' },
        'InvalidParameter.LookupAttribute',
      ],
      [{ 'LookupAttribute.1.Name': 'EventName' }, 'InvalidParameter.LookupAttribute'],
      [{ LookupAttribute: '[{"Key":"EventName"}]' }, 'InvalidParameter.LookupAttribute'],
      [{ 'LookupAttribute.1.Key': 'EventName' }, 'MissingParameter.LookupAttribute.1.Value'],
      [{ 'LookupAttribute.2.Value': 'x' }, 'MissingParameter.LookupAttribute.2.Key'],
      [
        { 'LookupAttribute.1.Key': 'Color', 'LookupAttribute.1.Value': 'x' },
        'InvalidParameter.LookupAttribute.1.Key',
      ],
      [
        { 'LookupAttribute.1.Key': 'eventname', 'LookupAttribute.1.Value': 'x' },
        'InvalidParameter.LookupAttribute.1.Key',
      ],
      [
        {
          'LookupAttribute.1.Key': 'EventName',
          'LookupAttribute.1.Value': 'a',
          'LookupAttribute.2.Key': 'EventName',
          'LookupAttribute.2.Value': 'b',
        },
        'InvalidParameter.LookupAttribute.2.Key',
      ],
      [
        { 'LookupAttribute.1.Key': 'EventRW', 'LookupAttribute.1.Value': 'read' },
        'InvalidParameter.LookupAttribute.1.Value',
      ],
      [
        { 'LookupAttribute.1.Key': 'Result', 'LookupAttribute.1.Value': 'Denied' },
        'InvalidParameter.LookupAttribute.1.Value',
      ],
      [
        { 'LookupAttribute.1.Key': 'SourceIpAddress', 'LookupAttribute.1.Value': '010.0.0.1' },
        'InvalidParameter.LookupAttribute.1.Value',
      ],
      [
        { 'LookupAttribute.1.Key': 'EventName', 'LookupAttribute.1.Value': '' },
        'MissingParameter.LookupAttribute.1.Value',
      ],
      [{ StartTime: '', EndTime: '2024-05-01T00:00:00Z' }, 'MissingParameter.StartTime'],
      [
        { 'LookupAttribute.1.Key': 'EventName', 'LookupAttribute.1.Value': 'x'.repeat(257) },
        'InvalidParameter.LookupAttribute.1.Value',
      ],
      [{ NextToken: 'not a token' }, 'InvalidParameter.NextToken'],
      [
        { NextToken: Buffer.from('v1.1.2.B.0123456789abcdef.3.nope').toString('base64url') },
        'InvalidParameter.NextToken',
      ],
      [{ NextToken: `${aToken}=` }, 'InvalidParameter.NextToken'],
      [{ NextToken: aToken.slice(0, -1) }, 'InvalidParameter.NextToken'],
      // A well-formed token of another query (its filter digest names other filters).
      [{ NextToken: aToken }, 'InvalidParameter.NextToken'],
    ];
    for (const [params, code] of cases) await refusedWith(params, code);
  });

  test('NextToken round-trips and rejects any other spelling', () => {
    const token = decodeNextToken(aToken);
    assert.deepEqual(token, {
      start: new Date('2024-04-29T12:00:00Z'),
      end: new Date('2024-05-06T12:00:00Z'),
      direction: 'BACKWARD',
      filterDigest: '0123456789abcdef',
      cursor: { at: new Date('2024-05-06T11:00:00.123Z'), eventId: 'E0000000-0000-4000-8000-000000000001' },
    });
    assert.equal(encodeNextToken(token!), aToken);
    for (let i = 0; i < aToken.length; i++) {
      const changed = aToken.slice(0, i) + (aToken[i] === 'A' ? 'B' : 'A') + aToken.slice(i + 1);
      const decoded = decodeNextToken(changed);
      // A change either breaks the token or yields another well-formed position: never anything else.
      if (decoded !== undefined) assert.equal(encodeNextToken(decoded), changed);
    }
  });
});

describe('LookupEvents over a real store, fed by the audit sink', () => {
  let temp: TempSqliteStore;
  let store: KeyFenceStore;
  let account: AccountId;
  let other: AccountId;
  let callerOf: (accountId: AccountId) => Caller;

  before(async () => {
    temp = await tempSqliteStore('keyfence-audit-');
    ({ store } = temp);
    account = (await store.write((tx) => tx.createAccount())).accountId;
    other = (await store.write((tx) => tx.createAccount())).accountId;
    const key = await store.write((tx) => tx.createAccessKey(account));
    callerOf = (accountId) => ({ type: 'root-account', accountId, accessKeyId: key.accessKeyId });
    const sink = new StoreAuditSink(store, { flushIntervalMs: 3_600_000 });
    for (let i = 0; i < 25; i++) {
      sink.record(
        requestRecord({
          requestId: `R${String(i).padStart(3, '0')}`,
          time: new Date(NOW.getTime() - 3_600_000 + i * 60_000),
          caller: callerOf(account),
          action: i % 2 === 0 ? 'ListUsers' : 'CreateUser',
          ...(i % 5 === 0
            ? {
                decision: denied,
                errorCode: 'InvalidAccessKeyId.AccessPolicyDenied',
                errorMessage: 'Specified access key denied due to access policy.',
                httpStatus: 400,
                source: { ip: '203.0.113.9', vpcId: null, fault: null },
              }
            : {}),
        }),
      );
    }
    sink.record(requestRecord({ requestId: 'R-OTHER', caller: callerOf(other), time: NOW }));
    sink.record(
      requestRecord({ requestId: 'R-NOBODY', caller: null, claimedAccessKeyId: key.accessKeyId, time: NOW }),
    );
    await sink.close();
    assert.equal(sink.counters.written, 27);
  });

  after(() => temp.remove());

  async function pages(params: Record<string, string>, asCaller = callerOf(account), now = NOW) {
    const all: Record<string, unknown>[][] = [];
    let token = '';
    do {
      const body = await lookupEvents.handle(
        contextFor(asCaller, store, { ...params, NextToken: token }, now),
      );
      all.push(body.Events as Record<string, unknown>[]);
      token = body.NextToken as string;
    } while (token !== '');
    return all;
  }

  test('pages through the account`s events newest first, then oldest first', async () => {
    const backward = await pages({ MaxResults: '10' });
    assert.deepEqual(
      backward.map((page) => page.length),
      [10, 10, 5],
    );
    const ids = backward.flat().map((event) => event.requestId);
    assert.deepEqual(
      ids,
      Array.from({ length: 25 }, (_, i) => `R${String(24 - i).padStart(3, '0')}`),
    );
    const forward = await pages({ MaxResults: '7', Direction: 'FORWARD' });
    assert.deepEqual(
      forward.flat().map((event) => event.requestId),
      [...ids].reverse(),
    );
  });

  test('a denied call is found by its result and source address, with its decision', async () => {
    const failures = (
      await pages({
        'LookupAttribute.1.Key': 'Result',
        'LookupAttribute.1.Value': 'Failure',
        'LookupAttribute.2.Key': 'SourceIpAddress',
        'LookupAttribute.2.Value': '203.0.113.9',
      })
    ).flat();
    assert.equal(failures.length, 5);
    for (const event of failures) {
      assert.equal(event.errorCode, 'InvalidAccessKeyId.AccessPolicyDenied');
      assert.equal(event.sourceIpAddress, '203.0.113.9');
      assert.deepEqual((event.keyfence as Record<string, unknown>).allowed, false);
      assert.deepEqual((event.userIdentity as Record<string, unknown>).accountId, account);
    }
  });

  test('each account sees only its own events; unattributed ones are seen by nobody', async () => {
    const theirs = (await pages({}, callerOf(other))).flat();
    assert.deepEqual(
      theirs.map((event) => event.requestId),
      ['R-OTHER'],
    );
    const mine = (await pages({})).flat();
    assert.ok(!mine.some((event) => event.requestId === 'R-OTHER' || event.requestId === 'R-NOBODY'));
  });

  test('a NextToken keeps its first page`s default window, however much later it is used', async () => {
    const first = await lookupEvents.handle(contextFor(callerOf(account), store, { MaxResults: '20' }));
    const later = new Date(NOW.getTime() + 8 * 24 * 3_600_000);
    const second = await lookupEvents.handle(
      contextFor(callerOf(account), store, { MaxResults: '20', NextToken: first.NextToken as string }, later),
    );
    assert.equal(second.StartTime, first.StartTime);
    assert.equal(second.EndTime, first.EndTime);
    assert.equal((second.Events as unknown[]).length, 5);
    await assert.rejects(
      lookupEvents.handle(
        contextFor(callerOf(account), store, {
          MaxResults: '20',
          Direction: 'FORWARD',
          NextToken: first.NextToken as string,
        }),
      ),
      (error: unknown) => error instanceof ApiError && error.code === 'InvalidParameter.NextToken',
    );
  });

  test('an explicit window narrows the events', async () => {
    const events = (
      await pages({
        StartTime: '2024-05-06T11:10:00Z',
        EndTime: '2024-05-06T11:12:00Z',
      })
    ).flat();
    assert.deepEqual(
      events.map((event) => event.requestId),
      ['R012', 'R011', 'R010'],
    );
  });
});
