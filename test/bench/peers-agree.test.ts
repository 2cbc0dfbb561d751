/**
 * The benchmark compares KeyFence with peer libraries only after checking that they all give the
 * same answers; this test runs that check on small random sets so CI notices when a peer adapter
 * (bench/peers/*) or the index drifts. Mixed IPv4/IPv6 lists, IPv4-mapped and non-canonical client
 * addresses, precedence corners, STS, exempt services and unknown keys are all in the workloads.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { blocklist } from '../../bench/peers/blocklist.js';
import { casbinPeer } from '../../bench/peers/casbin.js';
import { cedarPeer } from '../../bench/peers/cedar.js';
import { cidrMatcher } from '../../bench/peers/cidr-matcher.js';
import { ipaddrPeer } from '../../bench/peers/ipaddr.js';
import { keyfence } from '../../bench/peers/keyfence.js';
import type { EngineFactory } from '../../bench/peers/peer.js';
import { decisionCell, mixedWorkload, type Workload } from '../../bench/workload.js';

const PEERS: readonly EngineFactory[] = [blocklist, ipaddrPeer, cidrMatcher, cedarPeer, casbinPeer];

const workloads: readonly Workload[] = [
  mixedWorkload({ entries: 5, seed: 101, keys: 30, queries: 1000 }),
  mixedWorkload({ entries: 16, seed: 102, keys: 30, queries: 1000 }),
  decisionCell({ family: 4, entries: 10, keys: 100, accounts: 3, keyPolicies: 3, queries: 400, seed: 103 }),
  decisionCell({ family: 6, entries: 10, keys: 100, accounts: 3, keyPolicies: 3, queries: 400, seed: 104 }),
];

describe('benchmark peers agree with KeyFence', () => {
  for (const w of workloads) {
    it(w.name, async () => {
      const reference = await keyfence.build(w.deployment);
      const expected = w.queries.map((q) => reference.decide(q));
      const allowed = expected.filter(Boolean).length / expected.length;
      assert.ok(allowed > 0.2 && allowed < 0.8, `workload should mix allows and denials, got ${allowed}`);
      for (const factory of PEERS) {
        const peer = await factory.build(w.deployment);
        const wrong: string[] = [];
        w.queries.forEach((q, i) => {
          const got = peer.decide(q);
          if (got !== expected[i] && wrong.length < 5) {
            wrong.push(
              `${q.credential.accessKeyId} ${q.source.ip} ${q.service}: keyfence ${expected[i]}, ${peer.name} ${got}`,
            );
          }
        });
        assert.deepEqual(wrong, [], `${peer.name} disagrees on ${w.name}`);
        // The timing loop must count the same allows as decide() does.
        assert.equal(
          peer.run(w.queries, 0, w.queries.length),
          expected.filter(Boolean).length,
          `${peer.name} run()`,
        );
      }
    });
  }
});
