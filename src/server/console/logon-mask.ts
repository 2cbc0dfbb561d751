import { scanAddress } from '../../net/address.js';
import { parseCidr, wordsToBigInt } from '../../net/cidr.js';
import { RangeArena } from '../../net/range-arena.js';
import { compileRanges, type Range } from '../../net/range-set.js';

/**
 * An account's logon mask (`LoginNetworkMasks`): the networks console sessions may come from,
 * decided with the same range code as network ACLs. The stored text is canonical CIDRs joined
 * with `;`; empty means any network.
 */
export class LogonMask {
  readonly #arena = new RangeArena(16);
  readonly #ref: number;
  readonly #scratch = new Uint32Array(4);
  /** True for the empty mask: every address is allowed. */
  readonly anyNetwork: boolean;

  private constructor(v4: Range<number>[], v6: Range<bigint>[], anyNetwork: boolean) {
    this.#ref = this.#arena.add(compileRanges(v4, 1), compileRanges(v6, 1n));
    this.anyNetwork = anyNetwork;
  }

  /**
   * The mask of `text` (entries between `;`, `,` or spaces). An entry that does not parse is
   * left out, and allows nothing: a mask must never widen by being misread.
   */
  static of(text: string): LogonMask {
    const v4: Range<number>[] = [];
    const v6: Range<bigint>[] = [];
    let entries = 0;
    for (const entry of text.split(/[;,\s]+/)) {
      if (entry === '') continue;
      entries++;
      const parsed = parseCidr(entry);
      if (!parsed.ok) continue;
      const c = parsed.value;
      if (c.family === 4) v4.push({ first: c.first, last: c.last, label: 0 });
      else v6.push({ first: wordsToBigInt(c.first), last: wordsToBigInt(c.last), label: 0 });
    }
    return new LogonMask(v4, v6, entries === 0);
  }

  /** The mask of `text` when every entry parses; undefined otherwise. */
  static parse(text: string): LogonMask | undefined {
    const entries = text.split(/[;,\s]+/).filter((entry) => entry !== '');
    return entries.every((entry) => parseCidr(entry).ok) ? LogonMask.of(text) : undefined;
  }

  /** Whether a session from `address` (as the source resolver gives it) is allowed. */
  allows(address: string): boolean {
    if (this.anyNetwork) return true;
    const s = this.#scratch;
    const family = scanAddress(address, 0, address.length, s);
    // The words stay in their array: a number of 2^30 or more passed to a call may be boxed.
    if (family === 4 || family === 6) return this.#arena.match(this.#ref, family, s) >= 0;
    return false;
  }
}

const LOOPBACK = LogonMask.of('127.0.0.0/8;::1');

/** True for 127.0.0.0/8 and ::1 (and IPv4-mapped 127.x). */
export const isLoopbackAddress = (address: string): boolean => LOOPBACK.allows(address);
