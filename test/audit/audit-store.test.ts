import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import type {
  AccountId,
  AuditEventQuery,
  KeyFenceStore,
  NewAuditEvent,
  RoleName,
  UserName,
} from '../../src/store/index.js';
import { storedEvent } from '../store/support/audit-events.js';
import type { DatabaseConfig } from '../store/support/dialects.js';
import { useDialects } from '../store/support/dialects.js';
import { newAccount, rawRows, rejectsWith, storeHarness } from '../store/support/store-harness.js';

const T0 = Date.UTC(2024, 4, 6, 12, 0, 0);

function auditEvent(accountId: AccountId | null, changes: Partial<NewAuditEvent> = {}): NewAuditEvent {
  const eventId = changes.eventId ?? randomUUID().toUpperCase();
  return storedEvent(eventId, {
    accountId,
    at: new Date(T0),
    requestId: randomUUID().toUpperCase(),
    ...changes,
  });
}

/** Every page of a query, following `next`. */
async function allPages(store: KeyFenceStore, query: AuditEventQuery): Promise<string[][]> {
  const pages: string[][] = [];
  let after = query.after;
  for (;;) {
    const page = await store.lookupAuditEvents({ ...query, after });
    pages.push(page.events.map((event) => event.eventId));
    if (page.next === null) return pages;
    after = page.next;
  }
}

