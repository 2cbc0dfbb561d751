/**
 * Key-source rollups (docs/audit.md, "Key-source rollups") against the truth computed from the
 * raw events, on SQLite and PostgreSQL: random traffic with coalesced events, STS and malformed
 * keys and account-less events (left out), several writers (two stores on one database, batches
 * concurrently, events committed with a change, retried batches), more than 32 services in a row,
 * events on both sides of UTC midnight; and the migration's backfill from stored events.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import pg from 'pg';
import type { AccountId, KeyFenceStore, KeySourceRollup, NewAuditEvent } from '../../src/store/index.js';
import { type DatabaseConfig, useDialects } from './support/dialects.js';
import { storeHarness } from './support/store-harness.js';

const DAY = 86_400_000;
// Midnight UTC: traffic falls on the two days either side of it.
const MIDNIGHT = Date.UTC(2025, 0, 2);
const ACCOUNTS = ['1234567890123456', '6543210987654321'] as AccountId[];
const KEYS = ['LTAI5tRollupKeyNumber001', 'LTAI5tRollupKeyNumber002', 'LTAI5tRollupKeyNumber003'];
const LEFT_OUT_KEYS = ['STS.NUQNP4PiGyckMsNiGELCs0001', 'LTAIshort', null];
// Each spelling and the canonical text it is rolled up under.
const SOURCES: ReadonlyArray<readonly [string, string]> = [
  ['192.0.2.1', '192.0.2.1'],
  ['::ffff:192.0.2.1', '192.0.2.1'],
  ['2001:DB8:0:0::1', '2001:db8::1'],
  ['2001:db8::1', '2001:db8::1'],
  ['198.51.100.7', '198.51.100.7'],
  ['not-an-address', 'not-an-address'],
];
const SERVICES = Array.from({ length: 40 }, (_, i) => `svc-${String(i).padStart(2, '0')}`);
const ERRORS = [null, 'InvalidAccessKeyId.AccessPolicyDenied', 'NoPermission'];

interface Traffic {
  readonly event: NewAuditEvent;
  /** How it reaches the store: store A's batches, store B's, or committed with a change on A. */
  readonly via: 'a' | 'b' | 'tx';
  /** Appended a second time (a retried batch): it must count once. */
  readonly again: boolean;
}

let serial = 0;

function eventOf(fields: {
  account: AccountId | null;
  key: string | null;
  source: number;
  vpc: string | null;
  at: number;
  error: string | null;
  service: string | null;
  count: number;
  spread: number;
  /** What a report-only candidate decided: null when none was staged. */
  candidate?: boolean | null;
}): NewAuditEvent {
  const eventId = `E${String(++serial).padStart(12, '0')}`;
  const count = fields.error === null ? fields.count : 1;
  const sourceIp = SOURCES[fields.source]![0];
  const lastTime = count > 1 ? new Date(fields.at + fields.spread).toISOString() : null;
  return {
    eventId,
    accountId: fields.account,
    at: new Date(fields.at),
    requestId: eventId,
    accessKeyId: fields.key,
    userName: 'root',
    eventName: 'ListUsers',
    serviceName: null,
    eventRW: 'Read',
    sourceIp,
    errorCode: fields.error,
    appliedVersion: null,
    document: JSON.stringify({
      eventId,
      sourceIpAddress: sourceIp,
      vpcId: fields.vpc,
      errorCode: fields.error,
      keyfence: {
        service: fields.service,
        count,
        lastTime,
        candidate:
          fields.candidate == null
            ? null
            : { allowed: fields.candidate, reason: 'public-ip-not-allowed', scope: 'account' },
      },
    }),
  };
}

const anEvent = fc
  .record({
    account: fc.oneof(
      { weight: 9, arbitrary: fc.constantFrom(...ACCOUNTS) },
      { weight: 1, arbitrary: fc.constant(null) },
    ),
    key: fc.oneof(
      { weight: 5, arbitrary: fc.constantFrom(...KEYS) },
      { weight: 1, arbitrary: fc.constantFrom(...LEFT_OUT_KEYS) },
    ),
    source: fc.nat(SOURCES.length - 1),
    vpc: fc.constantFrom(null, 'vpc-a', 'vpc-b'),
    // Whole seconds, so a coalesced event's later arrivals stay in its second.
    at: fc.integer({ min: -2 * 86_400, max: 2 * 86_400 - 1 }).map((s) => MIDNIGHT + s * 1000),
    error: fc.constantFrom(...ERRORS),
    service: fc.option(fc.constantFrom(...SERVICES.slice(0, 6)), { freq: 6 }),
    count: fc.oneof(fc.constant(1), fc.integer({ min: 2, max: 1000 })),
    spread: fc.nat(999),
    candidate: fc.constantFrom(null, true, false),
  })
  .map(eventOf);

