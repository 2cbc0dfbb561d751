import { err, ok, type Result } from '../../common/result.js';
import { type AddressError, scanAddress } from '../../net/address.js';
import { parseCidr, wordsToBigInt } from '../../net/cidr.js';
import { RangeArena } from '../../net/range-arena.js';
import { compileRanges, type Range } from '../../net/range-set.js';

export type ForwardedHeader = 'x-forwarded-for' | 'forwarded';

export const FORWARDED_HEADERS: readonly ForwardedHeader[] = ['x-forwarded-for', 'forwarded'];

/**
 * The CIDR blocks of proxies whose forwarding headers are believed (`--trusted-proxy`). Checked
 * once per hop of every request, so it is a compiled range set like a policy's.
 */
export class TrustedProxies {
  readonly #arena: RangeArena;
  readonly #ref: number;
  readonly #scratch = new Uint32Array(4);
  readonly size: number;

  /**
   * The one forwarding header believed from a trusted proxy. Only one: nginx and Caddy append to
   * `X-Forwarded-For` but pass a client's own `Forwarded` through untouched, so a server that took
   * whichever header was present would let a client name its own address.
   */
  readonly forwardedHeader: ForwardedHeader;

  private constructor(arena: RangeArena, ref: number, size: number, forwardedHeader: ForwardedHeader) {
    this.forwardedHeader = forwardedHeader;
    this.#arena = arena;
    this.#ref = ref;
    this.size = size;
  }

  static readonly none = TrustedProxies.#build([], [], 'x-forwarded-for');

  static parse(
    entries: readonly string[],
    forwardedHeader: ForwardedHeader = 'x-forwarded-for',
  ): Result<TrustedProxies, AddressError[]> {
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
    return errors.length > 0 ? err(errors) : ok(TrustedProxies.#build(v4, v6, forwardedHeader));
  }

  static #build(v4: Range<number>[], v6: Range<bigint>[], forwardedHeader: ForwardedHeader): TrustedProxies {
    const arena = new RangeArena(16);
    const ref = arena.add(compileRanges(v4, 1), compileRanges(v6, 1n));
    return new TrustedProxies(arena, ref, v4.length + v6.length, forwardedHeader);
  }

  /** True when `address` (strict text, IPv4-mapped allowed) is inside a trusted block. */
  contains(address: string): boolean {
    if (this.size === 0) return false;
    const s = this.#scratch;
    const family = scanAddress(address, 0, address.length, s);
    // The words stay in their array: a number of 2^30 or more passed to a call may be boxed.
    if (family === 4 || family === 6) return this.#arena.match(this.#ref, family, s) >= 0;
    return false;
  }
}
