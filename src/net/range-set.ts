/**
 * Compiles labelled ranges (a policy's entries, labelled with their statement index) into sorted,
 * disjoint segments. Where entries of several statements overlap, a segment carries the lowest
 * label, so a match reports the first statement that allows the address.
 * Runs when a policy is set, never on the decision path.
 */

/** A closed range [first, last] of one family; IPv6 bounds are 128-bit BigInts. */
export interface Range<T extends number | bigint> {
  readonly first: T;
  readonly last: T;
  readonly label: number;
}

interface Bounds<T> {
  first: T;
  last: T;
}

/** Sorts and merges overlapping or adjacent ranges into disjoint ones. */
function mergeSorted<T extends number | bigint>(ranges: Bounds<T>[], one: T): Bounds<T>[] {
  ranges.sort(byFirst);
  const merged: Bounds<T>[] = [];
  for (const r of ranges) {
    const top = merged[merged.length - 1];
    if (top !== undefined && r.first <= (top.last as bigint) + (one as bigint)) {
      if (r.last > top.last) top.last = r.last;
    } else {
      merged.push({ first: r.first, last: r.last });
    }
  }
  return merged;
}

/** The parts of sorted disjoint `ranges` not covered by sorted disjoint `covered`. */
function subtract<T extends number | bigint>(ranges: Bounds<T>[], covered: Bounds<T>[], one: T): Bounds<T>[] {
  const out: Bounds<T>[] = [];
  let c = 0;
  for (const r of ranges) {
    let first = r.first;
    while (c < covered.length && covered[c]!.last < first) c++;
    let k = c;
    while (k < covered.length && covered[k]!.first <= r.last) {
      const cov = covered[k]!;
      if (cov.first > first) out.push({ first, last: ((cov.first as bigint) - (one as bigint)) as T });
      if (cov.last >= r.last) {
        first = ((r.last as bigint) + (one as bigint)) as T; // the rest of r is covered
        break;
      }
      first = ((cov.last as bigint) + (one as bigint)) as T;
      k++;
    }
    if (first <= r.last) out.push({ first, last: r.last });
  }
  return out;
}

/**
 * Disjoint, sorted segments covering exactly the union of `ranges`, each labelled with the
 * lowest label of the ranges that cover it; adjacent segments with the same label are joined.
 */
export function compileRanges<T extends number | bigint>(ranges: readonly Range<T>[], one: T): Range<T>[] {
  const n = ranges.length;
  if (n === 0) return [];
  const first = ranges[0]!.label;
  let single = true;
  for (let i = 1; i < n && single; i++) single = ranges[i]!.label === first;
  // Most sets come from one statement: merge directly, without the per-label passes.
  if (single) return mergeLabelled(ranges, first, one);
  const labels = [...new Set(ranges.map((r) => r.label))].sort((a, b) => a - b);
  let covered: Bounds<T>[] = [];
  const pieces: Range<T>[] = [];
  for (const label of labels) {
    const own = mergeSorted(
      ranges.filter((r) => r.label === label).map((r) => ({ first: r.first, last: r.last })),
      one,
    );
    for (const piece of subtract(own, covered, one)) pieces.push({ ...piece, label });
    covered = mergeSorted([...covered, ...own], one);
  }
  pieces.sort(byFirst);
  const joined: Range<T>[] = [];
  for (const p of pieces) {
    const top = joined[joined.length - 1];
    if (top !== undefined && top.label === p.label && (top.last as bigint) + (one as bigint) === p.first) {
      joined[joined.length - 1] = { first: top.first, last: p.last, label: p.label };
    } else {
      joined.push(p);
    }
  }
  return joined;
}

function byFirst<T extends number | bigint>(a: Bounds<T>, b: Bounds<T>): number {
  return a.first < b.first ? -1 : a.first > b.first ? 1 : 0;
}

/** Sorted, merged copies of ranges that all carry `label`. */
function mergeLabelled<T extends number | bigint>(
  ranges: readonly Range<T>[],
  label: number,
  one: T,
): Range<T>[] {
  const sorted = ranges.slice().sort(byFirst);
  const out: Range<T>[] = [];
  let first = sorted[0]!.first;
  let last = sorted[0]!.last;
  for (let i = 1; i < sorted.length; i++) {
    const r = sorted[i]!;
    if (r.first <= (last as bigint) + (one as bigint)) {
      if (r.last > last) last = r.last;
    } else {
      out.push({ first, last, label });
      first = r.first;
      last = r.last;
    }
  }
  out.push({ first, last, label });
  return out;
}
