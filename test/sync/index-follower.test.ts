import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import pg from 'pg';
import { DecisionIndex } from '../../src/policy/decision-index.js';
import {
  type AccessKeyId,
  type AccountId,
  type KeyFenceStore,
  MasterKey,
  openStore,
  type StoreConfig,
} from '../../src/store/index.js';
import { CHANGE_FEED_APPLICATION_NAME } from '../../src/store/postgres/postgres-change-feed.js';
import { IndexFollower } from '../../src/sync/index-follower.js';
import { useDialects } from '../store/support/dialects.js';
import { classicPolicy } from '../store/support/policies.js';
import { usePostgres } from '../support/postgres.js';
import { until } from '../support/until.js';

const postgres = usePostgres();
const sqlite = useDialects().find((dialect) => dialect.name === 'sqlite')!;
const masterKey = MasterKey.generate();
const cleanup: (() => Promise<void>)[] = [];
after(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

// Long enough that no poll happens during a test: what the follower applies came through the feed.
const NEVER = 600_000;

async function open(config: StoreConfig): Promise<KeyFenceStore> {
  const store = await openStore({ ...config, masterKey });
  cleanup.push(() => store.close());
  return store;
}

async function follow(store: KeyFenceStore, pollIntervalMs: number) {
  const errors: unknown[] = [];
  const applied: number[] = [];
  const feedEvents: string[] = [];
  const follower = new IndexFollower(store, new DecisionIndex(), {
    pollIntervalMs,
    onError: (error) => errors.push(error),
    onApplied: (version) => applied.push(version),
    onFeed: (error) => feedEvents.push(error === undefined ? 'restored' : 'lost'),
    feed: { reconnectMinMs: 20, reconnectMaxMs: 50 },
  });
  await follower.start();
  cleanup.push(() => follower.stop());
  return { follower, errors, applied, feedEvents };
}

/** An account with one key; returns them and the version reached. */
async function seed(store: KeyFenceStore): Promise<{ accountId: AccountId; accessKeyId: AccessKeyId }> {
  return store.write(async (tx) => {
    const account = await tx.createAccount();
    const key = await tx.createAccessKey(account.accountId);
    return { accountId: account.accountId, accessKeyId: key.accessKeyId };
  });
}

function restrict(
  store: KeyFenceStore,
  target: { accountId: AccountId; accessKeyId: AccessKeyId },
  ip: string,
) {
  return store.write((tx) =>
    tx.setPolicy({ scope: 'accessKey', ...target }, classicPolicy(ip), { actor: 'test' }),
  );
}

const allowedFrom = (follower: IndexFollower, accessKeyId: string, ip: string) =>
  follower.index.decide({ accessKeyId, temporary: false }, { ip }, 'ecs').allowed;

async function withAdmin(url: string, work: (admin: pg.Client, database: string) => Promise<void>) {
  const adminUrl = new URL(url);
  adminUrl.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: adminUrl.toString() });
  await admin.connect();
  try {
    await work(admin, new URL(url).pathname.slice(1));
  } finally {
    await admin.end();
  }
}

/**
 * Cuts the follower's feed connection and runs `work` while the database refuses new
 * connections (the writer's pooled connection stays), so that the feed cannot come back;
 * `cut` names the wait for the follower to notice.
 */
async function withFeedCut(url: string, follower: IndexFollower, cut: string, work: () => Promise<void>) {
  await withAdmin(url, async (admin, database) => {
    await admin.query(`alter database ${database} allow_connections false`);
    try {
      await admin.query(
        'select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1 and datname = $2',
        [CHANGE_FEED_APPLICATION_NAME, database],
      );
      await until(() => !follower.listening, cut);
      await work();
    } finally {
      await admin.query(`alter database ${database} allow_connections true`);
    }
  });
}

describe('following the change log on PostgreSQL', () => {
  test('a change committed by another node is applied on its notification, without polling', async () => {
    const url = await postgres.createDatabase();
    const writer = await open({ dialect: 'postgres', connectionString: url });
    const target = await seed(writer);
    const node = await open({ dialect: 'postgres', connectionString: url });
    const { follower, errors, applied } = await follow(node, NEVER);
    assert.equal(follower.appliedVersion, 2);
    assert.equal(follower.listening, true);
    assert.equal(allowedFrom(follower, target.accessKeyId, '192.0.2.1'), true);

    const set = await restrict(writer, target, '198.51.100.7');
    await until(() => follower.appliedVersion >= set.version, `the follower applied version ${set.version}`);
    assert.equal(allowedFrom(follower, target.accessKeyId, '192.0.2.1'), false, 'the new policy is enforced');
    assert.equal(allowedFrom(follower, target.accessKeyId, '198.51.100.7'), true);
    assert.equal(follower.polls, 0, 'no poll ran: the notification did it');
    assert.ok(follower.notifications >= 1);
    assert.deepEqual(applied, [set.version]);
    assert.equal(follower.lag, 0);
    assert.deepEqual(errors, []);
  });

  test('a change committed while the feed was down is applied as soon as it reconnects', async () => {
    const url = await postgres.createDatabase();
    const writer = await open({ dialect: 'postgres', connectionString: url });
    const target = await seed(writer);
    const node = await open({ dialect: 'postgres', connectionString: url });
    const { follower, feedEvents } = await follow(node, NEVER);
    let missed = 0;
    // The change below is never announced to the follower.
    await withFeedCut(url, follower, 'the follower noticed the feed was cut', async () => {
      missed = (await restrict(writer, target, '198.51.100.7')).version;
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal(follower.appliedVersion, missed - 1, 'nothing was announced while the feed was down');
    });
    await until(() => follower.appliedVersion === missed, 'the follower caught up after reconnecting');
    assert.equal(allowedFrom(follower, target.accessKeyId, '192.0.2.1'), false);
    assert.equal(follower.polls, 0, 'the reconnection caught up, not a poll');
    assert.equal(follower.feedReconnects, 1);
    assert.deepEqual(feedEvents, ['lost', 'restored'], 'one outage is reported once, and its end');
  });

  test('the periodic poll catches up when notifications are not heard at all', async () => {
    const url = await postgres.createDatabase();
    const writer = await open({ dialect: 'postgres', connectionString: url });
    const target = await seed(writer);
    const node = await open({ dialect: 'postgres', connectionString: url });
    const { follower } = await follow(node, 50);
    // Stop the feed without the follower knowing: from now on only the poll can bring changes.
    await withFeedCut(url, follower, 'the feed is down', async () => {
      const set = await restrict(writer, target, '198.51.100.7');
      await until(() => follower.appliedVersion === set.version, 'the poll applied the change');
      assert.equal(follower.listening, false, 'the feed was still down: the poll did it');
      assert.ok(follower.polls >= 1);
    });
  });
});

describe('following the change log on SQLite', () => {
  test('another process’s change is applied at the next poll', async () => {
    const config = await sqlite.newDatabase();
    const writer = await open(config);
    const target = await seed(writer);
    const node = await open(config);
    const { follower } = await follow(node, 20);
    assert.equal(follower.listening, false);
    const set = await restrict(writer, target, '198.51.100.7');
    await until(() => follower.appliedVersion === set.version, 'the poll applied the change');
    assert.equal(allowedFrom(follower, target.accessKeyId, '192.0.2.1'), false);
    assert.equal(follower.notifications, 0);
    assert.ok(follower.polls >= 1);
    assert.equal(follower.latestKnownVersion, set.version);
  });
});
