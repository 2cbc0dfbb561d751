import { formatAddress, type IpAddress } from '../net/address.js';

/** One CIDR block of one family as integers: `first` is its network address, host bits clear. */
export interface CidrBlock {
  readonly family: 4 | 6;
  readonly first: bigint;
  readonly prefix: number;
}

export function familyBits(family: 4 | 6): number {
  return family === 4 ? 32 : 128;
}

export function addressValue(address: IpAddress): bigint {
  if (address.family === 4) return BigInt(address.value);
  const [a, b, c, d] = address.words;
  return (BigInt(a) << 96n) | (BigInt(b) << 64n) | (BigInt(c) << 32n) | BigInt(d);
}

/** How many addresses the block holds. */
export function blockSize(block: CidrBlock): bigint {
  return 1n << BigInt(familyBits(block.family) - block.prefix);
}

/** The block of `prefix` bits that holds `value`. */
export function blockOf(family: 4 | 6, value: bigint, prefix: number): CidrBlock {
  const hostBits = BigInt(familyBits(family) - prefix);
  return { family, first: (value >> hostBits) << hostBits, prefix };
}

export function blockContains(outer: CidrBlock, family: 4 | 6, value: bigint): boolean {
  return outer.family === family && blockOf(family, value, outer.prefix).first === outer.first;
}

/** How many leading bits two values of a family share. */
export function commonPrefixLength(family: 4 | 6, a: bigint, b: bigint): number {
  const differing = a ^ b;
  return familyBits(family) - (differing === 0n ? 0 : differing.toString(2).length);
}

/** The block as an IPList entry, in the canonical form parsePolicy gives it: a lone address without "/32" or "/128". */
export function blockText(block: CidrBlock): string {
  const address: IpAddress =
    block.family === 4
      ? { family: 4, value: Number(block.first) }
      : {
          family: 6,
          words: [
            Number((block.first >> 96n) & 0xffffffffn),
            Number((block.first >> 64n) & 0xffffffffn),
            Number((block.first >> 32n) & 0xffffffffn),
            Number(block.first & 0xffffffffn),
          ],
        };
  const text = formatAddress(address);
  return block.prefix === familyBits(block.family) ? text : `${text}/${block.prefix}`;
}
