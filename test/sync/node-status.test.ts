import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ChoreRunner } from '../../src/common/chore-runner.js';
import { defaultNodeId, isNodeId } from '../../src/config/node-id.js';
import type { NodeList, NodeRecord } from '../../src/store/index.js';
import { NodeHeartbeat } from '../../src/sync/node-heartbeat.js';
import { MISSED_HEARTBEATS, propagationOf, readPropagation } from '../../src/sync/propagation.js';
import { useDialects } from '../store/support/dialects.js';
import { newAccount, storeHarness } from '../store/support/store-harness.js';
import { until } from '../support/until.js';

for (const fixture of useDialects()) {
  describe(`the node status table on ${fixture.name}`, () => {
    const harness = storeHarness(fixture);

    test('a report is stored under the node ID, stamped with the database clock, and replaced by the next', async () => {
      const { store } = await harness.fresh();
      const startedAt = new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678));
      const before = Date.now();
      const nodeA = {
        nodeId: 'node-a',
        address: null,
        state: 'serving',
        appliedVersion: 7,
        heartbeatMs: 250,
        startedAt,
      } as const;
      const nodeB = {
        nodeId: 'node-b',
        address: 'http://10.0.0.2:8080',
        state: 'stopped',
        appliedVersion: 42,
        heartbeatMs: 1000,
        startedAt,
      } as const;
      await store.recordNode({ ...nodeB, state: 'serving', appliedVersion: 41 });
      await store.recordNode(nodeA);
      await store.recordNode(nodeB);
      const list = await store.listNodes();
      const after = Date.now();
      assert.deepEqual(
        list.nodes.map(({ updatedAt: _, ...rest }) => rest),
        [nodeA, nodeB],
      );
      // The database runs on this machine, so its clock is this one's, give or take rounding.
      for (const node of list.nodes) {
        assert.ok(node.updatedAt.getTime() >= before - 5 && node.updatedAt.getTime() <= after + 5);
        assert.ok(node.updatedAt.getTime() <= list.at.getTime(), 'read after the rows');
      }
    });

    test('the heartbeat writes the row on start, after changes, and as stopped at the end', async () => {
      const { store } = await harness.fresh();
      let applied = 3;
      const errors: unknown[] = [];
      const heartbeat = new NodeHeartbeat(store, {
        nodeId: 'node-1',
        heartbeatMs: 60_000,
        appliedVersion: () => applied,
        onError: (error) => errors.push(error),
      });
      heartbeat.start('http://127.0.0.1:1234');
      const chores = new ChoreRunner([heartbeat.chore]);
      chores.start();
      const row = async () => (await store.listNodes()).nodes.find((node) => node.nodeId === 'node-1');
      await until(async () => (await row())?.appliedVersion === 3, 'the first row was written');
      applied = 9;
      heartbeat.beat();
      heartbeat.beat(); // asked for during a write: one more write, not two
      await until(async () => (await row())?.appliedVersion === 9, 'the beat after a change was written');
      await chores.stop();
      await heartbeat.stop();
      const last = await row();
      assert.equal(last?.state, 'stopped');
      assert.equal(last?.address, 'http://127.0.0.1:1234');
      assert.equal(last?.heartbeatMs, 60_000);
      assert.ok(heartbeat.writes >= 3 && heartbeat.writes <= 4, `${heartbeat.writes} writes`);
      assert.deepEqual(errors, []);
    });

    test('a failing heartbeat is reported once per run of failures and never throws', async () => {
      const { store } = await harness.fresh();
      const errors: unknown[] = [];
      const heartbeat = new NodeHeartbeat(store, {
        nodeId: 'node-1',
        heartbeatMs: 10,
        appliedVersion: () => 1,
        onError: (error) => errors.push(error),
      });
      await store.close();
      heartbeat.start(null);
      const chores = new ChoreRunner([heartbeat.chore]);
      chores.start();
      await until(() => heartbeat.failures >= 3, 'several beats failed');
      await chores.stop();
      await heartbeat.stop();
      assert.equal(errors.length, 1);
      assert.equal(heartbeat.writes, 0);
    });

    test('propagation of a version that was not committed is refused', async () => {
      const { store } = await harness.fresh();
      await newAccount(store);
      const refused = await readPropagation(store, 2);
      assert.deepEqual(refused, { ok: false, error: { version: 2, currentVersion: 1 } });
      const current = await readPropagation(store);
      assert.ok(current.ok);
      assert.equal(current.value.version, 1);
    });
  });
}

describe('which nodes enforce a version', () => {
  const at = new Date(Date.UTC(2024, 5, 1, 12, 0, 0));
  const node = (
    nodeId: string,
    appliedVersion: number,
    ageMs: number,
    state: NodeRecord['state'] = 'serving',
  ) =>
    ({
      nodeId,
      address: null,
      state,
      appliedVersion,
      heartbeatMs: 1000,
      startedAt: new Date(0),
      updatedAt: new Date(at.getTime() - ageMs),
    }) satisfies NodeRecord;

  test('fresh nodes enforce or lag; silent ones are stale; stopped ones are set aside', () => {
    const list: NodeList = {
      at,
      nodes: [
        node('a', 10, 0),
        node('b', 12, 900),
        node('c', 9, MISSED_HEARTBEATS * 1000),
        node('d', 3, MISSED_HEARTBEATS * 1000 + 1),
        node('e', 1, 5, 'stopped'),
      ],
    };
    const report = propagationOf(10, 12, list);
    assert.deepEqual(
      report.nodes.map((n) => [n.nodeId, n.standing]),
      [
        ['a', 'enforcing'],
        ['b', 'enforcing'],
        ['c', 'lagging'],
        ['d', 'stale'],
        ['e', 'stopped'],
      ],
    );
    assert.deepEqual(report.counts, { enforcing: 2, lagging: 1, stale: 1, stopped: 1 });
    assert.equal(report.enforced, false);
    assert.equal(propagationOf(9, 12, list).enforced, true, 'a stale or stopped node does not hold it back');
    assert.equal(propagationOf(1, 1, { at, nodes: [] }).enforced, true, 'no node, nothing lags');
  });

  test('node IDs', () => {
    for (const id of ['web-1', 'ip-10-0-0-1.ec2.internal-8080', 'pod_a:8080', 'node@eu', 'x'.repeat(128)])
      assert.ok(isNodeId(id), id);
    for (const id of ['', '-lead', 'a b', 'a/b', 'é', 'x'.repeat(129), 'a\nb']) assert.ok(!isNodeId(id), id);
    assert.ok(isNodeId(defaultNodeId()));
    assert.match(defaultNodeId(8080), /-8080$/);
    assert.match(defaultNodeId(0), new RegExp(`-${process.pid}$`));
  });
});
