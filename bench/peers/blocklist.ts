import { BlockList } from 'node:net';
import type { Query } from '../workload.js';
import { buildKeyTable, type Engine, type EngineFactory, type KeyState } from './peer.js';

/** Node's `net.BlockList`: one list per scope (addSubnet / addAddress), `check(ip, family)` per call. */
class BlockListEngine implements Engine {
  readonly name = 'net.BlockList';
  readonly notes = [
    'One BlockList per scope (addSubnet; addAddress for hosts); check(ip, family), the family taken from',
    'the presence of ":". IPv4-mapped clients are checked as ipv6: BlockList matches them against its',
    'IPv4 rules itself, so no rewriting is needed.',
  ];
  readonly #keys: Map<string, KeyState<BlockList>>;
  readonly #exempt: ReadonlySet<string>;

  constructor(keys: Map<string, KeyState<BlockList>>, exempt: ReadonlySet<string>) {
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
    const ip = q.source.ip;
    return m.check(ip, ip.indexOf(':') < 0 ? 'ipv4' : 'ipv6');
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

function compile(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const slash = entry.indexOf('/');
    const address = slash < 0 ? entry : entry.slice(0, slash);
    const family = address.indexOf(':') < 0 ? 'ipv4' : 'ipv6';
    if (slash < 0) list.addAddress(address, family);
    else list.addSubnet(address, Number(entry.slice(slash + 1)), family);
  }
  return list;
}

export const blocklist: EngineFactory = {
  name: 'net.BlockList',
  build: async (d) => new BlockListEngine(await buildKeyTable(d, compile), new Set(d.exemptServices)),
};
