import { type Enforcer, newEnforcer, newModelFromString, StringAdapter } from 'casbin';
import type { Query } from '../workload.js';
import { buildKeyTable, type Engine, type EngineFactory, type KeyState } from './peer.js';
import { unmapIPv4 } from './unmap.js';

export const CASBIN_MODEL = `
[request_definition]
r = ip

[policy_definition]
p = cidr

[policy_effect]
e = some(where (p.eft == allow))

[matchers]
m = ipMatch(r.ip, p.cidr)
`;

/**
 * casbin: a model whose matcher is `ipMatch(r.ip, p.cidr)`, one policy line per entry, built in
 * memory (newEnforcer(newModelFromString, StringAdapter)); each call is `enforceSync(ip)`.
 */
class CasbinEngine implements Engine {
  readonly name = 'casbin';
  readonly notes = [
    'Model with matcher `ipMatch(r.ip, p.cidr)`, one policy line per entry, one enforcer per scope built',
    'in memory (newEnforcer(newModelFromString(...), new StringAdapter(...))); enforceSync(ip) per call.',
    'ipMatch does not treat ::ffff:a.b.c.d as IPv4, so IPv4-mapped clients are rewritten as dotted IPv4',
    'first (unmapIPv4).',
  ];
  readonly #keys: Map<string, KeyState<Enforcer>>;
  readonly #exempt: ReadonlySet<string>;

  constructor(keys: Map<string, KeyState<Enforcer>>, exempt: ReadonlySet<string>) {
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
    return m.enforceSync(unmapIPv4(q.source.ip));
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

function compile(entries: readonly string[]): Promise<Enforcer> {
  const lines = entries.map((e) => `p, ${e}`).join('\n');
  return newEnforcer(newModelFromString(CASBIN_MODEL), new StringAdapter(lines));
}

export const casbinPeer: EngineFactory = {
  name: 'casbin',
  build: async (d) => new CasbinEngine(await buildKeyTable(d, compile), new Set(d.exemptServices)),
};
