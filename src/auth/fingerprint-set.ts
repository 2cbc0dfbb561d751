const EMPTY = 0;
const MIN_CAPACITY = 1 << 10;

/**
 * A set of 64-bit fingerprints (two 32-bit words, `hi` and `lo`; 0/0 is not a fingerprint) in one
 * open-addressing table: linear probing, backward-shift deletion (no tombstones, so lookups stay
 * short however many entries came and went), between an eighth and a half full: 16 to 64 bytes a
 * member, against about a hundred for a string in a JS Set. The words must be uniformly
 * distributed and unpredictable to whoever chooses the members (a keyed digest's): `lo` picks the
 * slot as it is, and members chosen to share slots would make every probe walk them.
 */
export class FingerprintSet {
  #hi: Uint32Array;
  #lo: Uint32Array;
  #mask: number;
  #size = 0;

  constructor() {
    this.#hi = new Uint32Array(MIN_CAPACITY);
    this.#lo = new Uint32Array(MIN_CAPACITY);
    this.#mask = MIN_CAPACITY - 1;
  }

  get size(): number {
    return this.#size;
  }

  has(hi: number, lo: number): boolean {
    return this.#slotOf(hi, lo) >= 0;
  }

  /** Adds a fingerprint that is not a member (the caller has just asked `has`). */
  add(hi: number, lo: number): void {
    if ((this.#size + 1) * 2 > this.#hi.length) this.#resize(this.#hi.length * 2);
    this.#place(hi, lo);
    this.#size++;
  }

  delete(hi: number, lo: number): void {
    let hole = this.#slotOf(hi, lo);
    if (hole < 0) return;
    const his = this.#hi;
    const los = this.#lo;
    const mask = this.#mask;
    // Every member after the hole in its run moves back into it unless its home slot lies
    // (cyclically) after the hole, where a lookup would no longer pass the hole to reach it.
    for (let next = (hole + 1) & mask; his[next] !== EMPTY || los[next] !== EMPTY; next = (next + 1) & mask) {
      const home = los[next]! & mask;
      const stays = hole <= next ? hole < home && home <= next : hole < home || home <= next;
      if (stays) continue;
      his[hole] = his[next]!;
      los[hole] = los[next]!;
      hole = next;
    }
    his[hole] = EMPTY;
    los[hole] = EMPTY;
    this.#size--;
    if (this.#hi.length > MIN_CAPACITY && this.#size * 8 < this.#hi.length) this.#resize(this.#hi.length / 2);
  }

  #slotOf(hi: number, lo: number): number {
    const his = this.#hi;
    const los = this.#lo;
    const mask = this.#mask;
    for (let slot = lo & mask; ; slot = (slot + 1) & mask) {
      const h = his[slot]!;
      const l = los[slot]!;
      if (h === hi && l === lo) return slot;
      if (h === EMPTY && l === EMPTY) return -1;
    }
  }

  #place(hi: number, lo: number): void {
    const his = this.#hi;
    const los = this.#lo;
    const mask = this.#mask;
    let slot = lo & mask;
    while (his[slot] !== EMPTY || los[slot] !== EMPTY) slot = (slot + 1) & mask;
    his[slot] = hi;
    los[slot] = lo;
  }

  #resize(capacity: number): void {
    const his = this.#hi;
    const los = this.#lo;
    this.#hi = new Uint32Array(capacity);
    this.#lo = new Uint32Array(capacity);
    this.#mask = capacity - 1;
    for (let slot = 0; slot < his.length; slot++) {
      if (his[slot] !== EMPTY || los[slot] !== EMPTY) this.#place(his[slot]!, los[slot]!);
    }
  }
}
