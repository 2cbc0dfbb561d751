/**
 * What every engine in the benchmark implements, and the precedence table the peers share.
 *
 * KeyFence's own index does the whole decision itself. A peer library only matches an address
 * against a list, so each peer adapter puts the same decision around it: exempt
 * service and STS allow, an unknown key denies, the key's Active key-level policy else the
 * account's Active policy else allow, no ClassicWhiteList denies a public source, else match.
 * The key table is a Map from AccessKey ID to that key's state, as the index has one.
 *
 * Each adapter carries its own copy of the timing loop (`run`) and of the precedence steps in
 * `decide` on purpose: shared code would see every engine's matcher and turn megamorphic, which
 * would tax whichever engine runs last and make the comparison depend on the order of engines.
 */
import type { AccessKeyPolicy } from '../../src/policy/policy-document.js';
import type { Deployment, Query } from '../workload.js';

export interface Engine {
  readonly name: string;
  /** Notes on how the peer was driven (normalised inputs, API used), for the report. */
  readonly notes: readonly string[];
  decide(query: Query): boolean;
  /** Decides `count` queries from `queries`, starting at `start` and wrapping; returns how many allowed. */
  run(queries: readonly Query[], start: number, count: number): number;
}

export interface EngineFactory {
  readonly name: string;
  build(deployment: Deployment): Promise<Engine>;
}

/** One scope's policy as a peer holds it: whether it is Active, and its matcher (null: no ClassicWhiteList). */
export interface Scope<M> {
  readonly active: boolean;
  readonly matcher: M | null;
}

/** The account a key belongs to; shared by its keys and replaceable in place. */
export interface AccountState<M> {
  scope: Scope<M> | null;
}

export interface KeyState<M> {
  readonly key: Scope<M> | null;
  readonly account: AccountState<M>;
}

/** All ClassicWhiteList entries of a policy, or null when it has no ClassicWhiteList statement. */
export function classicEntries(policy: AccessKeyPolicy): string[] | null {
  let out: string[] | null = null;
  for (const s of policy.Statements) {
    if (s.Type !== 'ClassicWhiteList') continue;
    out ??= [];
    out.push(...s.IPList);
  }
  return out;
}

/**
 * Builds the key table for a peer. `compile` turns a list of entries into the peer's matcher;
 * a policy object shared by several keys is compiled once.
 */
export async function buildKeyTable<M>(
  deployment: Deployment,
  compile: (entries: readonly string[]) => M | Promise<M>,
): Promise<Map<string, KeyState<M>>> {
  const compiled = new Map<AccessKeyPolicy, Scope<M>>();
  const scopeOf = async (policy: AccessKeyPolicy | null): Promise<Scope<M> | null> => {
    if (policy === null) return null;
    let scope = compiled.get(policy);
    if (scope === undefined) {
      const entries = classicEntries(policy);
      scope = {
        active: policy.Status === 'Active',
        matcher: entries === null ? null : await compile(entries),
      };
      compiled.set(policy, scope);
    }
    return scope;
  };
  const accounts = new Map<string, AccountState<M>>();
  for (const a of deployment.accounts) accounts.set(a.accountId, { scope: await scopeOf(a.policy) });
  const keys = new Map<string, KeyState<M>>();
  for (const k of deployment.keys) {
    let account = accounts.get(k.accountId);
    if (account === undefined) {
      account = { scope: null };
      accounts.set(k.accountId, account);
    }
    keys.set(k.accessKeyId, { key: await scopeOf(k.policy), account });
  }
  return keys;
}
