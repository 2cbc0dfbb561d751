import type { Query } from '../workload.js';
import { buildKeyTable, type Engine, type EngineFactory, type KeyState } from './peer.js';

/** What sets one peer apart: how it compiles a scope's entries, and how it matches a client address. */
export interface PeerSpec<M> {
  readonly name: string;
  /** Notes on how the peer was driven (normalised inputs, API used), for the report. */
  readonly notes: readonly string[];
  readonly compile: (entries: readonly string[]) => M | Promise<M>;
  /** Whether the client address (as the query carries it) is in the scope's list. */
  readonly match: (matcher: M, ip: string) => boolean;
}

/**
 * The decision every peer adapter puts around its matcher (see peer.ts), and its timing loop.
 * Every peer is an instance of this one class, so `decide` and `run` see one receiver shape and the
 * shared key table's shapes; only the call to `match` sees every peer.
 */
class PeerEngine<M> implements Engine {
  readonly name: string;
  readonly notes: readonly string[];
  readonly #keys: Map<string, KeyState<M>>;
  readonly #exempt: ReadonlySet<string>;
  readonly #match: (matcher: M, ip: string) => boolean;

  constructor(spec: PeerSpec<M>, keys: Map<string, KeyState<M>>, exempt: ReadonlySet<string>) {
    this.name = spec.name;
    this.notes = spec.notes;
    this.#match = spec.match;
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
    return this.#match(m, q.source.ip);
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

/** The benchmark's factory for one peer library. */
export function peerAdapter<M>(spec: PeerSpec<M>): EngineFactory {
  return {
    name: spec.name,
    build: async (d) => new PeerEngine(spec, await buildKeyTable(d, spec.compile), new Set(d.exemptServices)),
  };
}
