import { KeyFenceError } from '../common/keyfence-error.js';
import { scanAddress } from '../net/address.js';
import { RangeArena } from '../net/range-arena.js';
import { type CompiledRanges, compilePolicy } from './compile-policy.js';
import type { Credential, Decision, DecisionReason, DecisionScope, Source } from './decision.js';
import type { AccessKeyPolicy, PolicyStatus } from './policy-document.js';

// Keys and accounts are records in flat Uint32Arrays: one decision reads one key record (and
// perhaps one account record) from a single cache line instead of chasing objects.
const STRIDE = 8;
const OWNER = 0; // key record: account slot; account record: number of keys
const STATUS = 1; // policy status: UNSET, ACTIVE or INACTIVE
const VERSION = 2; // change-log version at which the policy was set
const CLASSIC = 3; // arena ref of the ClassicWhiteList ranges, or NONE
const ALL_VPC = 4; // arena ref of the AllowAllVPC ranges, or NONE
const HAS_VPCS = 5; // 1 when per-VPC ranges exist in the side map

const NONE = 0xffffffff;
// A key's route when its own Active policy decides; otherwise the route is its account's slot.
const OWN_POLICY = -1;
const UNSET = 0;
const ACTIVE = 1;
const INACTIVE = 2;
const MAX_VERSION = 0xfffffffe;

// What evaluating one policy against one source gave: a statement index (>= 0) that allows,
// or one of these denials. Plain numbers keep the decision path free of allocations.
const NO_PUBLIC_STATEMENT = -1;
const PUBLIC_NOT_ALLOWED = -2;
const NO_VPC_STATEMENT = -3;
const VPC_NOT_ALLOWED = -4;
const INVALID_SOURCE = -5;

// Indexed by -outcome.
const denialReasons: readonly DecisionReason[] = [
  'public-ip-allowed', // unused: 0 is a statement index
  'no-public-statement',
  'public-ip-not-allowed',
  'no-vpc-statement',
  'vpc-not-allowed',
  'invalid-source-address',
];

function fixed(allowed: boolean, reason: DecisionReason): Decision {
  return Object.freeze({ allowed, reason, scope: 'none', statement: -1, policyVersion: 0 });
}

const EXEMPT = fixed(true, 'exempt-service');
const TEMPORARY = fixed(true, 'temporary-credential');
const NO_POLICY = fixed(true, 'no-active-policy');
// An unknown key cannot have been authenticated; if one reaches the decision, deny.
const UNKNOWN_KEY = fixed(false, 'unknown-access-key');

export interface DecisionIndexOptions {
  /** Service codes on which network ACLs are not applied (lower-case, e.g. `mns`). */
  readonly exemptServices?: Iterable<string>;
}

/** What one scope's policy says about a source, whether or not that policy is in force. */
export interface ScopeEvaluation {
  readonly scope: Exclude<DecisionScope, 'none'>;
  readonly status: PolicyStatus;
  readonly policyVersion: number;
  /** True when this scope's policy is the one that decides (Active, and not overridden). */
  readonly effective: boolean;
  readonly wouldAllow: boolean;
  readonly reason: DecisionReason;
  readonly statement: number;
}

export interface Explanation {
  readonly decision: Decision;
  /** The AccessKey-level evaluation first, then the account-level one; absent scopes omitted. */
  readonly scopes: readonly ScopeEvaluation[];
  /** What the report-only candidates would decide (`decideCandidate`); null when none is staged. */
  readonly candidate: Decision | null;
}

/**
 * Whether the key's own Active policy decides for it, so that its account's policy never does:
 * read from an explanation, whatever its source.
 */
export function ownPolicyDecides({ scopes }: Pick<Explanation, 'scopes'>): boolean {
  return scopes.some((s) => s.scope === 'accessKey' && s.status === 'Active');
}

/** One table of records (keys, or accounts) with the per-VPC ranges of its policies. */
class RecordTable {
  records = new Uint32Array(STRIDE * 16);
  readonly vpcs = new Map<number, Map<string, number>>();
  /** Per slot, the decisions handed out under its current policy, by outcome code. */
  readonly decisions: (Decision[] | undefined)[] = [];
  readonly free: number[] = [];
  slots = 0;

