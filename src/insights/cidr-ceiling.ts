import { SPECIAL_RANGES } from '../policy/special-ranges.js';
import { blockOf, type CidrBlock, commonPrefixLength } from './cidr-block.js';

/** The widest block an aggregated entry may be, as a prefix length per family. */
export interface AggregationBound {
  readonly v4: number;
  readonly v6: number;
}

/** ::ffff:0:0/96: lint warns about any IPv6 entry over it, as IPv4 clients are matched as IPv4. */
const MAPPED_BLOCK: CidrBlock = { family: 6, first: 0xffffn << 32n, prefix: 96 };

const SPECIAL_BLOCKS: readonly CidrBlock[] = SPECIAL_RANGES.map(({ range }) => ({
  family: range.family,
  first: range.first,
  prefix: range.prefix,
}));

/** The blocks no entry of a statement may touch: for the public list, the special ranges too. */
export function forbiddenBlocks(publicList: boolean): readonly CidrBlock[] {
  return publicList ? [...SPECIAL_BLOCKS, MAPPED_BLOCK] : [MAPPED_BLOCK];
}

/** Whether `value` lies inside one of `blocks` (a source no entry could name). */
export function insideAny(blocks: readonly CidrBlock[], family: 4 | 6, value: bigint): boolean {
  return blocks.some((b) => b.family === family && blockOf(family, value, b.prefix).first === b.first);
}

/**
 * The widest block holding `value` that an entry may be: no wider than the bound and touching no
 * forbidden block. Prefixes nest or are disjoint, so a block touches a forbidden one it does not
 * lie in only by containing it, that is, when it is no longer than the bits they share; one bit
 * more and it is clear. Every narrower block holding `value` is allowed too, so each address has
 * exactly one such ceiling, and the fewest entries that can cover a set of addresses is the
 * number of distinct ceilings among them. `value` must not lie in a forbidden block.
 */
export function ceilingBlock(
  family: 4 | 6,
  value: bigint,
  bound: AggregationBound,
  forbidden: readonly CidrBlock[],
): CidrBlock {
  let prefix = family === 4 ? bound.v4 : bound.v6;
  for (const block of forbidden) {
    if (block.family !== family) continue;
    prefix = Math.max(prefix, commonPrefixLength(family, value, block.first) + 1);
  }
  return blockOf(family, value, prefix);
}
