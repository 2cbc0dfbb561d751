/**
 * ListAccessKeySources against the truth computed from the raw events, through a real server on
 * SQLite and PostgreSQL: random traffic (coalesced events, denials and other failures, VPC
 * sources, several days, some services and none) appended to the audit log, then listed by key,
 * by RAM user and for the account, in a random order and page size; the pages concatenated are
 * the truth's sums, first and last seen, services, coverage and `New`, in the chosen order.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type { NewAuditEvent, UserName } from '../../../src/store/index.js';
import { useDialects } from '../../store/support/dialects.js';
import { call, expectSuccess } from '../../support/server-harness.js';
import { bobAndCarolKeys } from './support/bob-and-carol.js';
import { classic, KEYFENCE_VERSION, startCheckServer } from './support/check-server.js';
import { lastCallOf, seededEvent } from './support/seeded-event.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const SOURCES = ['203.0.113.5', '198.51.100.7', '192.0.2.1', '2001:db8::1', '10.0.0.1'];
const SERVICES = ['ecs', 'ims', 'oss', 'sts'];
const ERRORS = [null, null, 'InvalidAccessKeyId.AccessPolicyDenied', 'NoPermission'];
const format = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}Z`;

interface Traffic {
  readonly key: number;
  readonly source: number;
  readonly vpc: string | null;
  /** Whole hours and a half before the run's start: never within minutes of the 24 h mark. */
  readonly hoursAgo: number;
  readonly error: string | null;
  readonly service: string | null;
  readonly count: number;
}

const aTraffic = fc.record({
  key: fc.nat(2),
  source: fc.nat(SOURCES.length - 1),
  vpc: fc.constantFrom(null, null, 'vpc-a'),
  hoursAgo: fc.nat(6 * 24),
  error: fc.constantFrom(...ERRORS),
  service: fc.option(fc.constantFrom(...SERVICES), { freq: 4 }),
  count: fc.oneof(fc.constant(1), fc.integer({ min: 2, max: 50 })),
});

interface Listing {
  readonly scope: 'key' | 'user' | 'account';
  readonly sort: 'Calls' | 'LastSeen' | undefined;
  readonly pageSize: number;
  /** Days before now the window starts; undefined for the default 30. */
  readonly days: number | undefined;
}

const aListing: fc.Arbitrary<Listing> = fc.record({
  scope: fc.constantFrom<Listing['scope']>('key', 'user', 'account'),
  sort: fc.constantFrom<Listing['sort']>('Calls', 'LastSeen', undefined),
  pageSize: fc.integer({ min: 1, max: 4 }),
  days: fc.option(fc.integer({ min: 1, max: 8 }), { nil: undefined }),
});

interface Row {
  AccessKeyId: string;
  SourceIp: string;
  VpcId?: string;
  AllowedCalls: number;
  DeniedCalls: number;
  FailedCalls: number;
  CandidateDeniedCalls: number;
  FirstSeen: number;
  LastSeen: number;
  Services: Map<string, number>;
  CoveredByCurrentPolicy: boolean;
  New: boolean;
}

