/**
 * Three real `keyfence serve` processes on one real PostgreSQL database (docs/sync.md): a change
 * made through one node is enforced by the others, concurrent writers through different nodes
 * keep a gap-free change log, a lost notification is recovered, and `keyfence status` tells
 * enforcing, lagging and stale nodes apart. Needs `npm run build`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { runStatus } from '../../src/cli/status-command.js';
import { type KeyFenceStore, openStore } from '../../src/store/index.js';
import { CHANGE_FEED_APPLICATION_NAME } from '../../src/store/postgres/postgres-change-feed.js';
import { type Cluster, type ClusterNode, runCli, startCluster } from '../support/cluster.js';
import { createRootKey, policy, probe, setKeyPolicy, verdict } from '../support/cluster-calls.js';
import { usePostgres } from '../support/postgres.js';
import { type Credentials, call } from '../support/server-harness.js';
import { until } from '../support/until.js';

const postgres = usePostgres();
type Trio = [ClusterNode, ClusterNode, ClusterNode];

describe('three nodes on one PostgreSQL database', () => {
  let cluster: Cluster;
  let store: KeyFenceStore;
  let db: pg.Client;

  before(async () => {
    cluster = await startCluster({ databaseUrl: await postgres.createDatabase(), nodes: ['A', 'B', 'C'] });
    store = await openStore({ dialect: 'postgres', connectionString: cluster.databaseUrl });
    db = new pg.Client({ connectionString: cluster.databaseUrl });
    await db.connect();
  });
  after(async () => {
    await cluster?.stop();
    await store?.close();
    await db?.end();
  });

  const nodeRows = async () => (await store.listNodes()).nodes;

  test('a policy set through node A is enforced by B and C, and its receipt shows where it is enforced', async () => {
    const [a, b, c] = cluster.nodes as Trio;
    const { root } = cluster;
    const key = await createRootKey(a, root);
    for (const node of [b, c]) assert.equal(verdict(await probe(node, key)), true, 'no policy yet: allowed');

    const version = await setKeyPolicy(a, root, key, policy('Active', '192.0.2.1'));
    for (const node of [b, c]) {
      await until(async () => !verdict(await probe(node, key)), `node ${node.name} denies the key`);
      const denied = await probe(node, key);
      assert.equal(denied.body.AccessDeniedDetail.PolicyVersion, version, 'denied under the new policy');
      assert.ok((await node.readyz()).appliedVersion >= version, `${node.name}'s /readyz shows the receipt`);
    }
    await until(
      async () => (await nodeRows()).every((row) => row.appliedVersion >= version),
      'every node row shows the version',
    );
    assert.deepEqual(
      (await nodeRows()).map((row) => row.nodeId).sort(),
      cluster.nodes.map((n) => n.nodeId).sort(),
    );

    const status = await call(c.port, {
      action: 'GetPolicyVersionStatus',
      credentials: root,
      params: { PolicyVersion: String(version) },
    });
    assert.equal(status.status, 200, status.text);
    assert.equal(status.body.Enforced, true);
    assert.equal(status.body.EnforcingNodes, 3);

    // The audit event of a denial on B carries the version B enforced.
    const denied = await probe(b, key);
    await until(
      async () =>
        (await db.query('select 1 from audit_events where request_id = $1', [denied.body.RequestId]))
          .rowCount === 1,
      'the denial reached the audit log',
    );
    const { rows } = await db.query('select applied_version from audit_events where request_id = $1', [
      denied.body.RequestId,
    ]);
    assert.ok(Number(rows[0].applied_version) >= version);
  });

  test('concurrent writers through different nodes keep a gap-free change log, in commit order', async () => {
    const { root } = cluster;
    const keys: Credentials[] = [];
    for (let i = 0; i < 15; i++) keys.push(await createRootKey(cluster.nodes[0]!, root));
    // 3 × 50 SetAccessKeyPolicy at once: each node writes its own 5 keys, 10 times each.
    const writes = cluster.nodes.flatMap((node, n) =>
      Array.from({ length: 50 }, (_, i) => {
        const key = keys[n * 5 + (i % 5)]!;
        const document = policy('Active', `198.51.100.${n * 50 + i}`);
        return setKeyPolicy(node, root, key, document).then((version) => ({ key, document, version }));
      }),
    );
    const receipts = await Promise.all(writes);
    assert.equal(new Set(receipts.map((r) => r.version)).size, 150, 'every write has its own version');

    const { rows } = await db.query('select version from change_log order by version');
    const versions = rows.map((row) => Number(row.version));
    assert.deepEqual(
      versions,
      versions.map((_, i) => i + 1),
      'versions 1..N with no hole',
    );
    const last = versions.at(-1)!;
    assert.equal(await store.currentVersion(), last);
    for (const receipt of receipts) assert.ok(versions.includes(receipt.version));

    // The policy in force for each key is the one with the highest version: commit order is version order.
    for (const key of keys) {
      const newest = receipts.filter((r) => r.key === key).sort((x, y) => y.version - x.version)[0]!;
      const reply = await call(cluster.nodes[1]!.port, {
        action: 'GetAccessKeyPolicy',
        credentials: root,
        params: { UserAccessKeyId: key.accessKeyId },
      });
      assert.equal(reply.body.AccessKeyPolicy, newest.document);
    }
    for (const node of cluster.nodes) {
      await until(
        async () => (await node.readyz()).appliedVersion === last,
        `node ${node.name} converged on ${last}`,
      );
    }
  });

  test('a notification lost with the feed connection is recovered by the reconnection and catch-up', async () => {
    const [a, b, c] = cluster.nodes as Trio;
    const { root } = cluster;
    const key = await createRootKey(a, root);
    const feeds = async () =>
      (
        await db.query(
          'select pid from pg_stat_activity where application_name = $1 and datname = current_database()',
          [CHANGE_FEED_APPLICATION_NAME],
        )
      ).rows.map((row) => Number(row.pid));
    const before = await feeds();
    assert.equal(before.length, 3, 'one feed connection per node');
    await db.query('select pg_terminate_backend(pid) from unnest($1::int[]) as pid', [before]);
    const version = await setKeyPolicy(a, root, key, policy('Active', '192.0.2.1'));
    for (const node of [b, c]) {
      await until(async () => !verdict(await probe(node, key)), `node ${node.name} denies the key`);
      assert.ok((await node.readyz()).appliedVersion >= version);
    }
    await until(async () => {
      const now = await feeds();
      return now.length === 3 && now.every((pid) => !before.includes(pid));
    }, 'every node listens again on a new connection');
    for (const node of cluster.nodes) {
      await until(
        () => node.stderr().includes('the change feed is listening again'),
        `node ${node.name} logged its reconnection`,
      );
    }
  });

  test('keyfence status tells enforcing, lagging, stale and stopped nodes apart', async () => {
    const [a, , c] = cluster.nodes as Trio;
    const { root } = cluster;
    const url = cluster.databaseUrl;
    const json = async (version?: number) => {
      const result = await runStatus({ databaseUrl: url, json: true, version: version?.toString() });
      return {
        exitCode: result.exitCode,
        report: result.stdout === '' ? undefined : JSON.parse(result.stdout),
      };
    };
    const standing = (report: { nodes: { nodeId: string; standing: string }[] }, nodeId: string) =>
      report.nodes.find((node) => node.nodeId === nodeId)?.standing;

    await until(
      async () => (await json()).report.counts.enforcing === 3,
      'all three nodes enforce the last version',
    );
    const cli = await runCli(['status', '--database-url', url]);
    assert.equal(cli.code, 0, cli.stderr);
    for (const node of cluster.nodes) assert.match(cli.stdout, new RegExp(`${node.nodeId}\\s+enforcing`));

    const key = await createRootKey(a, root);
    c.signal('SIGSTOP');
    try {
      const version = await setKeyPolicy(a, root, key, policy('Active', '192.0.2.1'));
      await until(
        async () => (await json(version)).report.counts.enforcing === 2,
        'A and B report the new version',
      );
      const lagging = await json(version);
      assert.equal(standing(lagging.report, c.nodeId), 'lagging', 'C has not applied it');
      assert.equal(lagging.exitCode, 3);
      await until(async () => standing((await json(version)).report, c.nodeId) === 'stale', 'C went silent');
      const stale = await json(version);
      assert.equal(stale.exitCode, 0, 'a stale node is reported, not waited for');
      assert.equal(stale.report.counts.stale, 1);
    } finally {
      c.signal('SIGCONT');
    }
    await until(
      async () => (await json()).report.counts.enforcing === 3,
      'C resumed, caught up and reported',
    );

    // A node that reports an old version lags, whatever the timing; once stopped it no longer counts.
    const latest = await store.currentVersion();
    const ghost = {
      nodeId: 'ghost',
      address: null,
      appliedVersion: latest - 1,
      heartbeatMs: 3_600_000,
      startedAt: new Date(),
    };
    await store.recordNode({ ...ghost, state: 'serving' });
    const behind = await runCli(['status', '--database-url', url, '--version', String(latest)]);
    assert.equal(behind.code, 3);
    assert.match(behind.stdout, /ghost\s+lagging/);
    assert.match(behind.stdout, /not enforced everywhere/);
    await store.recordNode({ ...ghost, state: 'stopped' });
    assert.equal((await runCli(['status', '--database-url', url, '--version', String(latest)])).code, 0);

    for (const bad of [
      ['--version', '0'],
      ['--version', String(latest + 1)],
      ['--database-url', 'mysql://x'],
    ]) {
      const refused = await runCli(['status', '--database-url', url, ...bad]);
      assert.equal(refused.code, 1, bad.join(' '));
      assert.match(refused.stderr, /^keyfence status: /);
    }
  });
});
