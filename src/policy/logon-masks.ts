import { err, ok, type Result } from '../common/result.js';
import { parseCidr } from '../net/cidr.js';
import { type EntryRange, rangeContains, toEntryRange } from './entry-range.js';
import { splitEntries } from './split-entries.js';

/**
 * An account's logon mask (IMS `LoginNetworkMasks`): the networks console sign-in and every
 * console request may come from. Entries are parsed as policy entries are (the same strict
 * parser, the same canonical form, host bits cleared) and stored joined with `;`; the empty
 * text allows any network. Browser-safe: the console checks drafts with it too.
 */

/** The longest `LoginNetworkMasks` value, as typed. */
export const MAX_LOGON_MASKS_LENGTH = 512;

export interface LogonMaskProblem {
  /** The parser's code (`Address.IPv4.LeadingZero` …), or `LogonMasks.TooMany` / `LogonMasks.TooLong`. */
  readonly code: string;
  readonly message: string;
  /** The entry as typed, for an entry's own problem. */
  readonly entry?: string;
}

/**
 * Parses masks separated by `;`, spaces or commas (empty ones ignored) into their canonical
 * forms, in order, each once; or every problem found. `limit`: `console.logonMaskLimit`.
 */
export function parseLogonMasks(text: string, limit: number): Result<string[], LogonMaskProblem[]> {
  const problems: LogonMaskProblem[] = [];
  if (text.length > MAX_LOGON_MASKS_LENGTH) {
    problems.push({
      code: 'LogonMasks.TooLong',
      message: `the masks are ${text.length} characters long; at most ${MAX_LOGON_MASKS_LENGTH} are allowed`,
    });
  }
  const canonical = new Set<string>();
  for (const entry of splitEntries(text)) {
    const parsed = parseCidr(entry);
    if (parsed.ok) canonical.add(parsed.value.canonical);
    else problems.push({ code: parsed.error.code, message: parsed.error.message, entry });
  }
  if (canonical.size > limit) {
    problems.push({
      code: 'LogonMasks.TooMany',
      message: `${canonical.size} masks are given; at most ${limit} are allowed`,
    });
  }
  return problems.length === 0 ? ok([...canonical]) : err(problems);
}

/** Parses stored masks (`;`-joined canonical forms) once, for many checks. */
export function compileLogonMasks(stored: string): readonly EntryRange[] {
  const ranges: EntryRange[] = [];
  for (const entry of splitEntries(stored)) {
    const parsed = parseCidr(entry);
    // Stored masks were parsed when set; an entry that no longer parses allows nothing.
    if (parsed.ok) ranges.push(toEntryRange(parsed.value));
  }
  return ranges;
}

/**
 * Whether `address` (canonical text; an IPv4-mapped IPv6 address counts as IPv4) is inside
 * the masks; stored masks that are empty allow every address. An unparsable address is outside.
 */
export function logonMasksAllow(stored: string, address: string): boolean {
  if (splitEntries(stored).length === 0) return true;
  const parsed = parseCidr(address);
  if (!parsed.ok) return false;
  const source = toEntryRange(parsed.value);
  return compileLogonMasks(stored).some((mask) => rangeContains(mask, source));
}
