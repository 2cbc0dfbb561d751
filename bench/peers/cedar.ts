import { setFlagsFromString } from 'node:v8';
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import type { Query } from '../workload.js';
import { buildKeyTable, type Engine, type EngineFactory, type KeyState } from './peer.js';
import { unmapIPv4 } from './unmap.js';

// Node 20's V8 (11.3) aborts the process ("Fatal error ... unreachable code" in
// Deoptimizer::DoComputeBuiltinContinuation) when an optimized function that inlined a JS-to-Wasm
// call is lazily deoptimized while the Wasm call runs, which cedar's bindings trigger after a few
// thousand calls. Turning that inlining off (it only concerns JS-to-Wasm calls) avoids it; it must
// happen before cedar's callers are optimized, so here, when this module is loaded.
setFlagsFromString('--no-turbo-inline-js-wasm-calls');

const PRINCIPAL = { type: 'AccessKey', id: 'key' };
const ACTION = { type: 'Action', id: 'call' };
const RESOURCE = { type: 'Service', id: 'ecs' };
const NO_ENTITIES: cedar.EntityJson[] = [];

let nextSetId = 0;

/** The Cedar policy set for one scope: one `permit` per entry. */
export function cedarPolicyText(entries: readonly string[]): string {
  let text = '';
  for (const e of entries) {
    text += `permit (principal, action, resource) when { ip(context.ip).isInRange(ip(${JSON.stringify(e)})) };\n`;
  }
  return text;
}

/**
 * Cedar (wasm): every scope's policy set is pre-parsed once (`preparsePolicySet`); each call is
 * `statefulIsAuthorized` with the client address in the context. `allow` = in the list.
 */
class CedarEngine implements Engine {
  readonly name = 'cedar-wasm';
  readonly notes = [
    'One `permit (principal, action, resource) when { ip(context.ip).isInRange(ip("entry")) };` per entry;',
    "each scope's policy set is pre-parsed once (preparsePolicySet) and evaluated with",
    'statefulIsAuthorized (no per-call policy parsing). Cedar rejects IPv4 embedded in IPv6',
    '(::ffff:a.b.c.d) and treats ::ffff:7f00:1 as IPv6, so IPv4-mapped clients are rewritten as dotted',
    'IPv4 first (unmapIPv4). A single permit with an `||` chain of all entries is not an option:',
    'cedar-wasm aborts with "RuntimeError: memory access out of bounds" pre-parsing a 400-entry chain.',
    "The bench turns off V8's JS-to-Wasm call inlining (--no-turbo-inline-js-wasm-calls, set at run",
    'time by bench/peers/cedar.ts): with it, Node 20 aborts in the deoptimizer after a few thousand',
    'cedar calls.',
  ];
  readonly #keys: Map<string, KeyState<string>>;
  readonly #exempt: ReadonlySet<string>;

  constructor(keys: Map<string, KeyState<string>>, exempt: ReadonlySet<string>) {
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
    const answer = cedar.statefulIsAuthorized({
      principal: PRINCIPAL,
      action: ACTION,
      resource: RESOURCE,
      context: { ip: unmapIPv4(q.source.ip) },
      preparsedPolicySetId: m,
      entities: NO_ENTITIES,
    });
    if (answer.type !== 'success') throw new Error(`cedar: ${JSON.stringify(answer.errors)}`);
    return answer.response.decision === 'allow';
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

function compile(entries: readonly string[]): string {
  const id = `scope-${nextSetId++}`;
  const answer = cedar.preparsePolicySet(id, { staticPolicies: cedarPolicyText(entries) });
  if (answer.type !== 'success')
    throw new Error(`cedar: cannot parse policy set: ${JSON.stringify(answer.errors)}`);
  return id;
}

export const cedarPeer: EngineFactory = {
  name: 'cedar-wasm',
  build: async (d) => new CedarEngine(await buildKeyTable(d, compile), new Set(d.exemptServices)),
};