for (const fixture of useDialects()) {
  describe(`ListAccessKeySources against the raw events on ${fixture.name}`, async () => {
    const t = await startCheckServer(fixture);
    const keys = await bobAndCarolKeys(t);
    const bob = await t.store.getUser(t.accountId, 'bob' as UserName);
    // bob's first key follows its own policy, the others the account's; no VPC is allowed.
    await t.setPolicy({ kind: 'account' }, classic('198.51.100.0/24'));
    await t.setPolicy(
      { kind: 'accessKey', key: { accessKeyId: keys[0]!, accessKeySecret: '' } },
      classic('203.0.113.0/24'),
    );
    const covered = (key: string, ip: string, vpc: string | null) =>
      vpc === null && ip.startsWith(key === keys[0] ? '203.0.113.' : '198.51.100.');
    const start = Date.now();
    const events: NewAuditEvent[] = [];

    /** The listing as the raw events say it should be. */
    function truth(listing: Listing, window: { start: number; end: number }): Row[] {
      const inScope = (key: string) =>
        listing.scope === 'key' ? key === keys[0] : listing.scope === 'user' ? key !== keys[2] : true;
      const rows = new Map<string, Row>();
      const firstEver = new Map<string, number>();
      for (const event of events) {
        const document = JSON.parse(event.document);
        const id = `${event.accessKeyId}\n${event.sourceIp}\n${document.vpcId}`;
        firstEver.set(id, Math.min(firstEver.get(id) ?? Infinity, event.at.getTime()));
        const day = Math.floor(event.at.getTime() / DAY);
        if (!inScope(event.accessKeyId!)) continue;
        if (day < Math.floor(window.start / DAY) || day > Math.floor(window.end / DAY)) continue;
        let row = rows.get(id);
        if (row === undefined) {
          row = {
            AccessKeyId: event.accessKeyId!,
            SourceIp: event.sourceIp,
            ...(document.vpcId === null ? {} : { VpcId: document.vpcId }),
            AllowedCalls: 0,
            DeniedCalls: 0,
            FailedCalls: 0,
            CandidateDeniedCalls: 0,
            FirstSeen: Infinity,
            LastSeen: 0,
            Services: new Map(),
            CoveredByCurrentPolicy: covered(event.accessKeyId!, event.sourceIp, document.vpcId),
            New: false,
          };
          rows.set(id, row);
        }
        const calls: number = document.keyfence.count;
        if (event.errorCode === null) row.AllowedCalls += calls;
        else if (event.errorCode === 'InvalidAccessKeyId.AccessPolicyDenied') row.DeniedCalls += calls;
        else row.FailedCalls += calls;
        if (document.keyfence.candidate?.allowed === false) row.CandidateDeniedCalls += calls;
        row.FirstSeen = Math.min(row.FirstSeen, event.at.getTime());
        const last = lastCallOf(event);
        row.LastSeen = Math.max(row.LastSeen, last);
        const service = document.keyfence.service ?? '*';
        row.Services.set(service, (row.Services.get(service) ?? 0) + calls);
      }
      const now = Date.now();
      const value = (row: Row) =>
        listing.sort === 'LastSeen' ? row.LastSeen : row.AllowedCalls + row.DeniedCalls;
      return [...rows.entries()]
        .map(([id, row]) => ({ ...row, New: firstEver.get(id)! >= now - DAY }))
        .sort(
          (a, b) =>
            value(b) - value(a) ||
            compare(a.AccessKeyId, b.AccessKeyId) ||
            compare(a.SourceIp, b.SourceIp) ||
            compare(a.VpcId ?? '', b.VpcId ?? ''),
        );
    }

    async function listAll(listing: Listing, window: { start: number; end: number }) {
      const params: Record<string, string> = { MaxResults: String(listing.pageSize) };
      if (listing.scope === 'key') params.AccessKeyId = keys[0]!;
      if (listing.scope === 'user') params.UserPrincipalName = bob.userPrincipalName;
      if (listing.sort !== undefined) params.SortBy = listing.sort;
      if (listing.days !== undefined) {
        params.StartTime = format(window.start);
        params.EndTime = format(window.end);
      }
      const all: Record<string, unknown>[] = [];
      let token = '';
      do {
        const body = expectSuccess(
          await call(t.port, {
            action: 'ListAccessKeySources',
            version: KEYFENCE_VERSION,
            credentials: t.root,
            params: token === '' ? params : { ...params, NextToken: token },
          }),
        );
        assert.ok(body.Sources.length <= listing.pageSize);
        all.push(...body.Sources);
        token = body.NextToken;
      } while (token !== '');
      // The root key's own calls to this action are the account's sources too; the truth has none.
      return all.filter((source) => source.AccessKeyId !== t.root.accessKeyId);
    }

    test('the pages concatenated are the truth, in the chosen order', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(aTraffic, { maxLength: 25 }), aListing, async (traffic, listing) => {
          const batch = traffic.map((item) => eventOf(t.accountId, keys[item.key]!, item, start));
          await t.store.appendAuditEvents(batch);
          events.push(...batch);
          const end = Math.floor(Date.now() / 1000) * 1000;
          const window =
            listing.days === undefined
              ? { start: end - 30 * DAY, end }
              : { start: end - listing.days * DAY, end };
          const listed = await listAll(listing, window);
          const expected = truth(listing, window).map((row) => ({
            ...row,
            FirstSeen: format(row.FirstSeen),
            LastSeen: format(row.LastSeen),
            Services: [...row.Services]
              .sort(([a, m], [b, n]) => (a === '*' ? 1 : b === '*' ? -1 : n - m || compare(a, b)))
              .map(([Service, Calls]) => ({ Service, Calls })),
          }));
          assert.deepEqual(listed, expected);
        }),
        { numRuns: 15 },
      );
    });
  });
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function eventOf(
  accountId: NewAuditEvent['accountId'],
  accessKeyId: string,
  traffic: Traffic,
  start: number,
): NewAuditEvent {
  return seededEvent('LP', {
    accountId,
    accessKeyId,
    userName: 'bob',
    sourceIp: SOURCES[traffic.source]!,
    vpcId: traffic.vpc,
    service: traffic.service,
    errorCode: traffic.error,
    count: traffic.error === null ? traffic.count : 1,
    at: start - traffic.hoursAgo * HOUR - HOUR / 2,
  });
}
