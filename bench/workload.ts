/**
 * Seeded random workloads for the decision benchmark and the peers-agree test: AccessKey IDs,
 * account IDs, canonical policy entries (IPv4 and RFC 5952 IPv6), deployments of accounts and keys,
 * and client addresses that hit or miss the deciding policy. Everything is derived from a seed,
 * so every engine in a run (and every run) sees exactly the same inputs.
 *
 * This file is independent of src/net on purpose: it is the reference the index is compared with.
 */
import type { Credential, Source } from '../src/policy/decision.js';
import type { AccessKeyPolicy, PolicyStatement } from '../src/policy/policy-document.js';

/** sfc32 seeded through splitmix32: fast, 32-bit, good enough for workloads. */
export class Rng {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  constructor(seed: number) {
    let s = seed >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.#a = next();
    this.#b = next();
    this.#c = next();
    this.#d = next();
    for (let i = 0; i < 12; i++) this.u32();
  }

  u32(): number {
    const t = (((this.#a + this.#b) >>> 0) + this.#d) >>> 0;
    this.#d = (this.#d + 1) >>> 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) >>> 0;
    this.#c = ((this.#c << 21) | (this.#c >>> 11)) >>> 0;
    this.#c = (this.#c + t) >>> 0;
    return t;
  }

  /** An integer in [0, n). */
  below(n: number): number {
    return Math.floor((this.u32() / 0x1_0000_0000) * n);
  }

  /** An integer in [lo, hi]. */
  between(lo: number, hi: number): number {
    return lo + this.below(hi - lo + 1);
  }

  chance(p: number): boolean {
    return this.u32() / 0x1_0000_0000 < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)]!;
  }
}

// ---------------------------------------------------------------------------------------------
// Identifiers

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const idCodes: number[] = new Array(24).fill(0);

/** `LTAI` + 20 alphanumerics, as one flat string (no cons-string tree from concatenation). */
export function randomAccessKeyId(rng: Rng): string {
  idCodes[0] = 76; // L
  idCodes[1] = 84; // T
  idCodes[2] = 65; // A
  idCodes[3] = 73; // I
  for (let i = 4; i < 24; i++) idCodes[i] = ALPHANUMERIC.charCodeAt(rng.below(62));
  return String.fromCharCode(...idCodes);
}

/** An equal but distinct flat string. */
export function freshCopy(s: string): string {
  const codes: number[] = [];
  for (let i = 0; i < s.length; i++) codes.push(s.charCodeAt(i));
  return String.fromCharCode(...codes);
}

/** A 16-digit account ID derived from a number (deterministic, flat string). */
export function accountIdFor(n: number): string {
  return `1${String(n).padStart(15, '0')}`;
}

// ---------------------------------------------------------------------------------------------
// Addresses and entries

export type Family = 4 | 6;
/** An IPv6 address as four big-endian 32-bit words. */
export type Words = [number, number, number, number];

/** One canonical list entry plus its numeric form, so hits can be generated inside it. */
export interface Entry {
  readonly text: string;
  readonly family: Family;
  readonly prefix: number;
  /** IPv4: [address, 0, 0, 0]; IPv6: four words. Host bits cleared. */
  readonly words: Words;
}

export function formatIPv4(v: number): string {
  return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}

/** RFC 5952: lower-case hex, no leading zeros, the first longest run of ≥ 2 zero groups as `::`. */
export function formatIPv6(w: readonly number[]): string {
  const g: number[] = [];
  for (let k = 0; k < 4; k++) g.push(w[k]! >>> 16, w[k]! & 0xffff);
  let bestStart = -1;
  let bestLength = 1;
  let k = 0;
  while (k < 8) {
    if (g[k] !== 0) {
      k++;
      continue;
    }
    let e = k;
    while (e < 8 && g[e] === 0) e++;
    if (e - k > bestLength) {
      bestStart = k;
      bestLength = e - k;
    }
    k = e;
  }
  const hex = (from: number, to: number): string =>
    g
      .slice(from, to)
      .map((x) => x.toString(16))
      .join(':');
  if (bestStart < 0) return hex(0, 8);
  return `${hex(0, bestStart)}::${hex(bestStart + bestLength, 8)}`;
}

/** The part of `word` (the k-th word) kept by a /prefix mask. */
function maskWord(word: number, k: number, prefix: number): number {
  const bits = Math.min(32, Math.max(0, prefix - 32 * k));
  if (bits === 0) return 0;
  if (bits === 32) return word >>> 0;
  return (word & ~(0xffffffff >>> bits)) >>> 0;
}

function entryText(family: Family, words: Words, prefix: number, bare: boolean): string {
  const address = family === 4 ? formatIPv4(words[0]) : formatIPv6(words);
  return bare ? address : `${address}/${prefix}`;
}

/** Prefix lengths for IPv4 entries: mostly hosts and /24-ish blocks, never wider than /16. */
function ipv4Prefix(rng: Rng): number {
  const r = rng.u32() / 0x1_0000_0000;
  if (r < 0.35) return 32;
  if (r < 0.6) return 24;
  return rng.between(16, 31);
}

/** Prefix lengths for IPv6 entries: the usual allocation sizes plus hosts. */
function ipv6Prefix(rng: Rng): number {
  const r = rng.u32() / 0x1_0000_0000;
  if (r < 0.3) return 128;
  if (r < 0.55) return 64;
  if (r < 0.7) return 56;
  if (r < 0.8) return 48;
  return rng.between(32, 127);
}

/** A random global-unicast-looking IPv6 address (2000::/3), never in ::ffff:0:0/96. */
export function randomIPv6Words(rng: Rng): Words {
  return [(0x20000000 | (rng.u32() & 0x1fffffff)) >>> 0, rng.u32(), rng.u32(), rng.u32()];
}

/** A random IPv4 address that is not 0.0.0.0/8 (so `::a.b.c.d`-style edge cases stay out). */
export function randomIPv4(rng: Rng): number {
  return (rng.between(1, 255) * 0x1000000 + (rng.u32() & 0xffffff)) >>> 0;
}

export function randomEntry(rng: Rng, family: Family): Entry {
  if (family === 4) {
    const prefix = ipv4Prefix(rng);
    const words: Words = [maskWord(randomIPv4(rng), 0, prefix), 0, 0, 0];
    return { text: entryText(4, words, prefix, prefix === 32 && rng.chance(0.5)), family, prefix, words };
  }
  const prefix = ipv6Prefix(rng);
  const raw = randomIPv6Words(rng);
  const words: Words = [
    maskWord(raw[0], 0, prefix),
    maskWord(raw[1], 1, prefix),
    maskWord(raw[2], 2, prefix),
    maskWord(raw[3], 3, prefix),
  ];
  return { text: entryText(6, words, prefix, prefix === 128 && rng.chance(0.5)), family, prefix, words };
}

/** `count` distinct random entries of one family (or, with `family` 0, a random mix). */
export function randomEntries(rng: Rng, count: number, family: Family | 0): Entry[] {
  const seen = new Set<string>();
  const out: Entry[] = [];
  while (out.length < count) {
    const e = randomEntry(rng, family === 0 ? (rng.chance(0.5) ? 4 : 6) : family);
    if (seen.has(e.text)) continue;
    seen.add(e.text);
    out.push(e);
  }
  return out;
}

/** A random address inside `entry`. */
export function addressIn(rng: Rng, entry: Entry): Words {
  if (entry.family === 4) {
    const host = entry.prefix === 32 ? 0 : (rng.u32() & (0xffffffff >>> entry.prefix)) >>> 0;
    return [(entry.words[0] | host) >>> 0, 0, 0, 0];
  }
  const out: Words = [0, 0, 0, 0];
  for (let k = 0; k < 4; k++) {
    const bits = Math.min(32, Math.max(0, entry.prefix - 32 * k));
    const hostMask = bits === 32 ? 0 : 0xffffffff >>> bits;
    out[k] = (entry.words[k] | (rng.u32() & hostMask)) >>> 0;
  }
  return out;
}

/** How a client address is written. Only `canonical` is used in the timed workloads. */
export type ClientForm =
  | 'canonical'
  | 'mapped-dotted'
  | 'mapped-hex'
  | 'mapped-expanded'
  | 'upper'
  | 'expanded';

/** Text for a client address; IPv4 may be written as IPv4-mapped IPv6, IPv6 in non-canonical forms. */
export function clientText(family: Family, words: Words, form: ClientForm): string {
  if (family === 4) {
    const v = words[0];
    switch (form) {
      case 'mapped-dotted':
        return `::ffff:${formatIPv4(v)}`;
      case 'mapped-hex':
        return `::ffff:${(v >>> 16).toString(16)}:${(v & 0xffff).toString(16)}`;
      case 'mapped-expanded':
        return `0:0:0:0:0:FFFF:${formatIPv4(v)}`;
      default:
        return formatIPv4(v);
    }
  }
  switch (form) {
    case 'upper':
      return formatIPv6(words).toUpperCase();
    case 'expanded': {
      const groups: string[] = [];
      for (let k = 0; k < 4; k++) {
        groups.push((words[k]! >>> 16).toString(16).padStart(4, '0'));
        groups.push((words[k]! & 0xffff).toString(16).padStart(4, '0'));
      }
      return groups.join(':');
    }
    default:
      return formatIPv6(words);
  }
}

// ---------------------------------------------------------------------------------------------
// Policies, deployments, queries

export function classicPolicy(
  entries: readonly Entry[],
  status: 'Active' | 'Inactive' = 'Active',
  extra: readonly PolicyStatement[] = [],
): AccessKeyPolicy {
  return {
    Version: 1,
    Status: status,
    Statements: [{ Type: 'ClassicWhiteList', IPList: entries.map((e) => e.text) }, ...extra],
  };
}

export interface AccountSpec {
  readonly accountId: string;
  readonly policy: AccessKeyPolicy | null;
}

export interface KeySpec {
  readonly accessKeyId: string;
  readonly accountId: string;
  readonly policy: AccessKeyPolicy | null;
}

/** What every engine loads: the same accounts, keys and policies. */
export interface Deployment {
  readonly exemptServices: readonly string[];
  readonly accounts: readonly AccountSpec[];
  readonly keys: readonly KeySpec[];
}

/** One decision request; engines receive the very same objects. */
export interface Query {
  readonly credential: Credential;
  readonly source: Source;
  readonly service: string;
}

export interface Workload {
  readonly name: string;
  readonly deployment: Deployment;
  readonly queries: readonly Query[];
  /** Queries whose address was drawn inside the deciding policy (the rest are random). */
  readonly intendedHits: number;
}

export const EXEMPT_SERVICES = ['mns'] as const;
const SERVICE = 'ecs';

export interface CellOptions {
  readonly family: Family;
  /** Entries per scope (every account-level and every Active key-level policy). */
  readonly entries: number;
  /** Keys loaded in total (the lookup table size). */
  readonly keys?: number;
  /** Accounts with an Active account-level policy of `entries` entries. */
  readonly accounts?: number;
  /** Keys with their own Active key-level policy of `entries` entries. */
  readonly keyPolicies?: number;
  readonly queries?: number;
  readonly seed?: number;
}

/**
 * A timed cell: `accounts` accounts, each with an Active account-level policy of `entries`
 * entries; `keyPolicies` keys with their own Active key-level policy of `entries` entries; the
 * other keys either have no key-level policy or an Inactive 5-entry one, one of 32 shared objects
 * (both fall back to the account). Half the queries use a key with its own policy, half fall back; half the addresses
 * are drawn inside the deciding policy, half are random (mostly misses). A few addresses hit only
 * the Inactive key-level policy (they must be denied). All client addresses are canonical text.
 */
export function decisionCell(options: CellOptions): Workload {
  const { family, entries } = options;
  const keyCount = options.keys ?? 10_000;
  const accountCount = options.accounts ?? 4;
  const keyPolicyCount = options.keyPolicies ?? 4;
  const queryCount = options.queries ?? 4096;
  const rng = new Rng(options.seed ?? family * 1_000_003 + entries);

  const accountEntries: Entry[][] = [];
  const accounts: AccountSpec[] = [];
  for (let a = 0; a < accountCount; a++) {
    const list = randomEntries(rng, entries, family);
    accountEntries.push(list);
    accounts.push({ accountId: accountIdFor(rng.below(1e9) * 16 + a), policy: classicPolicy(list) });
  }
  interface KeyInfo {
    readonly spec: KeySpec;
    readonly credential: Credential;
    /** Entries of the policy that decides for this key. */
    readonly deciding: readonly Entry[];
    /** Entries of an Inactive key-level policy (must not allow). */
    readonly inactive: readonly Entry[] | null;
  }
  // Inactive key-level policies come from a pool of shared objects: the index compiles each key's
  // anyway, and the peers (which compile a shared object once) are spared thousands of builds.
  const inactivePool: { entries: Entry[]; policy: AccessKeyPolicy }[] = [];
  for (let i = 0; i < 32; i++) {
    const entries = randomEntries(rng, 5, family);
    inactivePool.push({ entries, policy: classicPolicy(entries, 'Inactive') });
  }
  const withPolicy: KeyInfo[] = [];
  const fallback: KeyInfo[] = [];
  const ids = new Set<string>();
  for (let k = 0; k < keyCount; k++) {
    let id = randomAccessKeyId(rng);
    while (ids.has(id)) id = randomAccessKeyId(rng);
    ids.add(id);
    const a = k % accountCount;
    const accountId = accounts[a]!.accountId;
    if (k < keyPolicyCount) {
      const list = randomEntries(rng, entries, family);
      const spec = { accessKeyId: id, accountId, policy: classicPolicy(list) };
      withPolicy.push({
        spec,
        credential: { accessKeyId: id, temporary: false },
        deciding: list,
        inactive: null,
      });
    } else {
      const pooled = rng.chance(0.5) ? rng.pick(inactivePool) : null;
      const spec = { accessKeyId: id, accountId, policy: pooled === null ? null : pooled.policy };
      fallback.push({
        spec,
        credential: { accessKeyId: id, temporary: false },
        deciding: accountEntries[a]!,
        inactive: pooled === null ? null : pooled.entries,
      });
    }
  }
  const queries: Query[] = [];
  let intendedHits = 0;
  for (let q = 0; q < queryCount; q++) {
    const key = rng.chance(0.5) && withPolicy.length > 0 ? rng.pick(withPolicy) : rng.pick(fallback);
    let words: Words;
    if (rng.chance(0.5)) {
      words = addressIn(rng, rng.pick(key.deciding));
      intendedHits++;
    } else if (key.inactive !== null && rng.chance(0.1)) {
      words = addressIn(rng, rng.pick(key.inactive));
    } else {
      words = family === 4 ? [randomIPv4(rng), 0, 0, 0] : randomIPv6Words(rng);
    }
    queries.push({
      // Each request carries its own credential and its own copy of the key ID, as a request parser
      // would produce them (not the very string object the key table holds).
      credential: { accessKeyId: freshCopy(key.credential.accessKeyId), temporary: false },
      source: { ip: clientText(family, words, 'canonical') },
      service: SERVICE,
    });
  }
  return {
    name: `IPv${family} ${entries}`,
    deployment: {
      exemptServices: EXEMPT_SERVICES,
      accounts,
      keys: [...withPolicy, ...fallback].map((k) => k.spec),
    },
    queries,
    intendedHits,
  };
}

/**
 * The agreement workload: everything the timed cells leave out. Policies mixing IPv4 and IPv6
 * entries (plus VPCWhiteList statements that must not count for public sources), 0.0.0.0/0,
 * Inactive and missing account policies, Active key policies without a ClassicWhiteList (deny),
 * unknown keys, STS credentials, an exempt service, and client addresses in IPv4-mapped
 * (dotted, hex, expanded upper-case) and non-canonical IPv6 forms.
 */
export function mixedWorkload(options: {
  entries: number;
  keys?: number;
  queries?: number;
  seed: number;
}): Workload {
  const rng = new Rng(options.seed);
  const keyCount = options.keys ?? 200;
  const queryCount = options.queries ?? 4000;
  const accounts: AccountSpec[] = [];
  const accountEntries: (Entry[] | null)[] = [];
  const accountCount = Math.max(4, Math.ceil(keyCount / 10));
  const vpc: PolicyStatement = { Type: 'VPCWhiteList', Value: 'AllowAllVPC', IPList: ['0.0.0.0/0'] };
  for (let a = 0; a < accountCount; a++) {
    const accountId = accountIdFor(a * 7919 + options.seed);
    const kind = a % 4; // 0, 1: Active; 2: Inactive; 3: none
    if (kind === 3) {
      accounts.push({ accountId, policy: null });
      accountEntries.push(null);
      continue;
    }
    const list = randomEntries(rng, options.entries, 0);
    if (a % 8 === 1) {
      list.push({ text: '0.0.0.0/0', family: 4, prefix: 0, words: [0, 0, 0, 0] });
    }
    accounts.push({ accountId, policy: classicPolicy(list, kind === 2 ? 'Inactive' : 'Active', [vpc]) });
    accountEntries.push(kind === 2 ? null : list);
  }
  interface KeyInfo {
    readonly credential: Credential;
    readonly near: readonly Entry[];
  }
  const keys: KeySpec[] = [];
  const infos: KeyInfo[] = [];
  for (let k = 0; k < keyCount; k++) {
    const accessKeyId = randomAccessKeyId(rng);
    const a = rng.below(accountCount);
    const accountId = accounts[a]!.accountId;
    const kind = k % 5; // 0: Active own; 1: Inactive own; 2: none; 3: Active without Classic; 4: Active own
    let policy: AccessKeyPolicy | null = null;
    const near: Entry[] = [...(accountEntries[a] ?? [])];
    if (kind === 0 || kind === 1 || kind === 4) {
      const list = randomEntries(rng, options.entries, 0);
      policy = classicPolicy(list, kind === 1 ? 'Inactive' : 'Active', kind === 4 ? [vpc] : []);
      near.push(...list);
    } else if (kind === 3) {
      policy = {
        Version: 1,
        Status: 'Active',
        Statements: [{ Type: 'VPCWhiteList', Value: 'vpc-abc', IPList: ['10.0.0.0/8'] }],
      };
    }
    keys.push({ accessKeyId, accountId, policy });
    infos.push({ credential: { accessKeyId, temporary: false }, near });
  }
  const forms4: ClientForm[] = ['canonical', 'canonical', 'mapped-dotted', 'mapped-hex', 'mapped-expanded'];
  const forms6: ClientForm[] = ['canonical', 'canonical', 'upper', 'expanded'];
  const queries: Query[] = [];
  let intendedHits = 0;
  for (let q = 0; q < queryCount; q++) {
    const r = rng.below(100);
    let credential: Credential;
    let service = SERVICE;
    let near: readonly Entry[] = [];
    if (r === 0) {
      credential = { accessKeyId: `STS.${randomAccessKeyId(rng).slice(4)}`, temporary: true };
    } else if (r === 1) {
      credential = { accessKeyId: randomAccessKeyId(rng), temporary: false }; // unknown key
    } else {
      const info = rng.pick(infos);
      credential = info.credential;
      near = info.near;
      if (r === 2) service = 'mns';
    }
    let family: Family;
    let words: Words;
    if (near.length > 0 && rng.chance(0.6)) {
      const e = rng.pick(near);
      family = e.family;
      words = addressIn(rng, e);
      intendedHits++;
    } else {
      family = rng.chance(0.5) ? 4 : 6;
      words = family === 4 ? [randomIPv4(rng), 0, 0, 0] : randomIPv6Words(rng);
    }
    const ip = clientText(family, words, rng.pick(family === 4 ? forms4 : forms6));
    queries.push({ credential, source: { ip }, service });
  }
  return {
    name: `mixed ${options.entries}`,
    deployment: { exemptServices: EXEMPT_SERVICES, accounts, keys },
    queries,
    intendedHits,
  };
}

/**
 * The memory workload, streamed: key `i` of `count`, each with its own random 5-entry IPv4
 * Active key-level policy (distinct entries, nothing shared), 10 keys per account, no account
 * policies. Re-running with the same seed yields the same keys, so they can be checked afterwards.
 */
export function* memoryKeys(
  count: number,
  seed: number,
): Generator<{ accessKeyId: string; accountId: string; policy: AccessKeyPolicy; inside: string }> {
  const rng = new Rng(seed);
  for (let i = 0; i < count; i++) {
    const list = randomEntries(rng, 5, 4);
    const inside = formatIPv4(addressIn(rng, list[rng.below(5)]!)[0]);
    yield {
      accessKeyId: randomAccessKeyId(rng),
      accountId: accountIdFor(Math.floor(i / 10)),
      policy: classicPolicy(list),
      inside,
    };
  }
}
