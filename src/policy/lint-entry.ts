import { type EntryRange, rangeContains, rangesOverlap } from './entry-range.js';
import type { LocatedEntry } from './find-covered-entries.js';
import type { StatementType } from './policy-document.js';
import { PolicyCode, type PolicyProblem, policyWarning } from './policy-problem.js';
import { SPECIAL_RANGES } from './special-ranges.js';

/**
 * Masks shorter than these (other than /0, which says "everything" on purpose) allow so much
 * that they are more likely a typo (`/4` for `/24`) than a plan. A /8 is the largest block ever
 * allocated to one IPv4 holder; a /32 is a typical IPv6 allocation to a whole provider.
 */
export const WIDE_IPV4_PREFIX = 8;
export const WIDE_IPV6_PREFIX = 32;

/** ::ffff:0:0/96: IPv4 clients, which are matched against IPv4 entries only. */
const MAPPED_BLOCK: EntryRange = {
  family: 6,
  first: 0xffffn << 32n,
  last: (0xffffn << 32n) | 0xffffffffn,
  prefix: 96,
};

function where(entry: LocatedEntry): string {
  return `statement ${entry.statement}, IPList[${entry.index}]: ${entry.text}`;
}

function warn(code: string, entry: LocatedEntry, message: string): PolicyProblem {
  return policyWarning(code, `${where(entry)} ${message}`, {
    statement: entry.statement,
    entry: entry.text,
    field: `IPList[${entry.index}]`,
  });
}

function unspecified(entry: LocatedEntry): PolicyProblem | undefined {
  if (entry.first !== 0n || entry.last !== 0n) return undefined;
  const all = entry.family === 4 ? '0.0.0.0/0' : '::/0';
  return warn(
    PolicyCode.UnspecifiedAddress,
    entry,
    `is the single unspecified address, which no client has; did you mean ${all} (every address)?`,
  );
}

function privateRange(entry: LocatedEntry): PolicyProblem | undefined {
  if (entry.prefix === 0) return undefined;
  const inside = SPECIAL_RANGES.find((s) => rangeContains(s.range, entry));
  if (inside !== undefined) {
    return warn(
      PolicyCode.PrivateRangeInPublicList,
      entry,
      `is inside the ${inside.name} block ${inside.cidr}, never the source of a public-network call; ` +
        'addresses seen inside a VPC belong in a VPCWhiteList',
    );
  }
  const spanned = SPECIAL_RANGES.filter((s) => rangesOverlap(s.range, entry));
  if (spanned.length === 0) return undefined;
  const list = spanned.map((s) => `the ${s.name} block ${s.cidr}`).join(', ');
  return warn(
    PolicyCode.PrivateRangeInPublicList,
    entry,
    `includes ${list}, never the source of a public-network call`,
  );
}

function wideMask(entry: LocatedEntry): PolicyProblem | undefined {
  const threshold = entry.family === 4 ? WIDE_IPV4_PREFIX : WIDE_IPV6_PREFIX;
  if (entry.prefix === 0 || entry.prefix >= threshold) return undefined;
  const share = entry.family === 4 ? ` (${2 ** (32 - entry.prefix)} addresses)` : '';
  return warn(
    PolicyCode.WideMask,
    entry,
    `is a /${entry.prefix}${share}, wider than /${threshold}; check the prefix length is not a typo`,
  );
}

function coversMappedBlock(entry: LocatedEntry): PolicyProblem | undefined {
  if (entry.prefix === 0 || !rangesOverlap(entry, MAPPED_BLOCK)) return undefined;
  return warn(
    PolicyCode.IPv6CoversMappedBlock,
    entry,
    'covers the IPv4-mapped block ::ffff:0:0/96, but IPv4 clients (even when they arrive as ' +
      '::ffff:a.b.c.d) are matched only against IPv4 entries; list them as IPv4 to allow them',
  );
}

/** The checks that look at one entry on its own. */
export function lintEntry(type: StatementType, entry: LocatedEntry): PolicyProblem[] {
  const found = [
    unspecified(entry) ?? (type === 'ClassicWhiteList' ? privateRange(entry) : undefined),
    wideMask(entry),
    coversMappedBlock(entry),
  ];
  return found.filter((p): p is PolicyProblem => p !== undefined);
}