  allocate(): number {
    let slot = this.free.pop();
    if (slot === undefined) {
      slot = this.slots++;
      // Grown one by one so the array keeps fast elements (a far write would make it a dictionary).
      this.decisions.push(undefined);
    }
    const needed = (slot + 1) * STRIDE;
    if (needed > this.records.length) {
      const next = new Uint32Array(
        Math.max(needed, Math.ceil((this.records.length * 1.5) / STRIDE) * STRIDE),
      );
      next.set(this.records);
      this.records = next;
    }
    const base = slot * STRIDE;
    this.records.fill(0, base, base + STRIDE);
    this.records[base + CLASSIC] = NONE;
    this.records[base + ALL_VPC] = NONE;
    return slot;
  }

  trim(): void {
    this.records = this.records.slice(0, this.slots * STRIDE);
  }

  /**
   * Makes `slot` usable in a table whose slots are another table's (the candidates of the keys
   * or of the accounts): a slot never written before reads as no policy.
   */
  reserve(slot: number): void {
    while (this.slots <= slot) {
      const fresh = this.slots++;
      this.decisions.push(undefined);
      const needed = this.slots * STRIDE;
      if (needed > this.records.length) {
        const next = new Uint32Array(
          Math.max(needed, Math.ceil((this.records.length * 1.5) / STRIDE) * STRIDE),
        );
        next.set(this.records);
        this.records = next;
      }
      const base = fresh * STRIDE;
      this.records[base + CLASSIC] = NONE;
      this.records[base + ALL_VPC] = NONE;
    }
  }

  /** Whether `slot` holds a policy; false for a slot never reserved. */
  holds(slot: number): boolean {
    return slot < this.slots && this.records[slot * STRIDE + STATUS] !== UNSET;
  }
}

function reasonFor(outcome: number, source: Source): DecisionReason {
  if (outcome < 0) return denialReasons[-outcome]!;
  return source.vpcId !== undefined && source.vpcId !== '' ? 'vpc-allowed' : 'public-ip-allowed';
}

/**
 * The in-memory decision state of many accounts and AccessKeys (docs/decision-engine.md). Every policy is
 * compiled once when set; `decide` then reads typed arrays and the range arena only, and is
 * O(log n) in the number of entries of the deciding policy.
 */
export class DecisionIndex {
  readonly #exempt: ReadonlySet<string>;
  readonly #arena = new RangeArena();
  readonly #scratch = new Uint32Array(4);
  #lastService = '';
  #lastExempt = false;
  readonly #keyIds = new Map<string, number>();
  readonly #keys = new RecordTable();
  /**
   * Per key slot, where its decision is read: OWN_POLICY or the account slot. The key records
   * hold the same facts, but this array is an eighth of their size, so the lookup of a key that
   * falls back to its account (most keys) stays in cache.
   */
  #routes = new Int32Array(16);
  readonly #accountIds = new Map<string, number>();
  readonly #accountNames: (string | undefined)[] = [];
  readonly #accounts = new RecordTable();
  /**
   * Report-only candidates, at the same slots as the keys and accounts they belong to. Apart
   * from the tables the decision reads, so that `decide` costs the same with or without them.
   */
  readonly #keyCandidates = new RecordTable();
  readonly #accountCandidates = new RecordTable();
  #candidates = 0;

  constructor(options: DecisionIndexOptions = {}) {
    this.#exempt = new Set(options.exemptServices ?? []);
  }

  get keyCount(): number {
    return this.#keyIds.size;
  }

  get accountCount(): number {
    return this.#accountIds.size;
  }

  hasKey(accessKeyId: string): boolean {
    return this.#keyIds.has(accessKeyId);
  }

  /** How many report-only candidates (of keys and of accounts) are staged. */
  get candidateCount(): number {
    return this.#candidates;
  }

  /** Stages (or with null, removes) an account's report-only candidate policy. */
  setAccountCandidate(accountId: string, policy: AccessKeyPolicy | null, version: number): void {
    const slot = this.#accountSlot(accountId);
    this.#setCandidate(this.#accountCandidates, slot, policy, version);
    this.#releaseAccountIfUnused(slot);
  }

  /** Stages (or with null, removes) a key's report-only candidate; a key not in the index has none. */
  setKeyCandidate(accessKeyId: string, policy: AccessKeyPolicy | null, version: number): void {
    const slot = this.#keyIds.get(accessKeyId);
    if (slot === undefined) return;
    this.#setCandidate(this.#keyCandidates, slot, policy, version);
  }

