import { err, ok, type Result } from '../common/result.js';
import { type AddressError, addressError, scanAddress } from './address.js';
import { Fault, type FaultNumber, faultForCharacter } from './address-fault.js';
import { formatIPv4 } from './ipv4.js';
import { formatIPv6 } from './ipv6.js';

/** Longest entry text: a 45-character address, "/" and a three-digit prefix. */
export const MAX_ENTRY_LENGTH = 49;

type Words = readonly [number, number, number, number];

/**
 * One IPList entry: an address or a CIDR block, as the inclusive range it covers. IPv4-mapped
 * IPv6 entries are IPv4 entries (`::ffff:10.0.0.0/104` is `10.0.0.0/8`).
 */
export type Cidr =
  | {
      readonly family: 4;
      readonly first: number;
      readonly last: number;
      readonly prefix: number;
      /** Canonical text: the network address, and "/prefix" where the input had one. */
      readonly canonical: string;
      readonly hostBitsSet: boolean;
    }
  | {
      readonly family: 6;
      readonly first: Words;
      readonly last: Words;
      readonly prefix: number;
      readonly canonical: string;
      readonly hostBitsSet: boolean;
    };

/** Scans a plain decimal prefix length: digits only, no sign and no leading zero. */
function scanPrefix(s: string, start: number, end: number): number {
  if (start >= end) return Fault.PrefixNotDecimal;
  let value = 0;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) {
      const f = faultForCharacter(c);
      return f === Fault.Whitespace ? f : Fault.PrefixNotDecimal;
    }
    value = value * 10 + (c - 48);
  }
  if (end - start > 1 && s.charCodeAt(start) === 48) return Fault.PrefixNotDecimal;
  return value > 128 ? Fault.PrefixOutOfRange : value;
}

/**
 * Scans an address or CIDR block into `out` (the address as `scanAddress` writes it, host bits
 * not yet cleared). Returns `family * 256 + prefix`, `-256 + fault` style negatives are avoided:
 * a negative return is a `Fault`. IPv4-mapped CIDRs come back as IPv4 with the prefix minus 96.
 * Allocation-free, so policies for a million keys compile quickly.
 */
export function scanCidr(input: string, out: Uint32Array): number {
  const length = input.length;
  if (length === 0) return Fault.Empty;
  if (length > MAX_ENTRY_LENGTH) return Fault.TooLong;
  const slash = input.indexOf('/');
  const addressEnd = slash < 0 ? length : slash;
  const family = scanAddress(input, 0, addressEnd, out);
  if (family < 0) return family;
  if (slash < 0) return family * 256 + (family === 4 ? 32 : 128);
  const p = scanPrefix(input, slash + 1, length);
  if (p < 0) return p;
  const colon = input.indexOf(':');
  if (family === 4 && colon >= 0 && colon < addressEnd) {
    if (p < 96) return Fault.MappedPrefixTooShort;
    return 4 * 256 + (p - 96);
  }
  if (p > (family === 4 ? 32 : 128)) return Fault.PrefixOutOfRange;
  return family * 256 + p;
}

/** Clears the host bits of `word`, the `wordIndex`-th 32-bit word of an address, for `prefix`. */
export function maskWord(word: number, wordIndex: number, prefix: number): number {
  const bits = Math.min(32, Math.max(0, prefix - wordIndex * 32));
  if (bits === 0) return 0;
  if (bits === 32) return word >>> 0;
  return (word & ~(0xffffffff >>> bits)) >>> 0;
}

/** The last word of the range: `word` with the host bits set. */
export function fillWord(word: number, wordIndex: number, prefix: number): number {
  return (maskWord(word, wordIndex, prefix) | (~maskWord(0xffffffff, wordIndex, prefix) >>> 0)) >>> 0;
}

/** Four big-endian 32-bit words as one 128-bit integer (for compile time, never per request). */
export function wordsToBigInt(words: ArrayLike<number>): bigint {
  let value = 0n;
  for (let k = 0; k < words.length; k++) value = (value << 32n) | BigInt(words[k]!);
  return value;
}

const words = new Uint32Array(4);

/** Parses an address or CIDR block strictly (docs/policy-errors.md). Host bits set are cleared and flagged. */
export function parseCidr(input: string): Result<Cidr, AddressError> {
  const scanned = scanCidr(input, words);
  if (scanned < 0) return err(addressError(input, scanned as FaultNumber));
  const family = scanned >> 8;
  const prefix = scanned & 255;
  const suffix = input.indexOf('/') >= 0 ? `/${prefix}` : '';
  if (family === 4) {
    const address = words[0]!;
    const first = maskWord(address, 0, prefix);
    const last = fillWord(address, 0, prefix);
    return ok({
      family: 4,
      first,
      last,
      prefix,
      canonical: formatIPv4(first) + suffix,
      hostBitsSet: first !== address,
    });
  }
  const first: Words = [
    maskWord(words[0]!, 0, prefix),
    maskWord(words[1]!, 1, prefix),
    maskWord(words[2]!, 2, prefix),
    maskWord(words[3]!, 3, prefix),
  ];
  const last: Words = [
    fillWord(words[0]!, 0, prefix),
    fillWord(words[1]!, 1, prefix),
    fillWord(words[2]!, 2, prefix),
    fillWord(words[3]!, 3, prefix),
  ];
  const hostBitsSet = first.some((w, k) => w !== words[k]);
  return ok({ family: 6, first, last, prefix, canonical: formatIPv6(first) + suffix, hostBitsSet });
}
