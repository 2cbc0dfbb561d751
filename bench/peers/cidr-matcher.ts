import { createRequire } from 'node:module';
import type { Query } from '../workload.js';
import { buildKeyTable, type Engine, type EngineFactory, type KeyState } from './peer.js';

/** The part of cidr-matcher's API used here (the package ships no types). */
interface CidrMatcher {
  contains(address: string): boolean;
}
type CidrMatcherClass = new (classes: readonly string[]) => CidrMatcher;

const CIDRMatcher = createRequire(import.meta.url)('cidr-matcher') as CidrMatcherClass;

/** cidr-matcher: one matcher per scope, `contains(ip)` per call (parses with ip6addr, scans linearly). */
class CidrMatcherEngine implements Engine {
  readonly name = 'cidr-matcher';
  readonly notes = [
    'One matcher per scope (new CIDRMatcher(entries)); contains(ip) per call, which handles IPv4-mapped',
    'clients itself. It requires a prefix on every entry, so host entries are given as /32 or /128.',
  ];
  readonly #keys: Map<string, KeyState<CidrMatcher>>;
  readonly #exempt: ReadonlySet<string>;

  constructor(keys: Map<string, KeyState<CidrMatcher>>, exempt: ReadonlySet<string>) {
    this.#keys = keys;
    this.#exempt = exempt;
  }

  decide(q: Query): boolean {
    if (this.#exempt.size !== 0 && this.#exempt.has(q.service)) return true;
    const c = q.credential;
    if (c.temporary) return true;
    const k = this.#keys.get(c.accessKeyId);
    if (k === undefined) return false;
    let s = k.key;
    if (s === null || !s.active) {
      s = k.account.scope;
      if (s === null || !s.active) return true;
    }
    const m = s.matcher;
    if (m === null) return false;
    return m.contains(q.source.ip);
  }

  run(queries: readonly Query[], start: number, count: number): number {
    const n = queries.length;
    let i = start % n;
    let allowed = 0;
    for (let c = 0; c < count; c++) {
      if (this.decide(queries[i]!)) allowed++;
      if (++i === n) i = 0;
    }
    return allowed;
  }
}

function compile(entries: readonly string[]): CidrMatcher {
  return new CIDRMatcher(entries.map((e) => (e.includes('/') ? e : `${e}/${e.includes(':') ? 128 : 32}`)));
}

export const cidrMatcher: EngineFactory = {
  name: 'cidr-matcher',
  build: async (d) => new CidrMatcherEngine(await buildKeyTable(d, compile), new Set(d.exemptServices)),
};
