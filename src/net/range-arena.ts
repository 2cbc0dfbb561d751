import type { Range } from './range-set.js';

// A set is [v4 count, v6 count, uniform label | MIXED], then for IPv4: its index (below, if
// any), the firsts, the lasts, and (when MIXED) the labels; then the same for IPv6 with four
// words per bound. Firsts sit together so a binary search reads few cache lines; most sets come
// from one statement, so a shared label is stored once.
const HEADER = 3;
const MIXED = 0xffffffff;
// Sets of at least this many segments of a family also get a 257-word index by 8 bits of the
// address, before that family's firsts: a lookup then binary-searches only one bucket's segments.
// The IPv4 index comes right after the header, so where to read it does not wait for the
// header's counts. IPv4 buckets by the top byte. IPv6 addresses crowd into a few top bytes
// (2000::/3 and 2001:db8::/32 both sit in one or two), so an IPv6 index starts with the number of
// leading bits of word 0 that every bound of the set shares (at most 24) and those bits, and
// buckets by the 8 bits that follow; an address without those leading bits is outside every
// segment.
const BUCKETED = 32;
const BUCKETS = 257;
const V6_INDEX = 2 + BUCKETS;
const MAX_SHARED_BITS = 24;
const WORD = 0x1_0000_0000n;

function uniformLabel(v4: readonly Range<number>[], v6: readonly Range<bigint>[]): number {
  const label = v4.length > 0 ? v4[0]!.label : v6.length > 0 ? v6[0]!.label : 0;
  for (const r of v4) if (r.label !== label) return MIXED;
  for (const r of v6) if (r.label !== label) return MIXED;
  return label;
}

function sizeAt(d: Uint32Array, ref: number): number {
  const n4 = d[ref]!;
  const n6 = d[ref + 1]!;
  const labels = d[ref + 2] === MIXED ? n4 + n6 : 0;
  return HEADER + n4 * 2 + n6 * 8 + labels + (n4 >= BUCKETED ? BUCKETS : 0) + (n6 >= BUCKETED ? V6_INDEX : 0);
}

/** The first word (the top 32 bits) of a 128-bit bound. */
function topWord(x: bigint): number {
  return Number(x >> 96n);
}

/**
 * Compares the 128-bit value at d[at..at+3] with the four words of `w`: negative, zero or
 * positive. The words are read here, not passed as numbers: a word of 2^30 or more passed to a
 * call that is not inlined is boxed, an allocation on the decision path.
 */
function compare(d: Uint32Array, at: number, w: Uint32Array): number {
  let x = d[at]!;
  let y = w[0]!;
  if (x !== y) return x < y ? -1 : 1;
  x = d[at + 1]!;
  y = w[1]!;
  if (x !== y) return x < y ? -1 : 1;
  x = d[at + 2]!;
  y = w[2]!;
  if (x !== y) return x < y ? -1 : 1;
  x = d[at + 3]!;
  y = w[3]!;
  return x === y ? 0 : x < y ? -1 : 1;
}

// Where `matchV4` puts its argument for the search, which reads addresses from a typed array.
const v4Scratch = new Uint32Array(1);

/** The bucket of an IPv6 address by word 0: the 8 bits after the set's `shared` leading bits. */
function v6Bucket(w0: number, shared: number): number {
  return (w0 << shared) >>> 24;
}

/**
 * Every compiled range set of an index, packed into one growable Uint32Array. A set is named by
 * its offset (a "ref"), so a million small policies cost a few words each instead of a few typed
 * array objects each; lookups are binary searches that read numbers and allocate nothing.
 */
export class RangeArena {
  #data: Uint32Array;
  #used = 0;
  #garbage = 0;

  constructor(initialWords = 1024) {
    this.#data = new Uint32Array(initialWords);
  }

  /** Stores a set compiled by `compileRanges`; returns its ref. */
  add(v4: readonly Range<number>[], v6: readonly Range<bigint>[]): number {
    const label = uniformLabel(v4, v6);
    const mixed = label === MIXED;
    const n4 = v4.length;
    const n6 = v6.length;
    const index4 = n4 >= BUCKETED ? BUCKETS : 0;
    const index6 = n6 >= BUCKETED ? V6_INDEX : 0;
    const size = HEADER + index4 + index6 + n4 * 2 + n6 * 8 + (mixed ? n4 + n6 : 0);
    this.#reserve(size);
    const ref = this.#used;
    const d = this.#data;
    d[ref] = n4;
    d[ref + 1] = n6;
    d[ref + 2] = label;
    let at = ref + HEADER;
    if (index4 !== 0) {
      // d[at + b] = how many segments start below b.0.0.0
      let i = 0;
      for (let b = 0; b < BUCKETS; b++) {
        while (i < n4 && v4[i]!.first < b * 0x1000000) i++;
        d[at + b] = b === BUCKETS - 1 ? n4 : i;
      }
      at += index4;
    }
    for (let i = 0; i < n4; i++) {
      d[at + i] = v4[i]!.first;
      d[at + n4 + i] = v4[i]!.last;
      if (mixed) d[at + 2 * n4 + i] = v4[i]!.label;
    }
    at += n4 * (mixed ? 3 : 2);
    if (index6 !== 0) {
      // Sorted and disjoint: the bounds lie between the first segment's first and the last one's last.
      const low = topWord(v6[0]!.first);
      const shared = Math.min(MAX_SHARED_BITS, Math.clz32(low ^ topWord(v6[n6 - 1]!.last)));
      d[at] = shared;
      d[at + 1] = shared === 0 ? 0 : low >>> (32 - shared);
      // d[at + 2 + b] = how many segments start in a bucket below b
      let i = 0;
      for (let b = 0; b < BUCKETS; b++) {
        while (i < n6 && v6Bucket(topWord(v6[i]!.first), shared) < b) i++;
        d[at + 2 + b] = b === BUCKETS - 1 ? n6 : i;
      }
      at += index6;
    }
    for (let i = 0; i < n6; i++) {
      const r = v6[i]!;
      for (let k = 0; k < 4; k++) {
        const shift = BigInt(96 - 32 * k);
        d[at + i * 4 + k] = Number((r.first >> shift) % WORD);
        d[at + n6 * 4 + i * 4 + k] = Number((r.last >> shift) % WORD);
      }
      if (mixed) d[at + n6 * 8 + i] = r.label;
    }
    this.#used = ref + size;
    return ref;
  }