// Many services from one source on one day: the row keeps 32 of them by name.
const aSpray = fc
  .record({
    account: fc.constantFrom(...ACCOUNTS),
    key: fc.constantFrom(...KEYS),
    at: fc.constantFrom(MIDNIGHT - 1000, MIDNIGHT),
    services: fc.uniqueArray(fc.constantFrom(...SERVICES), { minLength: 30, maxLength: 40 }),
  })
  .map(({ account, key, at, services }) =>
    services.map((service, i) =>
      eventOf({ account, key, source: 0, vpc: null, at, error: null, service, count: i + 1, spread: 0 }),
    ),
  );

const aTraffic = fc
  .tuple(fc.array(anEvent, { maxLength: 60 }), fc.option(aSpray, { freq: 2 }))
  .chain(([events, spray]) => {
    const all = [...events, ...(spray ?? [])];
    return fc
      .tuple(
        fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length }),
        fc.array(fc.record({ via: fc.constantFrom('a', 'b', 'b', 'a', 'tx'), again: fc.boolean() }), {
          minLength: all.length,
          maxLength: all.length,
        }),
        fc.integer({ min: 1, max: 25 }),
      )
      .map(([shuffled, ways, batch]) => ({
        traffic: shuffled.map(
          (event, i): Traffic => ({ event, ...(ways[i] as Pick<Traffic, 'via' | 'again'>) }),
        ),
        batch,
      }));
  });

function withoutCandidate(event: NewAuditEvent): NewAuditEvent {
  const document = JSON.parse(event.document);
  document.keyfence.candidate = null;
  return { ...event, document: JSON.stringify(document) };
}

/** What the rollups should say, computed from the events alone. */
function truth(
  events: readonly NewAuditEvent[],
  accountId: AccountId,
  accessKeyId: string | undefined,
  fromDay: number,
  toDay: number,
): object[] {
  const rows = new Map<
    string,
    { row: Record<string, unknown>; services: Map<string, number>; days: Set<number> }
  >();
  for (const event of events) {
    if (event.accountId !== accountId || !/^LTAI[0-9A-Za-z]{20}$/.test(event.accessKeyId ?? '')) continue;
    if (accessKeyId !== undefined && event.accessKeyId !== accessKeyId) continue;
    const day = Math.floor(event.at.getTime() / DAY);
    if (day < fromDay || day > toDay) continue;
    const document = JSON.parse(event.document);
    const source = SOURCES.find(([text]) => text === event.sourceIp)![1];
    const calls: number = document.keyfence.count;
    const last =
      document.keyfence.lastTime === null ? event.at.getTime() : Date.parse(document.keyfence.lastTime);
    const key = `${event.accessKeyId} ${source} ${document.vpcId}`;
    let entry = rows.get(key);
    if (entry === undefined) {
      entry = {
        row: {
          accessKeyId: event.accessKeyId,
          sourceIp: source,
          vpcId: document.vpcId,
          allowed: 0,
          denied: 0,
          failed: 0,
          firstSeen: event.at.getTime(),
          lastSeen: last,
        },
        services: new Map(),
        days: new Set(),
      };
      rows.set(key, entry);
    }
    const outcome =
      event.errorCode === null
        ? 'allowed'
        : event.errorCode === 'InvalidAccessKeyId.AccessPolicyDenied'
          ? 'denied'
          : 'failed';
    (entry.row[outcome] as number) += calls;
    if (document.keyfence.candidate?.allowed === false) {
      entry.row.candidateDenied = ((entry.row.candidateDenied as number | undefined) ?? 0) + calls;
    }
    entry.row.firstSeen = Math.min(entry.row.firstSeen as number, event.at.getTime());
    entry.row.lastSeen = Math.max(entry.row.lastSeen as number, last);
    entry.days.add(day);
    const service = document.keyfence.service ?? '';
    entry.services.set(service, (entry.services.get(service) ?? 0) + calls);
  }
  return [...rows.values()]
    .map(({ row, services, days }) => {
      const named = [...services.keys()].filter((name) => name !== '').sort();
      const kept = named.slice(0, 32);
      const other = [...services].filter(([name]) => !kept.includes(name)).reduce((sum, [, n]) => sum + n, 0);
      return {
        ...row,
        days: days.size,
        services: Object.fromEntries(kept.map((name) => [name, services.get(name)])),
        otherServices: other,
      };
    })
    .sort(byKey);
}

