import { DecisionIndex } from '../../src/policy/decision-index.js';
import type { Deployment, Query } from '../workload.js';
import type { Engine, EngineFactory } from './peer.js';

/** KeyFence itself: the DecisionIndex does key lookup, precedence, parsing and matching. */
export class KeyFenceEngine implements Engine {
  readonly name = 'keyfence';
  readonly notes: readonly string[] = [];
  readonly index: DecisionIndex;

  constructor(index: DecisionIndex) {
    this.index = index;
  }

  decide(q: Query): boolean {
    return this.index.decide(q.credential, q.source, q.service).allowed;
  }

  run(queries: readonly Query[], start: number, count: number): number {
    const index = this.index;
    const n = queries.length;
    let i = start % n;
    let allowed = 0;
    for (let c = 0; c < count; c++) {
      const q = queries[i]!;
      if (index.decide(q.credential, q.source, q.service).allowed) allowed++;
      if (++i === n) i = 0;
    }
    return allowed;
  }
}

export function loadIndex(deployment: Deployment): DecisionIndex {
  const index = new DecisionIndex({ exemptServices: deployment.exemptServices });
  let version = 1;
  for (const a of deployment.accounts) index.setAccountPolicy(a.accountId, a.policy, version++);
  for (const k of deployment.keys) index.setKey(k.accessKeyId, k.accountId, k.policy, version++);
  index.compact();
  return index;
}

export const keyfence: EngineFactory = {
  name: 'keyfence',
  build: async (deployment) => new KeyFenceEngine(loadIndex(deployment)),
};