  #setCandidate(table: RecordTable, slot: number, policy: AccessKeyPolicy | null, version: number): void {
    table.reserve(slot);
    const had = table.holds(slot);
    this.#setPolicy(table, slot, policy, version);
    this.#candidates += (table.holds(slot) ? 1 : 0) - (had ? 1 : 0);
  }

  /**
   * The decision that would be made if every candidate of the key's scopes were promoted (the
   * key's replacing its policy, the account's the account's; then the usual precedence), or null
   * when no candidate takes part in it: neither the key nor its account has one, or only the
   * account has one and the key's own Active policy decides (its decision is not a candidate's,
   * and counted as one it would inflate the would-deny figures); null too for STS and unknown
   * keys. Never consulted by `decide`.
   */
  decideCandidate(credential: Credential, source: Source, service: string): Decision | null {
    if (this.#candidates === 0 || credential.temporary) return null;
    const slot = this.#keyIds.get(credential.accessKeyId);
    if (slot === undefined) return null;
    const account = this.#keys.records[slot * STRIDE + OWNER]!;
    const ownCandidate = this.#keyCandidates.holds(slot);
    const accountCandidate = this.#accountCandidates.holds(account);
    const keys = ownCandidate ? this.#keyCandidates : this.#keys;
    const keyDecides = keys.records[slot * STRIDE + STATUS] === ACTIVE;
    if (!ownCandidate && (keyDecides || !accountCandidate)) return null;
    if (this.#exempt.has(service)) return EXEMPT;
    if (keyDecides) {
      const outcome = this.#evaluate(keys, slot * STRIDE, source);
      return this.#decision(outcome, source, 'accessKey', keys, slot);
    }
    const accounts = accountCandidate ? this.#accountCandidates : this.#accounts;
    if (accounts.records[account * STRIDE + STATUS] !== ACTIVE) return NO_POLICY;
    const outcome = this.#evaluate(accounts, account * STRIDE, source);
    return this.#decision(outcome, source, 'account', accounts, account);
  }

  /** Sets (or with null, removes) an account's account-level policy. */
  setAccountPolicy(accountId: string, policy: AccessKeyPolicy | null, version: number): void {
    const slot = this.#accountSlot(accountId);
    this.#setPolicy(this.#accounts, slot, policy, version);
    this.#releaseAccountIfUnused(slot);
  }

  /** Adds or replaces one permanent AccessKey with its AccessKey-level policy (null: none set). */
  setKey(accessKeyId: string, accountId: string, policy: AccessKeyPolicy | null, version: number): void {
    let slot = this.#keyIds.get(accessKeyId);
    if (slot === undefined) {
      slot = this.#keys.allocate();
      this.#keys.records[slot * STRIDE + OWNER] = NONE;
      this.#keyIds.set(accessKeyId, slot);
    }
    const account = this.#accountSlot(accountId);
    const base = slot * STRIDE;
    const previous = this.#keys.records[base + OWNER]!;
    if (previous !== account) {
      this.#accounts.records[account * STRIDE + OWNER]!++;
      this.#keys.records[base + OWNER] = account;
      if (previous !== NONE) {
        this.#accounts.records[previous * STRIDE + OWNER]!--;
        this.#releaseAccountIfUnused(previous);
      }
    }
    try {
      this.#setPolicy(this.#keys, slot, policy, version);
    } finally {
      this.#setRoute(slot);
    }
  }

  #setRoute(slot: number): void {
    if (slot >= this.#routes.length) {
      const next = new Int32Array(Math.max(slot + 1, Math.ceil(this.#routes.length * 1.5)));
      next.set(this.#routes);
      this.#routes = next;
    }
    const base = slot * STRIDE;
    const records = this.#keys.records;
    this.#routes[slot] = records[base + STATUS] === ACTIVE ? OWN_POLICY : records[base + OWNER]!;
  }

  removeKey(accessKeyId: string): void {
    const slot = this.#keyIds.get(accessKeyId);
    if (slot === undefined) return;
    this.#keyIds.delete(accessKeyId);
    if (this.#keyCandidates.holds(slot)) this.#setCandidate(this.#keyCandidates, slot, null, 0);
    this.#setPolicy(this.#keys, slot, null, 0);
    const account = this.#keys.records[slot * STRIDE + OWNER]!;
    this.#accounts.records[account * STRIDE + OWNER]!--;
    this.#releaseAccountIfUnused(account);
    this.#keys.free.push(slot);
  }

  decide(credential: Credential, source: Source, service: string): Decision {
    // A node's requests name one of a few services, nearly always the one of the call before:
    // comparing with that string object is cheaper than hashing it into the set.
    if (service !== this.#lastService) {
      this.#lastService = service;
      this.#lastExempt = this.#exempt.has(service);
    }
    if (this.#lastExempt) return EXEMPT;
    if (credential.temporary) return TEMPORARY;
    const slot = this.#keyIds.get(credential.accessKeyId);
    if (slot === undefined) return UNKNOWN_KEY;
    let table = this.#keys;
    let base = slot * STRIDE;
    let scope: DecisionScope = 'accessKey';
    const route = this.#routes[slot]!;
    if (route !== OWN_POLICY) {
      table = this.#accounts;
      base = route * STRIDE;
      scope = 'account';
      if (table.records[base + STATUS] !== ACTIVE) return NO_POLICY;
    }
    const outcome = this.#evaluate(table, base, source);
    return this.#decision(outcome, source, scope, table, base / STRIDE);
  }

  /**
   * A Decision is a value fixed by the deciding record's policy and the outcome, so each record
   * keeps the ones it has handed out: after the first call per outcome, deciding allocates
   * nothing. A record's decisions are dropped whenever its policy changes.
   */
  #decision(
    outcome: number,
    source: Source,
    scope: DecisionScope,
    table: RecordTable,
    slot: number,
  ): Decision {
    const vpc = source.vpcId !== undefined && source.vpcId !== '';
    const code = outcome >= 0 ? 8 + outcome * 2 + (vpc ? 1 : 0) : -outcome;
    let cached = table.decisions[slot];
    if (cached === undefined) {
      cached = [];
      table.decisions[slot] = cached;
    } else {
      const hit = cached[code];
      if (hit !== undefined) return hit;
    }
    const decision: Decision = Object.freeze({
      allowed: outcome >= 0,
      reason: reasonFor(outcome, source),
      scope,
      statement: outcome >= 0 ? outcome : -1,
      policyVersion: table.records[slot * STRIDE + VERSION]!,
    });
    cached[code] = decision;
    return decision;
  }

  /**
   * The decision plus what each scope's policy would decide on its own, Inactive ones included:
   * "check this IP" before enabling a policy.
   */
  explain(credential: Credential, source: Source, service: string): Explanation {
    const decision = this.decide(credential, source, service);
    const slot = this.#keyIds.get(credential.accessKeyId);
    const candidate = this.decideCandidate(credential, source, service);
    if (slot === undefined) return { decision, scopes: [], candidate };
    const scopes: ScopeEvaluation[] = [];
    const add = (scope: 'accessKey' | 'account', table: RecordTable, base: number) => {
      const status = table.records[base + STATUS];
      if (status === UNSET) return;
      const outcome = this.#evaluate(table, base, source);
      scopes.push({
        scope,
        status: status === ACTIVE ? 'Active' : 'Inactive',
        policyVersion: table.records[base + VERSION]!,
        effective: decision.scope === scope,
        wouldAllow: outcome >= 0,
        reason: reasonFor(outcome, source),
        statement: outcome >= 0 ? outcome : -1,
      });
    };
    const keyBase = slot * STRIDE;
    add('accessKey', this.#keys, keyBase);
    add('account', this.#accounts, this.#keys.records[keyBase + OWNER]! * STRIDE);
    return { decision, scopes, candidate };
  }

  /** Reclaims released ranges and trims spare capacity, e.g. after loading a snapshot. */
  compact(): void {
    this.#compactArena(0);
    this.#keys.trim();
    this.#routes = this.#routes.slice(0, this.#keys.slots);
    this.#accounts.trim();
    this.#keyCandidates.trim();
    this.#accountCandidates.trim();
  }

  /** Bytes held in typed arrays: the range arena and the record tables. */
  get typedArrayBytes(): number {
    return (
      this.#arena.byteLength +
      this.#keys.records.byteLength +
      this.#routes.byteLength +
      this.#accounts.records.byteLength +
      this.#keyCandidates.records.byteLength +
      this.#accountCandidates.records.byteLength
    );
  }

  #evaluate(table: RecordTable, base: number, source: Source): number {
    const records = table.records;
    const ip = source.ip;
    const s = this.#scratch;
    const family = scanAddress(ip, 0, ip.length, s);
    if (family < 0) return INVALID_SOURCE;
    const vpcId = source.vpcId;
    if (vpcId === undefined || vpcId === '') {
      const ref = records[base + CLASSIC]!;
      if (ref === NONE) return NO_PUBLIC_STATEMENT;
      const label = this.#match(ref, family, s);
      return label >= 0 ? label : PUBLIC_NOT_ALLOWED;
    }
    const all = records[base + ALL_VPC]!;
    const hasVpcs = records[base + HAS_VPCS] === 1;
    if (all === NONE && !hasVpcs) return NO_VPC_STATEMENT;
    let best = -1;
    const own = hasVpcs ? table.vpcs.get(base / STRIDE)!.get(vpcId) : undefined;
    if (own !== undefined) best = this.#match(own, family, s);
    if (all !== NONE) {
      const label = this.#match(all, family, s);
      if (label >= 0 && (best < 0 || label < best)) best = label;
    }
    return best >= 0 ? best : VPC_NOT_ALLOWED;
  }

  #match(ref: number, family: number, s: Uint32Array): number {
    return this.#arena.match(ref, family, s);
  }

  #accountSlot(accountId: string): number {
    let slot = this.#accountIds.get(accountId);
    if (slot !== undefined) return slot;
    slot = this.#accounts.allocate();
    this.#accountNames[slot] = accountId;
    this.#accountIds.set(accountId, slot);
    return slot;
  }

  #releaseAccountIfUnused(slot: number): void {
    const base = slot * STRIDE;
    const records = this.#accounts.records;
    if (records[base + OWNER] !== 0 || records[base + STATUS] !== UNSET) return;
    if (this.#accountCandidates.holds(slot)) return;
    this.#accountIds.delete(this.#accountNames[slot]!);
    this.#accountNames[slot] = undefined;
    this.#accounts.free.push(slot);
  }

  #setPolicy(table: RecordTable, slot: number, policy: AccessKeyPolicy | null, version: number): void {
    if (policy !== null && !(Number.isInteger(version) && version >= 0 && version <= MAX_VERSION)) {
      throw new KeyFenceError(
        'Index.InvalidVersion',
        `policy version ${version} is not an integer in 0..${MAX_VERSION}`,
      );
    }
    // Compile first: a policy that fails to compile leaves the previous one in force.
    const compiled = policy === null ? null : compilePolicy(policy);
    this.#dropPolicy(table, slot);
    table.decisions[slot] = undefined;
    if (compiled === null) return;
    const base = slot * STRIDE;
    const records = table.records;
    records[base + STATUS] = compiled.active ? ACTIVE : INACTIVE;
    records[base + VERSION] = version;
    records[base + CLASSIC] = this.#addRanges(compiled.classic);
    records[base + ALL_VPC] = this.#addRanges(compiled.allowAllVpc);
    if (compiled.vpcs.size > 0) {
      const refs = new Map<string, number>();
      for (const [id, ranges] of compiled.vpcs) refs.set(id, this.#addRanges(ranges));
      table.vpcs.set(slot, refs);
      records[base + HAS_VPCS] = 1;
    }
  }

  #addRanges(ranges: CompiledRanges | null): number {
    return ranges === null ? NONE : this.#arena.add(ranges.v4, ranges.v6);
  }

  #dropPolicy(table: RecordTable, slot: number): void {
    const base = slot * STRIDE;
    const records = table.records;
    if (records[base + STATUS] === UNSET) return;
    const arena = this.#arena;
    if (records[base + CLASSIC] !== NONE) arena.release(records[base + CLASSIC]!);
    if (records[base + ALL_VPC] !== NONE) arena.release(records[base + ALL_VPC]!);
    const vpcs = table.vpcs.get(slot);
    if (vpcs !== undefined) {
      for (const ref of vpcs.values()) arena.release(ref);
      table.vpcs.delete(slot);
    }
    records[base + STATUS] = UNSET;
    records[base + VERSION] = 0;
    records[base + CLASSIC] = NONE;
    records[base + ALL_VPC] = NONE;
    records[base + HAS_VPCS] = 0;
    // Replacing policies one by one leaves released ranges behind; reclaim them once they
    // outweigh the live ones, with headroom so the next writes do not grow the arena at once.
    if (arena.garbageWords > 65_536 && arena.garbageWords * 2 > arena.usedWords) this.#compactArena(0.25);
  }

  #compactArena(headroom: number): void {
    this.#arena.compact((move) => {
      for (const table of [this.#keys, this.#accounts, this.#keyCandidates, this.#accountCandidates]) {
        const records = table.records;
        for (let slot = 0; slot < table.slots; slot++) {
          const base = slot * STRIDE;
          if (records[base + STATUS] === UNSET) continue;
          if (records[base + CLASSIC] !== NONE) records[base + CLASSIC] = move(records[base + CLASSIC]!);
          if (records[base + ALL_VPC] !== NONE) records[base + ALL_VPC] = move(records[base + ALL_VPC]!);
        }
        for (const refs of table.vpcs.values()) for (const [id, ref] of refs) refs.set(id, move(ref));
      }
    }, headroom);
  }
}
