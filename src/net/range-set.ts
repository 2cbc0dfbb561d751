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
  readonly first: T;
  readonly last: T;
}

/** The parts of sorted disjoint `ranges` not covered by sorted disjoint `covered`. */
function subtract<T extends number | bigint>(
  ranges: readonly Bounds<T>[],
  covered: readonly Bounds<T>[],
  one: T,
): Bounds<T>[] {
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
  let covered: Range<T>[] = [];
  const pieces: Range<T>[] = [];
  for (const label of labels) {
    const own = mergeLabelled(
      ranges.filter((r) => r.label === label),
      label,
      one,
    );
    for (const piece of subtract(own, covered, one)) pieces.push({ ...piece, label });
    // Labels of `covered` do not matter: it only records what earlier labels took.
    covered = mergeLabelled([...covered, ...own], label, one);
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

/** Sorts and merges overlapping or adjacent ranges into disjoint ones, all carrying `label`. */
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
