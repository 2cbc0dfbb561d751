import { type Cidr, wordsToBigInt } from '../net/cidr.js';

/**
 * An entry as one inclusive range of integers, IPv6 included, for the checks that compare
 * entries with each other. BigInt is fine here: linting is not on the decision path.
 */
export interface EntryRange {
  readonly family: 4 | 6;
  readonly first: bigint;
  readonly last: bigint;
  readonly prefix: number;
}

export function toEntryRange(cidr: Cidr): EntryRange {
  if (cidr.family === 4) {
    return { family: 4, first: BigInt(cidr.first), last: BigInt(cidr.last), prefix: cidr.prefix };
  }
  return { family: 6, first: wordsToBigInt(cidr.first), last: wordsToBigInt(cidr.last), prefix: cidr.prefix };
}

export function rangesOverlap(a: EntryRange, b: EntryRange): boolean {
  return a.family === b.family && a.first <= b.last && b.first <= a.last;
}

export function rangeContains(outer: EntryRange, inner: EntryRange): boolean {
  return outer.family === inner.family && outer.first <= inner.first && inner.last <= outer.last;
}
