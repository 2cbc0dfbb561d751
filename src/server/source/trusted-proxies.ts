import { err, ok, type Result } from '../../common/result.js';
import { type AddressError, scanAddress } from '../../net/address.js';
import { parseCidr, wordsToBigInt } from '../../net/cidr.js';
import { RangeArena } from '../../net/range-arena.js';
import { compileRanges, type Range } from '../../net/range-set.js';

/**
 * The CIDR blocks of proxies whose forwarding headers are believed (`--trusted-proxy`). Checked
 * once per hop of every request, so it is a compiled range set like a policy's.
 */
export class TrustedProxies {
  readonly #arena: RangeArena;
  readonly #ref: number;
  readonly #scratch = new Uint32Array(4);
  readonly size: number;

  private constructor(arena: RangeArena, ref: number, size: number) {
    this.#arena = arena;
    this.#ref = ref;
    this.size = size;
  }

  static readonly none = TrustedProxies.#build([], []);

  static parse(entries: readonly string[]): Result<TrustedProxies, AddressError[]> {
    const v4: Range<number>[] = [];
    const v6: Range<bigint>[] = [];
    const errors: AddressError[] = [];
    for (const entry of entries) {
      const parsed = parseCidr(entry);
      if (!parsed.ok) {
        errors.push(parsed.error);
        continue;
      }
      const c = parsed.value;
      if (c.family === 4) v4.push({ first: c.first, last: c.last, label: 0 });
      else v6.push({ first: wordsToBigInt(c.first), last: wordsToBigInt(c.last), label: 0 });
    }
    return errors.length > 0 ? err(errors) : ok(TrustedProxies.#build(v4, v6));
  }

  static #build(v4: Range<number>[], v6: Range<bigint>[]): TrustedProxies {
    const arena = new RangeArena(16);
    const ref = arena.add(compileRanges(v4, 1), compileRanges(v6, 1n));
    return new TrustedProxies(arena, ref, v4.length + v6.length);
  }

  /** True when `address` (strict text, IPv4-mapped allowed) is inside a trusted block. */
  contains(address: string): boolean {
    if (this.size === 0) return false;
    const s = this.#scratch;
    const family = scanAddress(address, 0, address.length, s);
    if (family === 4) return this.#arena.matchV4(this.#ref, s[0]!) >= 0;
    if (family === 6) return this.#arena.matchV6(this.#ref, s) >= 0;
    return false;
  }
}
