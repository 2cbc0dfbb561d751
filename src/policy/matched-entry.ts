import { scanAddress } from '../net/address.js';
import { maskWord, scanCidr } from '../net/cidr.js';
import type { Source } from './decision.js';
import { DecisionIndex } from './decision-index.js';
import type { AccessKeyPolicy } from './policy-document.js';

/** A statement of a policy and an entry of its `IPList`. */
export interface MatchedEntry {
  readonly statement: number;
  readonly entry: number;
}

const address = new Uint32Array(4);
const words = new Uint32Array(4);

/**
 * The index in statement `statement`'s IPList of its first entry containing `ip`, or -1 (also
 * for an address that does not parse). Containment is the decision's: IPv4-mapped IPv6 on either
 * side is IPv4, and each family matches only its own entries. Never on the decision path, which
 * knows only the statement: the entry is worked out afterwards from the document.
 */
export function matchedEntry(policy: AccessKeyPolicy, statement: number, ip: string): number {
  const list = policy.Statements[statement]?.IPList;
  if (list === undefined) return -1;
  const family = scanAddress(ip, 0, ip.length, address);
  if (family < 0) return -1;
  for (let e = 0; e < list.length; e++) {
    const scanned = scanCidr(list[e]!, words);
    if (scanned < 0 || scanned >> 8 !== family) continue;
    const prefix = scanned & 255;
    let inside = true;
    for (let k = 0; k < (family === 4 ? 1 : 4) && inside; k++) {
      inside = maskWord(address[k]!, k, prefix) === maskWord(words[k]!, k, prefix);
    }
    if (inside) return e;
  }
  return -1;
}

// The policy alone, on a key of its own: what it says about a source whatever the IDs.
const PROBE_KEY = 'matched-entry-probe-key';
const PROBE_ACCOUNT = 'matched-entry-probe-account';

/**
 * For one policy, the statement and entry its decision would match for each source (null when it
 * would deny), whatever its Status: the statement as a throwaway `DecisionIndex` decides it (the
 * same precedence, docs/decision-engine.md), then that statement's first entry containing the
 * address. Compiles the policy once; each source then costs one decision and one statement scan.
 */
export function entryMatcher(policy: AccessKeyPolicy): (source: Source) => MatchedEntry | null {
  const index = new DecisionIndex();
  index.setKey(PROBE_KEY, PROBE_ACCOUNT, { ...policy, Status: 'Active' }, 0);
  const credential = { accessKeyId: PROBE_KEY, temporary: false };
  return (source) => {
    const { statement } = index.decide(credential, source, '');
    if (statement < 0) return null;
    return { statement, entry: matchedEntry(policy, statement, source.ip) };
  };
}