  /** Marks a set as no longer referenced; its words are reclaimed by the next `compact`. */
  release(ref: number): void {
    this.#garbage += sizeAt(this.#data, ref);
  }

  /**
   * The label of the segment containing the address `scanAddress` wrote into `words` as
   * `family` (4 or 6), or -1. This is the decision path's entry: the address stays in its typed
   * array until the search reads it (see `compare`).
   */
  match(ref: number, family: number, words: Uint32Array): number {
    return family === 4 ? this.#searchV4(ref, words) : this.matchV6(ref, words);
  }

  /** The label of the segment containing IPv4 `ip`, or -1. */
  matchV4(ref: number, ip: number): number {
    v4Scratch[0] = ip;
    return this.#searchV4(ref, v4Scratch);
  }

  /** `matchV4` for the address in `words[0]`. */
  #searchV4(ref: number, words: Uint32Array): number {
    const ip = words[0]!;
    const d = this.#data;
    const n = d[ref]!;
    const label = d[ref + 2]!;
    let firsts = ref + HEADER;
    let lo = 0;
    let hi = n - 1;
    if (n >= BUCKETED) {
      // The answer, the last segment starting at or below ip, is one of those counted up to
      // the end of ip's /8 and not before the last one starting below it.
      const bucket = firsts + (ip >>> 24);
      lo = Math.max(0, d[bucket]! - 1);
      hi = d[bucket + 1]! - 1;
      firsts += BUCKETS;
    }
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (d[firsts + mid]! <= ip) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    if (found < 0 || ip > d[firsts + n + found]!) return -1;
    return label !== MIXED ? label : d[firsts + 2 * n + found]!;
  }

  /**
   * The label of the segment containing the IPv6 address in `words` (four big-endian words, as
   * `scanAddress` writes them), or -1. The words stay in their typed array: passed as separate
   * numbers, those of 2^31 and above would be boxed on every call.
   */
  matchV6(ref: number, words: Uint32Array): number {
    const w0 = words[0]!;
    const d = this.#data;
    const n4 = d[ref]!;
    const n = d[ref + 1]!;
    const label = d[ref + 2]!;
    const index = ref + HEADER + (n4 >= BUCKETED ? BUCKETS : 0) + n4 * (label === MIXED ? 3 : 2);
    const firsts = index + (n >= BUCKETED ? V6_INDEX : 0);
    let lo = 0;
    let hi = n - 1;
    if (n >= BUCKETED) {
      const shared = d[index]!;
      if (shared !== 0 && w0 >>> (32 - shared) !== d[index + 1]) return -1;
      const bucket = index + 2 + v6Bucket(w0, shared);
      lo = Math.max(0, d[bucket]! - 1);
      hi = d[bucket + 1]! - 1;
    }
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (compare(d, firsts + mid * 4, words) <= 0) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    if (found < 0 || compare(d, firsts + n * 4 + found * 4, words) < 0) return -1;
    return label !== MIXED ? label : d[firsts + n * 8 + found]!;
  }

  /** Words in use, including released ones not yet reclaimed. */
  get usedWords(): number {
    return this.#used;
  }

  get garbageWords(): number {
    return this.#garbage;
  }

  get byteLength(): number {
    return this.#data.byteLength;
  }

  /**
   * Rewrites the arena with only live sets. The owner calls `move(ref)` once for every ref it
   * still holds and keeps the returned ref instead. `headroom` is spare capacity as a fraction.
   */
  compact(visitLive: (move: (ref: number) => number) => void, headroom = 0): void {
    const old = this.#data;
    const live = this.#used - this.#garbage;
    const next = new Uint32Array(Math.max(16, Math.ceil(live * (1 + headroom))));
    let at = 0;
    visitLive((ref) => {
      const size = sizeAt(old, ref);
      next.set(old.subarray(ref, ref + size), at);
      const moved = at;
      at += size;
      return moved;
    });
    this.#data = next;
    this.#used = at;
    this.#garbage = 0;
  }

  #reserve(words: number): void {
    const needed = this.#used + words;
    if (needed <= this.#data.length) return;
    const grown = new Uint32Array(Math.max(needed, Math.ceil(this.#data.length * 1.5)));
    grown.set(this.#data.subarray(0, this.#used));
    this.#data = grown;
  }
}