/** A statement run straight on the database, bypassing the store. */
async function rawExec(config: DatabaseConfig, statement: string): Promise<void> {
  if (config.dialect === 'sqlite') {
    const database = new Database(config.file);
    try {
      database.exec(statement);
    } finally {
      database.close();
    }
    return;
  }
  const client = new pg.Client({ connectionString: config.connectionString });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

const count = async (config: DatabaseConfig) =>
  Number((await rawRows(config, 'select count(*) as n from audit_events'))[0]!.n);

const byTimeThenId = (a: NewAuditEvent, b: NewAuditEvent) =>
  a.at.getTime() - b.at.getTime() || (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0);

for (const fixture of useDialects()) {
  describe(`audit events on ${fixture.name}`, () => {
    const harness = storeHarness(fixture);
    let store: KeyFenceStore;
    let account: AccountId;
    let other: AccountId;
    const events: NewAuditEvent[] = [];
    const window = { from: new Date(T0 - 3_600_000), to: new Date(T0 + 3_600_000) };
    /** Up to 100 of the account's events in the window, oldest first. */
    const inWindow = (accountId: AccountId) =>
      store.lookupAuditEvents({ accountId, ...window, order: 'oldest-first', limit: 100 });

    before(async () => {
      ({ store } = await harness.fresh());
      account = await newAccount(store);
      other = await newAccount(store);
      // 12 events: several share a millisecond, so paging must break ties by event ID.
      for (let i = 0; i < 12; i++) {
        events.push(
          auditEvent(account, {
            at: new Date(T0 + Math.floor(i / 3) * 1000),
            eventName: i % 2 === 0 ? 'ListUsers' : 'CreateUser',
            eventRW: i % 2 === 0 ? 'Read' : 'Write',
            accessKeyId: i % 4 === 0 ? 'LTAI5tUserKeyUserKey0001' : 'LTAI5tRootKeyRootKey0001',
            userName: i % 4 === 0 ? 'alice' : 'root',
            serviceName: i < 10 ? 'Ims' : 'Sts',
            sourceIp: i % 3 === 0 ? '2001:db8::1' : '192.0.2.10',
            errorCode: i % 5 === 0 ? 'InvalidAccessKeyId.AccessPolicyDenied' : null,
          }),
        );
      }
      await store.appendAuditEvents(events);
      await store.appendAuditEvents([
        auditEvent(other, { eventName: 'ListUsers' }),
        auditEvent(null, { eventName: 'ListUsers', accessKeyId: 'LTAI5tRootKeyRootKey0001' }),
      ]);
    });

    test('pages newest first and oldest first, each event once, ties broken by event ID', async () => {
      const oldestFirst = [...events].sort(byTimeThenId).map((event) => event.eventId);
      const forward = await allPages(store, {
        accountId: account,
        ...window,
        order: 'oldest-first',
        limit: 5,
      });
      assert.deepEqual(
        forward.map((page) => page.length),
        [5, 5, 2],
      );
      assert.deepEqual(forward.flat(), oldestFirst);
      const backward = await allPages(store, {
        accountId: account,
        ...window,
        order: 'newest-first',
        limit: 5,
      });
      assert.deepEqual(backward.flat(), [...oldestFirst].reverse());
      // A page exactly as large as what is left is the last one.
      const exact = await allPages(store, { accountId: account, ...window, order: 'oldest-first', limit: 6 });
      assert.deepEqual(
        exact.map((page) => page.length),
        [6, 6],
      );
    });

    test('returns documents as stored, with the event time to the millisecond', async () => {
      const page = await store.lookupAuditEvents({
        accountId: account,
        ...window,
        order: 'oldest-first',
        limit: 1,
      });
      const first = [...events].sort(byTimeThenId)[0]!;
      assert.deepEqual(page.events, [{ eventId: first.eventId, at: first.at, document: first.document }]);
    });

    test('the time window includes both ends, to the millisecond', async () => {
      const ids = async (from: number, to: number) =>
        (
          await store.lookupAuditEvents({
            accountId: account,
            from: new Date(from),
            to: new Date(to),
            order: 'oldest-first',
            limit: 100,
          })
        ).events.length;
      assert.equal(await ids(T0 + 1000, T0 + 2000), 6);
      assert.equal(await ids(T0 + 1001, T0 + 1999), 0);
      assert.equal(await ids(T0, T0), 3);
      assert.equal(await ids(T0 + 10_000, T0 + 20_000), 0);
    });

    test('filters match exactly, and combine', async () => {
      const count = async (filter: AuditEventQuery['filter']) =>
        (
          await store.lookupAuditEvents({
            accountId: account,
            ...window,
            order: 'oldest-first',
            filter,
            limit: 100,
          })
        ).events.length;
      const expected = (predicate: (event: NewAuditEvent) => boolean) => events.filter(predicate).length;
      assert.equal(await count({}), 12);
      assert.equal(await count({ accessKeyId: 'LTAI5tUserKeyUserKey0001' }), 3);
      assert.equal(await count({ userName: 'alice' }), 3);
      assert.equal(await count({ eventName: 'CreateUser' }), 6);
      assert.equal(await count({ eventName: 'createuser' }), 0);
      assert.equal(await count({ serviceName: 'Sts' }), 2);
      assert.equal(await count({ eventRW: 'Read' }), 6);
      assert.equal(await count({ sourceIp: '2001:db8::1' }), 4);
      assert.equal(
        await count({ failed: true }),
        expected((event) => event.errorCode !== null),
      );
      assert.equal(
        await count({ failed: false }),
        expected((event) => event.errorCode === null),
      );
      assert.equal(await count({ eventId: events[4]!.eventId }), 1);
      assert.equal(await count({ requestId: events[7]!.requestId }), 1);
      assert.equal(
        await count({ eventRW: 'Write', failed: true }),
        expected((event) => event.eventRW === 'Write' && event.errorCode !== null),
      );
      assert.equal(await count({ accessKeyId: "' or 1=1 --" }), 0);
    });

    test('filtered paging continues across pages', async () => {
      const query = {
        accountId: account,
        ...window,
        filter: { eventRW: 'Read' as const },
        order: 'newest-first' as const,
        limit: 4,
      };
      const pages = await allPages(store, query);
      const expected = events
        .filter((event) => event.eventRW === 'Read')
        .sort(byTimeThenId)
        .reverse()
        .map((event) => event.eventId);
      assert.deepEqual(pages.flat(), expected);
      assert.equal(pages.length, 2);
    });

    test('an account sees only its own events; events without an account are seen by none', async () => {
      const mine = await inWindow(account);
      const theirs = await inWindow(other);
      assert.equal(mine.events.length, 12);
      assert.equal(theirs.events.length, 1);
      assert.ok(!mine.events.some((event) => theirs.events.some((t) => t.eventId === event.eventId)));
      const stranger = await newAccount(store);
      const none = await inWindow(stranger);
      assert.deepEqual(none, { events: [], next: null });
    });

    test('events without an account are kept', async () => {
      const { store: own, config } = await harness.fresh();
      await own.appendAuditEvents([auditEvent(null, { accessKeyId: 'LTAI5tNoSuchKeyNoSuchKey0' })]);
      const rows = await rawRows(config, 'select account_id, access_key_id from audit_events');
      assert.deepEqual(rows, [{ account_id: null, access_key_id: 'LTAI5tNoSuchKeyNoSuchKey0' }]);
    });

    test('keeps the version the deciding node enforced, and null without a decision', async () => {
      const { store: own, config } = await harness.fresh();
      const id = await newAccount(own);
      await own.appendAuditEvents([
        auditEvent(id, { requestId: 'decided', appliedVersion: 9_007_199_254 }),
        auditEvent(id, { requestId: 'undecided', appliedVersion: null }),
      ]);
      const rows = await rawRows(
        config,
        'select request_id, applied_version from audit_events order by request_id',
      );
      assert.deepEqual(
        rows.map((row) => [
          row.request_id,
          row.applied_version === null ? null : Number(row.applied_version),
        ]),
        [
          ['decided', 9_007_199_254],
          ['undecided', null],
        ],
      );
    });

    test('appending an event ID again is a no-op, so a retried batch is not stored twice', async () => {
      const { store: own, config } = await harness.fresh();
      const id = await newAccount(own);
      const batch = [auditEvent(id), auditEvent(id)];
      await own.appendAuditEvents(batch);
      await own.appendAuditEvents([...batch, auditEvent(id)]);
      await own.appendAuditEvents([]);
      const rows = await rawRows(config, 'select count(*) as n from audit_events');
      assert.equal(Number(rows[0]!.n), 3);
    });

    test('a value the database refuses fails the batch with Store.InvalidData, and none of it is stored', async () => {
      const { store: own, config } = await harness.fresh();
      const id = await newAccount(own);
      const good = [auditEvent(id), auditEvent(id)];
      const refused = auditEvent(id, { requestId: null as unknown as string });
      await rejectsWith(own.appendAuditEvents([good[0]!, refused, good[1]!]), 'Store.InvalidData');
      assert.equal(await count(config), 0);
      await own.appendAuditEvents(good);
      assert.equal(await count(config), 2);
    });

    test(`a NUL in a column: ${fixture.name === 'postgres' ? 'PostgreSQL refuses it (Store.InvalidData)' : 'SQLite keeps it'}`, async () => {
      const { store: own, config } = await harness.fresh();
      const id = await newAccount(own);
      const appended = own.appendAuditEvents([auditEvent(id, { accessKeyId: 'LTAI\u0000x' })]);
      if (fixture.name === 'postgres') {
        await rejectsWith(appended, 'Store.InvalidData');
        assert.equal(await count(config), 0);
      } else {
        await appended;
        const rows = await rawRows(config, 'select access_key_id from audit_events');
        assert.deepEqual(rows, [{ access_key_id: 'LTAI\u0000x' }]);
      }
    });

    test('a database that cannot take a batch fails it with Store.Database, and takes the next once it can', async () => {
      const { store: own, config } = await harness.fresh();
      const id = await newAccount(own);
      await rawExec(config, 'alter table audit_events rename to audit_events_away');
      await rejectsWith(own.appendAuditEvents([auditEvent(id)]), 'Store.Database');
      await rawExec(config, 'alter table audit_events_away rename to audit_events');
      await own.appendAuditEvents([auditEvent(id)]);
      assert.equal(await count(config), 1);
    });

    test('1,000 events go in at once, outside the change log', async () => {
      const { store: own, config } = await harness.fresh();
      const id = await newAccount(own);
      const version = await own.currentVersion();
      const batch = Array.from({ length: 1000 }, (_, i) =>
        auditEvent(id, { at: new Date(T0 + i), document: JSON.stringify({ i, padding: 'x'.repeat(600) }) }),
      );
      const started = performance.now();
      await own.appendAuditEvents(batch);
      const elapsed = performance.now() - started;
      const rows = await rawRows(config, 'select count(*) as n from audit_events');
      assert.equal(Number(rows[0]!.n), 1000);
      assert.equal(await own.currentVersion(), version);
      assert.ok(elapsed < 5000, `appending 1,000 events took ${elapsed.toFixed(0)} ms`);
      const last = await own.lookupAuditEvents({
        accountId: id,
        from: new Date(T0),
        to: new Date(T0 + 999),
        order: 'newest-first',
        limit: 1,
      });
      assert.deepEqual(JSON.parse(last.events[0]!.document).i, 999);
    });

    test('names the principals holding keys, without touching secrets', async () => {
      const { store: own } = await harness.fresh();
      const id = await newAccount(own);
      const rootKey = await own.write((tx) => tx.createAccessKey(id));
      const user = await own.write((tx) => tx.createUser(id, { userName: 'alice' as UserName }));
      const userKey = await own.write((tx) => tx.createAccessKey(id, { userName: user.userName }));
      const role = await own.write((tx) =>
        tx.createRole(id, {
          roleName: 'Deployer' as RoleName,
          assumeRolePolicyDocument: JSON.stringify({
            Statement: [
              { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { RAM: [`acs:ram::${id}:root`] } },
            ],
            Version: '1',
          }),
        }),
      );
      const sts = await own.write((tx) =>
        tx.issueTemporaryCredential(id, role.roleName, {
          roleSessionName: 'ci-run',
          sourceIdentity: rootKey.accessKeyId,
        }),
      );
      const found = await own.accessKeyPrincipals([
        rootKey.accessKeyId,
        userKey.accessKeyId,
        sts.accessKeyId,
        userKey.accessKeyId,
        'LTAI5tNoSuchKeyNoSuchKey00',
        'STS.NoSuchCredentialNoSuch1',
        "'; drop table access_keys; --",
      ]);
      assert.deepEqual(
        found,
        new Map<string, unknown>([
          [rootKey.accessKeyId, { type: 'root-account', accountId: id }],
          [userKey.accessKeyId, { type: 'ram-user', accountId: id, userName: 'alice', userId: user.userId }],
          [
            sts.accessKeyId,
            {
              type: 'assumed-role',
              accountId: id,
              roleName: 'Deployer',
              roleId: role.roleId,
              roleSessionName: 'ci-run',
            },
          ],
        ]),
      );
      assert.deepEqual(await own.accessKeyPrincipals([]), new Map());
    });
  });
}
