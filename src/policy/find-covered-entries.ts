import type { EntryRange } from './entry-range.js';

/** An entry and where it stands in its policy. */
export interface LocatedEntry extends EntryRange {
  readonly statement: number;
  readonly index: number;
  readonly text: string;
}

export interface Coverage {
  /** The redundant entry. */
  readonly entry: LocatedEntry;
  /** An entry that already allows every address of `entry`. */
  readonly by: LocatedEntry;
  /** Same range as `by`, possibly written differently (`1.2.3.4` and `1.2.3.4/32`). */
  readonly duplicate: boolean;
}

interface Item {
  readonly entry: LocatedEntry;
  /** False for entries that only serve as coverers (they are checked in their own pass). */
  readonly reported: boolean;
}

function compare(a: Item, b: Item): number {
  const x = a.entry;
  const y = b.entry;
  if (x.family !== y.family) return x.family - y.family;
  if (x.first !== y.first) return x.first < y.first ? -1 : 1;
  // Wider first, so that a coverer is met before what it covers.
  if (x.last !== y.last) return x.last > y.last ? -1 : 1;
  // Among equal ranges the unreported coverer goes first, then input order: the later
  // duplicate is the one called redundant.
  if (a.reported !== b.reported) return a.reported ? 1 : -1;
  return x.statement - y.statement || x.index - y.index;
}

/**
 * Finds the entries of `own` that another entry of `own`, or any entry of `wider`, already
 * allows. CIDR blocks never partly overlap: two either are disjoint or one contains the other.
 * So after sorting by start (wider first), an entry is covered exactly when some earlier entry
 * reaches at least as far, and tracking the farthest-reaching one so far decides it:
 * O(n log n), where comparing every pair would be O(n²).
 */
export function findCoveredEntries(
  own: readonly LocatedEntry[],
  wider: readonly LocatedEntry[] = [],
): Coverage[] {
  const items: Item[] = [
    ...wider.map((entry) => ({ entry, reported: false })),
    ...own.map((entry) => ({ entry, reported: true })),
  ].sort(compare);
  const found: Coverage[] = [];
  let reach: LocatedEntry | undefined;
  let previous: LocatedEntry | undefined;
  for (const { entry, reported } of items) {
    if (reach !== undefined && reach.family === entry.family && reach.last >= entry.last) {
      if (reported) {
        // Equal ranges sort next to each other, so a duplicate's twin is the item just before it.
        const same =
          previous!.family === entry.family &&
          previous!.first === entry.first &&
          previous!.last === entry.last;
        found.push({ entry, by: same ? previous! : reach, duplicate: same });
      }
    } else {
      reach = entry;
    }
    previous = entry;
  }
  return found;
}
