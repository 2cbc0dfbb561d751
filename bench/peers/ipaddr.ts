import ipaddr from 'ipaddr.js';
import type { Query } from '../workload.js';
import { buildKeyTable, type Engine, type EngineFactory, type KeyState } from './peer.js';

interface ParsedList {
  readonly v4: [ipaddr.IPv4, number][];
  readonly v6: [ipaddr.IPv6, number][];
}

/** ipaddr.js: entries parsed once per scope; per call `process` (maps ::ffff: to IPv4) and `match`. */
class IpaddrEngine implements Engine {
  readonly name = 'ipaddr.js';
  readonly notes = [
    'Entries pre-parsed once (parseCIDR, or parse for hosts) into per-family lists; the client string is',
    'parsed with ipaddr.process(), which turns IPv4-mapped IPv6 into IPv4, then matched by a linear scan',
    'with addr.match(range).',
  ];
  readonly #keys: Map<string, KeyState<ParsedList>>;
  readonly #exempt: ReadonlySet<string>;

  constructor(keys: Map<string, KeyState<ParsedList>>, exempt: ReadonlySet<string>) {
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
    const address = ipaddr.process(q.source.ip);
    if (address.kind() === 'ipv4') {
      const a = address as ipaddr.IPv4;
      for (const range of m.v4) if (a.match(range)) return true;
      return false;
    }
    const a = address as ipaddr.IPv6;
    for (const range of m.v6) if (a.match(range)) return true;
    return false;
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

function compile(entries: readonly string[]): ParsedList {
  const list: ParsedList = { v4: [], v6: [] };
  for (const entry of entries) {
    const [address, bits] = entry.includes('/')
      ? ipaddr.parseCIDR(entry)
      : ((a) => [a, a.kind() === 'ipv4' ? 32 : 128] as const)(ipaddr.parse(entry));
    if (address.kind() === 'ipv4') list.v4.push([address as ipaddr.IPv4, bits]);
    else list.v6.push([address as ipaddr.IPv6, bits]);
  }
  return list;
}

export const ipaddrPeer: EngineFactory = {
  name: 'ipaddr.js',
  build: async (d) => new IpaddrEngine(await buildKeyTable(d, compile), new Set(d.exemptServices)),
};
