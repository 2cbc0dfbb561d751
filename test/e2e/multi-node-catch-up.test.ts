/**
 * Nodes that were away while 300 changes were made — one paused (SIGSTOP) throughout, one
 * started afterwards — catch up and decide exactly as the node that made the changes, and as
 * the policies say. Real `keyfence serve` processes on one real PostgreSQL; needs `npm run build`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type KeyFenceStore, openStore } from '../../src/store/index.js';
import { type Cluster, type ClusterNode, startCluster } from '../support/cluster.js';
import { createRootKey, policy, probe, setKeyPolicy, verdict } from '../support/cluster-calls.js';
import { usePostgres } from '../support/postgres.js';
import { type Credentials, call } from '../support/server-harness.js';
import { until } from '../support/until.js';

const postgres = usePostgres();

// Which probe addresses each list entry covers: the oracle for what a policy allows.
const ENTRIES: Readonly<Record<string, readonly string[]>> = {
  '192.0.2.1': ['192.0.2.1'],
  '192.0.2.0/24': ['192.0.2.1', '192.0.2.2'],
  '198.51.100.0/24': ['198.51.100.9'],
  '203.0.113.77': ['203.0.113.77'],
  '2001:db8::/32': ['2001:db8::5'],
};
const PROBES = ['192.0.2.1', '192.0.2.2', '198.51.100.9', '203.0.113.77', '2001:db8::5', '8.8.8.8'];
const CHANGES = 300;

interface Scope {
  active: boolean;
  entries: string[];
}

/** The rule for the shapes used here: an Active key policy decides, else an Active account policy, else allow. */
function expected(key: Scope | undefined, account: Scope | undefined, ip: string): boolean {
  const deciding = key?.active ? key : account?.active ? account : undefined;
  return deciding === undefined || deciding.entries.some((entry) => ENTRIES[entry]!.includes(ip));
}

/** A small deterministic PRNG (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('catching up after many changes', () => {
  let cluster: Cluster;
  let store: KeyFenceStore;

  before(async () => {
    cluster = await startCluster({
      databaseUrl: await postgres.createDatabase(),
      nodes: ['A', 'B', 'C'],
      // The probes state their source address through a trusted proxy (the test itself).
      serveFlags: ['--trusted-proxy', '127.0.0.1/32'],
    });
    store = await openStore({ dialect: 'postgres', connectionString: cluster.databaseUrl });
  });
  after(async () => {
    await cluster?.stop();
    await store?.close();
  });

  test(`a node paused through ${CHANGES} changes and a node started after them decide as the writer does`, async () => {
    const [a, , c] = cluster.nodes as [ClusterNode, ClusterNode, ClusterNode];
    const root = cluster.root;
    // The writer's own key keeps 127.0.0.1, so that account-level changes never lock it out.
    await setKeyPolicy(a, root, root, policy('Active', '127.0.0.1'));
    const keys: Credentials[] = [];
    for (let i = 0; i < 10; i++) keys.push(await createRootKey(a, root));

    const next = random(0x5eed);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
    const keyScopes = new Map<string, Scope>();
    let accountScope: Scope | undefined;
    c.signal('SIGSTOP');
    try {
      for (let i = 0; i < CHANGES; i++) {
        const active = next() < 0.8;
        const entries = active ? [...new Set([pick(Object.keys(ENTRIES)), pick(Object.keys(ENTRIES))])] : [];
        const document = policy(active ? 'Active' : 'Inactive', ...entries);
        if (next() < 0.1) {
          const reply = await call(a.port, {
            action: 'SetAccessKeyPolicyForAccount',
            credentials: root,
            params: { AccessKeyPolicy: document },
          });
          assert.equal(reply.status, 200, reply.text);
          accountScope = { active, entries };
        } else {
          const key = pick(keys);
          await setKeyPolicy(a, root, key, document);
          keyScopes.set(key.accessKeyId, { active, entries });
        }
      }
    } finally {
      c.signal('SIGCONT');
    }
    const late = await cluster.addNode('D');
    const latest = await store.currentVersion();
    for (const node of cluster.nodes) {
      await until(
        async () => (await node.readyz()).appliedVersion === latest,
        `node ${node.name} reached ${latest}`,
      );
    }

    for (const node of cluster.nodes) {
      const mismatches: string[] = [];
      for (const key of keys) {
        for (const ip of PROBES) {
          const want = expected(keyScopes.get(key.accessKeyId), accountScope, ip);
          const got = verdict(await probe(node, key, ip));
          if (got !== want) mismatches.push(`${key.accessKeyId} from ${ip}: ${got ? 'allowed' : 'denied'}`);
        }
      }
      assert.deepEqual(mismatches, [], `node ${node.name} decides as the policies say`);
    }
    assert.equal(late.name, 'D');
  });
});
