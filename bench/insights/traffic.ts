/**
 * The insights benchmark's synthetic traffic: which key calls from where, how often. Seeded, so
 * two runs at the same scale make the same history. Every account has a pool of public /16s and
 * a few VPCs its keys call from; a key has 1–5 sources (weights falling off as 1/rank), 1% of keys
 * are noisy with 100–500 sources, calls per key are heavy-tailed (Pareto), about 20% of sources
 * are in a VPC, each key calls a handful of services. About 2% of calls are denied by the network
 * ACL (from a few stray addresses per key), 0.5% fail otherwise, and 3% of allowed events stand
 * for several coalesced calls (`keyfence.count` 2–60).
 */

/** A small fast PRNG (mulberry32): uniform in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const SERVICES = ['ecs', 'oss', 'rds', 'slb', 'vpc', 'kms', 'cms', 'log', 'cdn', 'dns', 'ack', 'fc'];

export interface KeySource {
  readonly ip: string;
  readonly vpcId: string | null;
}

/** One key's traffic profile. */
export interface KeyProfile {
  readonly sources: readonly KeySource[];
  /** Cumulative weights of `sources`, the last 1. */
  readonly sourceWeights: Float64Array;
  readonly services: readonly string[];
  readonly serviceWeights: Float64Array;
  /** Addresses its denied calls come from: outside the account's pool. */
  readonly strays: readonly string[];
  readonly noisy: boolean;
}

export interface AccountProfile {
  /** The public /16s its keys call from, as `a.b`. */
  readonly publicPrefixes: readonly string[];
  readonly vpcIds: readonly string[];
}

export const NOISY_SHARE = 0.01;
export const VPC_SHARE = 0.2;

export function accountProfile(random: () => number, index: number): AccountProfile {
  const publicPrefixes: string[] = [];
  const seen = new Set<string>();
  while (publicPrefixes.length < 12) {
    // Public unicast first octets only (no 10, 100.64/10, 127, 169.254, 172.16/12, 192.168).
    const a = [1, 8, 20, 31, 47, 58, 61, 81, 101, 106, 115, 120, 139, 147, 182, 203][
      Math.floor(random() * 16)
    ]!;
    const prefix = `${a}.${Math.floor(random() * 256)}`;
    if (!seen.has(prefix)) {
      seen.add(prefix);
      publicPrefixes.push(prefix);
    }
  }
  const vpcIds = [0, 1, 2].map((n) => `vpc-bench${index.toString(36)}x${n}`);
  return { publicPrefixes, vpcIds };
}

export function keyProfile(random: () => number, account: AccountProfile): KeyProfile {
  const noisy = random() < NOISY_SHARE;
  const count = noisy
    ? 100 + Math.floor(random() * 401)
    : ([1, 1, 1, 2, 2, 3, 3, 4, 5][Math.floor(random() * 9)] ?? 1);
  const sources: KeySource[] = [];
  const seen = new Set<string>();
  while (sources.length < count) {
    const vpc = random() < VPC_SHARE;
    const source: KeySource = vpc
      ? {
          ip: `10.${Math.floor(random() * 256)}.${Math.floor(random() * 256)}.${1 + Math.floor(random() * 254)}`,
          vpcId: account.vpcIds[Math.floor(random() * account.vpcIds.length)]!,
        }
      : {
          ip: `${account.publicPrefixes[Math.floor(random() * account.publicPrefixes.length)]}.${Math.floor(random() * 256)}.${1 + Math.floor(random() * 254)}`,
          vpcId: null,
        };
    const id = `${source.ip}/${source.vpcId}`;
    if (!seen.has(id)) {
      seen.add(id);
      sources.push(source);
    }
  }
  const serviceCount = 1 + Math.floor(random() * 5);
  const services = [...SERVICES].sort(() => random() - 0.5).slice(0, serviceCount);
  const strays = [0, 1, 2].map(
    () => `198.18.${Math.floor(random() * 256)}.${1 + Math.floor(random() * 254)}`,
  );
  return {
    sources,
    sourceWeights: zipfCumulative(sources.length),
    services,
    serviceWeights: zipfCumulative(services.length),
    strays,
    noisy,
  };
}

/** Cumulative 1/rank weights over `n` items, normalised to end at 1. */
function zipfCumulative(n: number): Float64Array {
  const weights = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    sum += 1 / (i + 1);
    weights[i] = sum;
  }
  for (let i = 0; i < n; i++) weights[i]! /= sum;
  return weights;
}

/** A noisy key calls at least this much more than the least busy keys. */
const NOISY_WEIGHT = 100;

/**
 * Heavy-tailed calls per key: Pareto(α = 1.1) weights (capped at 2000 times the least), noisy
 * keys among the busy ones; cumulative and normalised.
 */
export function keyWeights(random: () => number, keys: readonly KeyProfile[]): Float64Array {
  const count = keys.length;
  const weights = new Float64Array(count);
  let sum = 0;
  for (let i = 0; i < count; i++) {
    const weight = Math.min(2000, (1 - random()) ** (-1 / 1.1));
    sum += keys[i]!.noisy ? Math.max(NOISY_WEIGHT, weight) : weight;
    weights[i] = sum;
  }
  for (let i = 0; i < count; i++) weights[i]! /= sum;
  return weights;
}

/** The index whose cumulative weight first reaches `u` (binary search). */
export function pick(cumulative: Float64Array, u: number): number {
  let low = 0;
  let high = cumulative.length - 1;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (cumulative[mid]! < u) low = mid + 1;
    else high = mid;
  }
  return low;
}

export type Outcome = 'allowed' | 'denied' | 'failed';

export const DENIED_SHARE = 0.02;
export const FAILED_SHARE = 0.005;
export const COALESCED_SHARE = 0.03;

/** One event's draw: its outcome, source, service and how many calls it stands for. */
export interface Draw {
  readonly outcome: Outcome;
  readonly source: KeySource;
  readonly service: string;
  readonly count: number;
}

export function draw(random: () => number, key: KeyProfile): Draw {
  const u = random();
  const outcome: Outcome =
    u < DENIED_SHARE ? 'denied' : u < DENIED_SHARE + FAILED_SHARE ? 'failed' : 'allowed';
  const source =
    outcome === 'denied'
      ? { ip: key.strays[Math.floor(random() * key.strays.length)]!, vpcId: null }
      : key.sources[pick(key.sourceWeights, random())]!;
  const service = key.services[pick(key.serviceWeights, random())]!;
  const count = outcome === 'allowed' && random() < COALESCED_SHARE ? 2 + Math.floor(random() ** 3 * 59) : 1;
  return { outcome, source, service, count };
}
