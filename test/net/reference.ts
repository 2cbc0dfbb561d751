/**
 * An independent, deliberately slow reference for the strict address grammar (below), used by
 * the property tests to check the allocation-free scanners in src/net. It shares no code with them:
 * the grammar is written as regular expressions straight from RFC 4291 §2.2 and the dotted-quad
 * rules, and values are BigInts. It answers only "valid or not, and which value"; which Fault a
 * rejected input gets is pinned by hand-written tests instead.
 *
 * Grammar:
 * - IPv4: exactly four decimal parts 0-255, no leading zero (so "0" but never "00" or "01").
 * - IPv6: eight groups of 1-4 hex digits (either case) separated by ":"; at most one "::" standing
 *   for one or more zero groups; the last 32 bits may be written as an IPv4 address as above.
 *   No zone ID, no brackets, no port, no whitespace anywhere.
 * - An IPv6 address in ::ffff:0:0/96 (IPv4-mapped) is the IPv4 address in its low 32 bits.
 * - CIDR: address "/" prefix, the prefix "0" or a decimal number without a leading zero, at most 32
 *   (IPv4) or 128 (IPv6). A mapped CIDR needs a prefix from 96 to 128 and means IPv4 /(p - 96).
 */

const DEC_OCTET = '(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])';
const IPV4_RE = new RegExp(`^${DEC_OCTET}\\.${DEC_OCTET}\\.${DEC_OCTET}\\.${DEC_OCTET}$`);
const H16_RE = /^[0-9a-fA-F]{1,4}$/;
const PREFIX_RE = /^(?:0|[1-9][0-9]*)$/;

export const V4_ALL = (1n << 32n) - 1n;
export const V6_ALL = (1n << 128n) - 1n;
const MAPPED_HIGH = 0xffffn; // bits 32..127 of an IPv4-mapped address

export interface RefAddress {
  readonly family: 4 | 6;
  /** 32-bit value for IPv4, 128-bit value for IPv6. */
  readonly value: bigint;
}

export interface RefCidr {
  readonly family: 4 | 6;
  readonly first: bigint;
  readonly last: bigint;
  readonly prefix: number;
  readonly hostBitsSet: boolean;
  readonly canonical: string;
}

/** A dotted-quad IPv4 address, or null. */
export function refParseIPv4(text: string): bigint | null {
  if (!IPV4_RE.test(text)) return null;
  return text.split('.').reduce((acc, part) => (acc << 8n) | BigInt(part), 0n);
}

/** The 16-bit groups of one side of "::" (or of the whole address), or null if malformed. */
function refGroups(side: string, mayEndInIPv4: boolean): bigint[] | null {
  if (side === '') return [];
  const pieces = side.split(':');
  const groups: bigint[] = [];
  for (let k = 0; k < pieces.length; k++) {
    const piece = pieces[k]!;
    if (H16_RE.test(piece)) {
      groups.push(BigInt(`0x${piece}`));
    } else if (mayEndInIPv4 && k === pieces.length - 1 && piece.includes('.')) {
      const v4 = refParseIPv4(piece);
      if (v4 === null) return null;
      groups.push(v4 >> 16n, v4 & 0xffffn);
    } else {
      return null;
    }
  }
  return groups;
}

/** An RFC 4291 IPv6 address as a 128-bit value, or null. */
export function refParseIPv6(text: string): bigint | null {
  const halves = text.split('::');
  let groups: bigint[];
  if (halves.length === 1) {
    const all = refGroups(text, true);
    if (all === null || all.length !== 8) return null;
    groups = all;
  } else if (halves.length === 2) {
    const left = refGroups(halves[0]!, false);
    const right = refGroups(halves[1]!, true);
    if (left === null || right === null) return null;
    const missing = 8 - left.length - right.length;
    if (missing < 1) return null; // "::" stands for at least one zero group
    groups = [...left, ...new Array<bigint>(missing).fill(0n), ...right];
  } else {
    return null;
  }
  return groups.reduce((acc, g) => (acc << 16n) | g, 0n);
}

/** Parses a client address; IPv4-mapped IPv6 comes back as IPv4. */
export function refParseAddress(text: string): RefAddress | null {
  if (!text.includes(':')) {
    const v4 = refParseIPv4(text);
    return v4 === null ? null : { family: 4, value: v4 };
  }
  const v6 = refParseIPv6(text);
  if (v6 === null) return null;
  if (v6 >> 32n === MAPPED_HIGH) return { family: 4, value: v6 & V4_ALL };
  return { family: 6, value: v6 };
}

/** Network mask with `prefix` leading one bits out of `bits`. */
export function refMask(prefix: number, bits: 32 | 128): bigint {
  const all = bits === 32 ? V4_ALL : V6_ALL;
  return all ^ ((1n << BigInt(bits - prefix)) - 1n);
}

/** Parses an IPList entry (address or CIDR). */
export function refParseCidr(text: string): RefCidr | null {
  const slash = text.indexOf('/');
  const addressText = slash < 0 ? text : text.slice(0, slash);
  const address = refParseAddress(addressText);
  if (address === null) return null;
  const bits = address.family === 4 ? 32 : 128;
  let prefix = bits;
  if (slash >= 0) {
    const prefixText = text.slice(slash + 1);
    if (!PREFIX_RE.test(prefixText)) return null;
    const written = Number(prefixText);
    const mapped = address.family === 4 && addressText.includes(':');
    if (mapped) {
      if (written < 96 || written > 128) return null;
      prefix = written - 96;
    } else {
      if (written > bits) return null;
      prefix = written;
    }
  }
  const mask = refMask(prefix, bits);
  const all = bits === 32 ? V4_ALL : V6_ALL;
  const first = address.value & mask;
  const last = first | (all ^ mask);
  const canonical = refFormat({ family: address.family, value: first }) + (slash >= 0 ? `/${prefix}` : '');
  return { family: address.family, first, last, prefix, hostBitsSet: first !== address.value, canonical };
}

/** The eight 16-bit groups of a 128-bit value. */
export function refGroupsOf(value: bigint): number[] {
  const groups: number[] = [];
  for (let k = 7; k >= 0; k--) groups.push(Number((value >> BigInt(k * 16)) & 0xffffn));
  return groups;
}

/**
 * Canonical text: dotted quad for IPv4; RFC 5952 §4 for IPv6 (lower case, no leading zeros, the
 * longest run of two or more zero groups shortened to "::", the first such run on a tie).
 */
export function refFormat(address: RefAddress): string {
  if (address.family === 4) {
    return [24n, 16n, 8n, 0n].map((shift) => ((address.value >> shift) & 0xffn).toString()).join('.');
  }
  const groups = refGroupsOf(address.value);
  let bestStart = -1;
  let bestLength = 0;
  for (let start = 0; start < 8; start++) {
    let end = start;
    while (end < 8 && groups[end] === 0) end++;
    const length = end - start;
    if (length >= 2 && length > bestLength) {
      bestStart = start;
      bestLength = length;
    }
  }
  const hex = (gs: number[]) => gs.map((g) => g.toString(16)).join(':');
  if (bestStart < 0) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLength))}`;
}

/** Four big-endian 32-bit words (as src/net returns IPv6 values) as one 128-bit value. */
export function wordsToBigInt(words: ArrayLike<number>): bigint {
  let value = 0n;
  for (let k = 0; k < 4; k++) value = (value << 32n) | BigInt(words[k]! >>> 0);
  return value;
}
