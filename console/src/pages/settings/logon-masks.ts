import { parseCidr } from '@keyfence/net/cidr.js';
import { rangeContains, toEntryRange } from '@keyfence/policy/entry-range.js';
import { splitEntries } from '@keyfence/policy/split-entries.js';

/** `console.logonMaskLimit`'s default; the server checks the configured limit again. */
export const LOGON_MASK_LIMIT = 40;
/** IMS's limit on `LoginNetworkMasks`, counted on the `;`-joined text sent. */
export const LOGON_MASK_MAX_CHARACTERS = 512;

export interface MaskProblem {
  readonly input: string;
  readonly code: string;
  readonly message: string;
}

/** What the logon mask text area holds, parsed as the server will parse it. */
export interface MaskDraft {
  /** Canonical masks, first spelling kept, duplicates dropped. */
  readonly masks: readonly string[];
  /** What `SetSecurityPreference` receives as `LoginNetworkMasks`; '' is any network. */
  readonly stored: string;
  readonly errors: readonly MaskProblem[];
  /** Changes the text undergoes on saving: host bits cleared, duplicates dropped. */
  readonly notes: readonly string[];
  readonly tooMany: boolean;
  readonly tooLong: boolean;
  /** Masks are set and none covers `clientIp`: saving ends this session (the lockout guard). */
  readonly excludes: boolean;
}

/** Separators `;`, space, `,` (and newlines), strict parsing by the server's own `src/net/`. */
export const parseMasks = (text: string, clientIp: string): MaskDraft => {
  const masks: string[] = [];
  const errors: MaskProblem[] = [];
  const notes: string[] = [];
  const ranges: ReturnType<typeof toEntryRange>[] = [];
  for (const input of splitEntries(text)) {
    const parsed = parseCidr(input);
    if (!parsed.ok) {
      errors.push(parsed.error);
      continue;
    }
    const { canonical } = parsed.value;
    if (masks.includes(canonical)) {
      notes.push(`${input} is listed twice: it is saved once.`);
      continue;
    }
    if (parsed.value.hostBitsSet) notes.push(`${input} has host bits set: it is saved as ${canonical}.`);
    masks.push(canonical);
    ranges.push(toEntryRange(parsed.value));
  }
  const stored = masks.join(';');
  const client = parseCidr(clientIp);
  const covered = client.ok && ranges.some((range) => rangeContains(range, toEntryRange(client.value)));
  return {
    masks,
    stored,
    errors,
    notes,
    tooMany: masks.length > LOGON_MASK_LIMIT,
    tooLong: stored.length > LOGON_MASK_MAX_CHARACTERS,
    excludes: masks.length > 0 && !covered,
  };
};
