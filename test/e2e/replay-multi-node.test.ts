/**
 * Two real `keyfence serve` processes on one PostgreSQL database (`npm run build` first): a signed
 * request accepted by one node is refused by the other with SignatureNonceUsed, and the same
 * request sent to both at once is accepted by exactly one.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Cluster, type ClusterNode, startCluster } from '../support/cluster.js';
import { usePostgres } from '../support/postgres.js';
import { capturedPolicyChange } from '../support/replay.js';
import { type RawRequest, type Reply, send } from '../support/server-harness.js';

const postgres = usePostgres();

describe('two nodes sharing one PostgreSQL database', () => {
  let cluster: Cluster;
  let a: ClusterNode;
  let b: ClusterNode;

  before(async () => {
    cluster = await startCluster({ databaseUrl: await postgres.createDatabase(), nodes: ['A', 'B'] });
    [a, b] = cluster.nodes as [ClusterNode, ClusterNode];
  });
  after(async () => {
    await cluster?.stop();
  });

  /** A SetAccessKeyPolicyForAccount as an eavesdropper would capture it (signed for node A's address). */
  const captured = (signature: 'v3' | 'v2', ip: string): RawRequest =>
    capturedPolicyChange(a.port, cluster.root, signature, ip);

  const code = (reply: Reply) => (reply.status === 200 ? 200 : reply.body?.Code);

  test('accepted by node A, the same request is refused by node B', async () => {
    for (const signature of ['v3', 'v2'] as const) {
      const request = captured(signature, '192.0.2.1');
      assert.equal(code(await send(a.port, request)), 200);
      assert.equal(code(await send(b.port, request)), 'SignatureNonceUsed', signature);
      assert.equal(code(await send(a.port, request)), 'SignatureNonceUsed', signature);
    }
  });

  test('sent to both nodes at once, it is accepted by exactly one', async () => {
    for (let round = 0; round < 5; round++) {
      const request = captured('v3', `192.0.2.${10 + round}`);
      const replies = await Promise.all([send(a.port, request), send(b.port, request)]);
      assert.deepEqual(replies.map(code).sort(), [200, 'SignatureNonceUsed'].sort(), `round ${round}`);
    }
  });
});
