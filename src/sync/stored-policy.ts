import { KeyFenceError } from '../common/keyfence-error.js';
import { parsePolicy } from '../policy/parse-policy.js';
import type { AccessKeyPolicy, CanonicalPolicyJson } from '../policy/policy-document.js';
import type { PolicyLimits } from '../policy/policy-limits.js';

// A stored policy was validated against the limits in force when it was written; lowering a
// limit later must not make a node refuse to load it, so only the grammar is checked here.
const LOAD_LIMITS: PolicyLimits = Object.freeze({
  maxStatements: Number.MAX_SAFE_INTEGER,
  maxClassicStatements: Number.MAX_SAFE_INTEGER,
  maxEntriesPerStatement: Number.MAX_SAFE_INTEGER,
  maxDocumentBytes: Number.MAX_SAFE_INTEGER,
});

/**
 * A stored canonical policy as the decision index takes it. A stored document that no longer
 * parses is corruption: loading stops rather than enforce something other than what was set.
 */
export function decodeStoredPolicy(json: CanonicalPolicyJson, where: string): AccessKeyPolicy {
  const parsed = parsePolicy(json, LOAD_LIMITS);
  if (!parsed.ok) {
    const codes = parsed.errors.map((e) => e.code).join(', ');
    throw new KeyFenceError('Sync.CorruptPolicy', `the stored policy of ${where} does not parse (${codes})`);
  }
  return parsed.policy;
}