function plain(rows: readonly KeySourceRollup[]): object[] {
  return rows
    .map((row) => ({
      ...row,
      firstSeen: row.firstSeen.getTime(),
      lastSeen: row.lastSeen.getTime(),
      services: Object.fromEntries([...row.services].sort(([a], [b]) => (a < b ? -1 : 1))),
    }))
    .sort(byKey);
}

function byKey(a: object, b: object): number {
  const key = (row: object) => {
    const { accessKeyId, sourceIp, vpcId } = row as Record<string, unknown>;
    return `${accessKeyId} ${sourceIp} ${vpcId}`;
  };
  return key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
}

/** Every query the checks make, against the truth: each account, each key, a window of days. */
async function assertRollupsMatch(
  store: KeyFenceStore,
  events: readonly NewAuditEvent[],
  window: readonly [number, number],
): Promise<void> {
  const allDays = [Math.floor(MIDNIGHT / DAY) - 3, Math.floor(MIDNIGHT / DAY) + 3] as const;
  for (const accountId of ACCOUNTS) {
    for (const [fromDay, toDay] of [allDays, window]) {
      const from = new Date(fromDay * DAY + 12_345);
      const to = new Date(toDay * DAY + DAY - 1);
      for (const accessKeyId of [undefined, ...KEYS]) {
        const query =
          accessKeyId === undefined ? { accountId, from, to } : { accountId, accessKeyId, from, to };
        assert.deepEqual(
          plain(await store.keySourceRollups(query)),
          truth(events, accountId, accessKeyId, fromDay, toDay),
          `${accountId} ${accessKeyId ?? 'every key'} days ${fromDay}..${toDay}`,
        );
      }
    }
  }
}

async function execute(config: DatabaseConfig, statements: readonly string[]): Promise<void> {
  if (config.dialect === 'sqlite') {
    const database = new Database(config.file);
    try {
      for (const statement of statements) database.exec(statement);
    } finally {
      database.close();
    }
    return;
  }
  const client = new pg.Client({ connectionString: config.connectionString });
  await client.connect();
  try {
    for (const statement of statements) await client.query(statement);
  } finally {
    await client.end();
  }
}

/** Stores `traffic` the ways it says, store A's and store B's batches concurrently. */
async function store(
  a: KeyFenceStore,
  b: KeyFenceStore,
  traffic: readonly Traffic[],
  size: number,
): Promise<void> {
  const batches = (via: 'a' | 'b') => {
    const events = traffic.filter((item) => item.via === via).map((item) => item.event);
    const again = traffic.filter((item) => item.via === via && item.again).map((item) => item.event);
    const out: NewAuditEvent[][] = [];
    for (let i = 0; i < events.length; i += size) out.push(events.slice(i, i + size));
    if (again.length > 0) out.push(again);
    return out;
  };
  const write = async (target: KeyFenceStore, via: 'a' | 'b') => {
    for (const batch of batches(via)) await target.appendAuditEvents(batch);
  };
  const commit = async () => {
    for (const item of traffic.filter((entry) => entry.via === 'tx')) {
      await a.write((tx) => tx.appendAuditEvent(item.event));
      if (item.again) await a.appendAuditEvents([item.event]);
    }
  };
  await Promise.all([write(a, 'a'), write(b, 'b'), commit()]);
}

const aWindow = fc
  .tuple(fc.integer({ min: -2, max: 1 }), fc.integer({ min: 0, max: 2 }))
  .map(
    ([from, length]) =>
      [Math.floor(MIDNIGHT / DAY) + from, Math.floor(MIDNIGHT / DAY) + from + length] as const,
  );

