import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import pg from 'pg';
import { isStoreError, type KeyFenceStore, MasterKey, openStore } from '../../src/store/index.js';
import { CHANGE_FEED_APPLICATION_NAME } from '../../src/store/postgres/postgres-change-feed.js';
import { useDialects } from '../store/support/dialects.js';
import { usePostgres } from '../support/postgres.js';
import { until } from '../support/until.js';

const postgres = usePostgres();
const masterKey = MasterKey.generate();
const opened: KeyFenceStore[] = [];
after(async () => {
  for (const store of opened.splice(0)) await store.close();
});

async function open(connectionString: string): Promise<KeyFenceStore> {
  const store = await openStore({ dialect: 'postgres', connectionString, masterKey });
  opened.push(store);
  return store;
}

/** What a subscriber heard, in order. */
function recorder() {
  const heard: string[] = [];
  return {
    heard,
    listener: {
      changed: (version: number) => heard.push(`changed ${version}`),
      resumed: () => heard.push('resumed'),
      failed: () => heard.push('failed'),
    },
  };
}

/** A connection to the server's `postgres` database, from which the test's database is managed. */
async function withAdmin<T>(
  url: string,
  work: (admin: pg.Client, database: string) => Promise<T>,
): Promise<T> {
  const adminUrl = new URL(url);
  adminUrl.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: adminUrl.toString() });
  await admin.connect();
  try {
    return await work(admin, new URL(url).pathname.slice(1));
  } finally {
    await admin.end();
  }
}

/** Kills the change feeds' connections to the database at `url`, as an administrator can. */
function terminateFeeds(url: string): Promise<number> {
  return withAdmin(url, async (admin, database) => {
    const { rows } = await admin.query(
      `select pg_terminate_backend(pid) as done from pg_stat_activity
        where application_name = $1 and datname = $2`,
      [CHANGE_FEED_APPLICATION_NAME, database],
    );
    return rows.filter((row) => row.done === true).length;
  });
}

describe('the PostgreSQL change feed', () => {
  test('announces each committed write transaction once, with its last version, once its rows are visible', async () => {
    const url = await postgres.createDatabase();
    const node = await open(url);
    const writer = await open(url);
    const { heard } = recorder();
    const visible: boolean[] = [];
    const feed = await node.subscribeToChanges({
      changed: (version) => {
        heard.push(`changed ${version}`);
        void node.changesSince(version - 1).then((changes) => visible.push(changes[0]?.version === version));
      },
      resumed: () => heard.push('resumed'),
      failed: () => heard.push('failed'),
    });
    assert.equal(feed.pushes, true);
    assert.equal(feed.listening, true);

    const account = await writer.write((tx) => tx.createAccount()); // version 1
    // Two changes in one transaction: one notification, for the last.
    await writer.write(async (tx) => {
      await tx.createAccessKey(account.accountId);
      await tx.createAccessKey(account.accountId);
    }); // versions 2 and 3
    // A rolled-back transaction announces nothing.
    await assert.rejects(
      writer.write(async (tx) => {
        await tx.createAccount();
        throw new Error('roll back');
      }),
      /roll back/,
    );
    await writer.write((tx) => tx.createAccount()); // version 4
    await until(() => visible.length === 3, 'three notifications were heard and checked');
    assert.deepEqual(heard, ['changed 1', 'changed 3', 'changed 4']);
    assert.deepEqual(visible, [true, true, true], 'the announced version is readable when it is heard');
    await feed.close();
    assert.equal(feed.listening, false);
    await writer.write((tx) => tx.createAccount());
    await node.currentVersion();
    assert.deepEqual(heard, ['changed 1', 'changed 3', 'changed 4'], 'nothing is heard after close');
  });

  test('reconnects after its connection is killed, says so, and hears changes again', async () => {
    const url = await postgres.createDatabase();
    const node = await open(url);
    const writer = await open(url);
    const { heard, listener } = recorder();
    const feed = await node.subscribeToChanges(listener, { reconnectMinMs: 50, reconnectMaxMs: 200 });
    assert.equal(await terminateFeeds(url), 1, 'the feed is one connection, named in pg_stat_activity');
    await until(() => heard.includes('resumed'), 'the feed reconnected');
    assert.deepEqual(heard, ['failed', 'resumed']);
    assert.equal(feed.reconnects, 1);
    assert.equal(feed.listening, true);
    await writer.write((tx) => tx.createAccount());
    await until(() => heard.includes('changed 1'), 'a change was heard after the reconnection');
    await feed.close();
  });

  test('keeps retrying while the database refuses it, with backoff, until close', async () => {
    const url = await postgres.createDatabase();
    const node = await open(url);
    const { heard, listener } = recorder();
    const feed = await node.subscribeToChanges(listener, { reconnectMinMs: 20, reconnectMaxMs: 40 });
    await refusingConnections(url, async () => {
      await terminateFeeds(url);
      await until(() => heard.filter((event) => event === 'failed').length >= 3, 'several attempts failed');
      assert.equal(feed.listening, false);
      assert.equal(heard.includes('resumed'), false);
    });
    await until(() => heard.includes('resumed'), 'the feed came back once connections were allowed');
    assert.equal(heard.at(-1), 'resumed');
    await feed.close();
    const count = heard.length;
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(heard.length, count, 'nothing happens after close');
  });

  test('rejects with a store error when it cannot connect at all', async () => {
    const url = await postgres.createDatabase();
    const node = await open(url);
    await refusingConnections(url, () =>
      assert.rejects(node.subscribeToChanges(recorder().listener), isStoreError),
    );
  });
});

/** Runs `work` while the database at `url` refuses new connections (existing ones stay). */
function refusingConnections(url: string, work: () => Promise<void>): Promise<void> {
  return withAdmin(url, async (admin, database) => {
    await admin.query(`alter database ${database} allow_connections false`);
    try {
      await work();
    } finally {
      await admin.query(`alter database ${database} allow_connections true`);
    }
  });
}

for (const fixture of useDialects().filter((dialect) => dialect.name === 'sqlite')) {
  test('SQLite pushes nothing: readers poll', async () => {
    const store = await openStore(await fixture.newDatabase());
    try {
      const feed = await store.subscribeToChanges(recorder().listener);
      assert.equal(feed.pushes, false);
      assert.equal(feed.listening, false);
      await feed.close();
    } finally {
      await store.close();
    }
  });
}