for (const fixture of useDialects()) {
  describe(`key-source rollups on ${fixture.name}`, () => {
    const harness = storeHarness(fixture);
    let config: DatabaseConfig;
    let a: KeyFenceStore;
    let b: KeyFenceStore;

    before(async () => {
      ({ store: a, config } = await harness.fresh());
      b = await harness.open(config);
    });

    test('equal the truth computed from the stored events, whoever stored them and however', async () => {
      await fc.assert(
        fc.asyncProperty(aTraffic, aWindow, async ({ traffic, batch }, window) => {
          await execute(config, ['delete from audit_events', 'delete from key_source_rollups']);
          await store(a, b, traffic, batch);
          await assertRollupsMatch(
            a,
            traffic.map((item) => item.event),
            window,
          );
        }),
        { numRuns: fixture.name === 'sqlite' ? 40 : 25 },
      );
    });

    test('equal the truth when the events carry the fields of their documents the rollups read', async () => {
      const carrying = (event: NewAuditEvent): NewAuditEvent => {
        const { vpcId, keyfence } = JSON.parse(event.document);
        const { candidate, ...fields } = keyfence;
        return { ...event, rollup: { vpcId, ...fields, candidateDenied: candidate?.allowed === false } };
      };
      await fc.assert(
        fc.asyncProperty(aTraffic, aWindow, async ({ traffic, batch }, window) => {
          await execute(config, ['delete from audit_events', 'delete from key_source_rollups']);
          const carried = traffic.map((item) => ({ ...item, event: carrying(item.event) }));
          await store(a, b, carried, batch);
          await assertRollupsMatch(
            a,
            carried.map((item) => item.event),
            window,
          );
        }),
        { numRuns: 15 },
      );
    });

    test('a batch partly stored already adds the events it stores, and those only', async () => {
      await fc.assert(
        fc.asyncProperty(aTraffic, aWindow, async ({ traffic, batch }, window) => {
          await execute(config, ['delete from audit_events', 'delete from key_source_rollups']);
          const events = traffic.map((item) => item.event);
          // Each batch but the first starts with one to three events of the batch before it.
          for (let i = 0; i < events.length; i += batch) {
            await a.appendAuditEvents(events.slice(Math.max(0, i - 1 - (i % 3)), i + batch));
          }
          await assertRollupsMatch(a, events, window);
        }),
        { numRuns: fixture.name === 'sqlite' ? 30 : 20 },
      );
    });

    test('the migration backfills the rollups of the events stored before it', async () => {
      await fc.assert(
        fc.asyncProperty(aTraffic, aWindow, async ({ traffic }, window) => {
          const { store: first, config: fresh } = await harness.fresh();
          // Events stored before migration 0009 carry no candidate outcome.
          const events = traffic.map((item) => withoutCandidate(item.event));
          await first.appendAuditEvents(events);
          await first.close();
          await execute(fresh, [
            'drop table key_source_rollups',
            "delete from keyfence_migrations where name = '0007-key-source-rollups'",
            ...(fresh.dialect === 'postgres'
              ? ['drop function keyfence_merge_service_calls(text, text)']
              : []),
          ]);
          const reopened = await harness.open(fresh);
          // Migration 0009, recorded as applied, added this column after 0007: put it back.
          await execute(fresh, [
            'alter table key_source_rollups add column candidate_denied_calls bigint not null default 0',
          ]);
          await assertRollupsMatch(reopened, events, window);
        }),
        { numRuns: 6 },
      );
    });

    test('retention deletes whole days of rollups before the given one, and nothing else', async () => {
      await execute(config, ['delete from audit_events', 'delete from key_source_rollups']);
      const events = [-2, -1, 0, 1].map((day) =>
        eventOf({
          account: ACCOUNTS[0]!,
          key: KEYS[0]!,
          source: 0,
          vpc: null,
          at: MIDNIGHT + day * DAY + 5000,
          error: null,
          service: 'ecs',
          count: 1,
          spread: 0,
        }),
      );
      await a.appendAuditEvents(events);
      assert.equal(await a.deleteRetainedBatch('key_source_rollups', MIDNIGHT / DAY, 1000), 2);
      const [row] = await a.keySourceRollups({
        accountId: ACCOUNTS[0]!,
        from: new Date(MIDNIGHT - 10 * DAY),
        to: new Date(MIDNIGHT + 10 * DAY),
      });
      assert.equal(row?.allowed, 2);
      assert.equal(row?.firstSeen.getTime(), MIDNIGHT + 5000);
    });
  });
}
